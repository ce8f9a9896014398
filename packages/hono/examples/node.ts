/**
 * The same routes on Node: `node --env-file=.env` (or any `process.env`) supplies the WECHATPAY_*
 * variables; `env(c)` reads `process.env` there.
 */
import { serve } from '@hono/node-server'
import { wechatpay, wechatpayErrorHandler, wechatpayNotification } from '@wxpay/hono'
import { Hono } from 'hono'

const app = new Hono()

// options may also be given, in full or in part, or computed per request from the context
app.use('/pay/*', wechatpay({ timeout: 5_000 }))

app.post('/pay/v2/orders/:no/close', async (c) => {
  const { data } = await c.var.wechatpay.v2.pay.closeorder.post({
    xml: {
      appid: process.env.WECHATPAY_APPID ?? '',
      mch_id: process.env.WECHATPAY_MCHID ?? '',
      out_trade_no: c.req.param('no'),
      sign_type: 'HMAC-SHA256',
    },
  })
  return c.json(data)
})

// WeChat Pay's notifications: verified (WECHATPAY_APIV3_KEY, WECHATPAY_CERTS), decrypted, typed;
// answered 204, or FAIL when they do not verify or this function throws
app.use('/wechatpay/*', wechatpay())
app.post(
  '/wechatpay/notify',
  wechatpayNotification(async (event) => {
    if (event.event_type === 'TRANSACTION.SUCCESS') {
      console.log('paid', event.resource.out_trade_no, event.resource.amount.total)
    }
  }),
)

app.onError(wechatpayErrorHandler)

serve({ fetch: app.fetch, port: 3000 })
