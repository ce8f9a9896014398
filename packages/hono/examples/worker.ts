/**
 * A minimal Cloudflare Worker: close an order with credentials from the Worker's bindings.
 * `pnpm size` bundles this file to measure what the middleware costs a Worker.
 */
import { wechatpay, wechatpayErrorHandler } from '@wxpay/hono'
import { Hono } from 'hono'

type Bindings = { WECHATPAY_MCHID: string }

const app = new Hono<{ Bindings: Bindings }>()

// every option from the bindings: WECHATPAY_MCHID, WECHATPAY_SERIAL, WECHATPAY_PRIVATE_KEY, …
app.use('/orders/*', wechatpay())

app.post('/orders/:no/close', async (c) => {
  const reply = await c.var.wechatpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
    out_trade_no: c.req.param('no'),
    json: { mchid: c.env.WECHATPAY_MCHID },
  })
  return reply.status === 204 ? c.body(null, 204) : c.json(reply.data, reply.status)
})

app.onError(wechatpayErrorHandler)

export default app
