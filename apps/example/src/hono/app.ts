import { WechatpaySignatureError, type WechatpayStore } from '@wxpay/core'
import type { WechatpayMiddlewareOptions } from '@wxpay/hono'
import { wechatpay, wechatpayErrorHandler, wechatpayNotification } from '@wxpay/hono'
import { type Context, Hono } from 'hono'
import { env } from 'hono/adapter'
import { NotificationBook } from '../notifications'

type ExampleEnv = { WECHATPAY_APPID?: string }

/** `POST /orders`: a JSAPI order. */
export interface PlaceOrderBody {
  out_trade_no: string
  /** Fen. */
  total: number
  description: string
  /** The payer's openid under `appid`. */
  openid: string
  notify_url?: string
}

/** `POST /orders/:outTradeNo/refunds`: refund `refund` fen of an order of `total` fen. */
export interface RefundBody {
  out_refund_no: string
  refund: number
  total: number
  notify_url?: string
}

/**
 * The Hono app: the same routes as the NestJS app, on Node and on Cloudflare Workers alike.
 * Options not given here come from `WECHATPAY_*` (bindings on Workers, `process.env` on Node).
 * Notifications are recorded in `book`: on a Worker, `createApp()` runs once per isolate, so the
 * records live in that isolate's memory (fine for a demo; an application would use D1 or KV).
 */
export function createApp(
  options: WechatpayMiddlewareOptions = {},
  appid?: string,
  book: NotificationBook = new NotificationBook(),
  once?: WechatpayStore<unknown>,
) {
  const app = new Hono()
  app.use(wechatpay(options))
  app.onError(wechatpayErrorHandler)

  const merchant = (c: Context) => {
    const mchid = options.mchid ?? env<{ WECHATPAY_MCHID?: string }>(c).WECHATPAY_MCHID ?? ''
    return { mchid, appid: appid ?? env<ExampleEnv>(c).WECHATPAY_APPID ?? '' }
  }

  // v3 close order, `['…']` style here (the NestJS app uses the property chain).
  app.post('/orders/:outTradeNo/close', async (c) => {
    const { mchid } = merchant(c)
    await c.var.wechatpay['v3/pay/transactions/out-trade-no/{out_trade_no}/close'].post({
      out_trade_no: c.req.param('outTradeNo'),
      json: { mchid },
    })
    return c.body(null, 204)
  })

  // v2 close order with HMAC-SHA256, property chain.
  app.post('/v2/orders/:outTradeNo/close', async (c) => {
    const { mchid, appid } = merchant(c)
    const out_trade_no = c.req.param('outTradeNo')
    const { data } = await c.var.wechatpay.v2.pay.closeorder.post({
      xml: { appid, mch_id: mchid, out_trade_no, sign_type: 'HMAC-SHA256' },
    })
    return c.json({ out_trade_no, result_code: data.result_code })
  })

  // v3 close ecommerce recharge, `chain()` style.
  app.post('/recharges/:outRechargeNo/close', async (c) => {
    const { data } = await c.var.wechatpay
      .chain('v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close')
      .post({
        out_recharge_no: c.req.param('outRechargeNo'),
        query: { sub_mchid: c.req.query('sub_mchid') ?? '' },
      })
    return c.json(data)
  })

  // The payment lifecycle. Place a JSAPI order and hand the front end its signed parameters
  // (`['…']` style); `notify_url` is this app's own notify route unless the body names one.
  app.post('/orders', async (c) => {
    const { mchid, appid } = merchant(c)
    const body = await c.req.json<PlaceOrderBody>()
    const { data } = await c.var.wechatpay['v3/pay/transactions/jsapi'].post({
      json: {
        appid,
        mchid,
        description: body.description,
        out_trade_no: body.out_trade_no,
        notify_url: body.notify_url ?? new URL('/wechatpay/notify', c.req.url).href,
        amount: { total: body.total, currency: 'CNY' },
        payer: { openid: body.openid },
      },
    })
    const pay = await c.var.wechatpay.paySign.jsapi({ appId: appid, prepayId: data.prepay_id })
    return c.json({ out_trade_no: body.out_trade_no, prepay_id: data.prepay_id, pay })
  })

  // Query an order (property chain): the verified transaction.
  app.get('/orders/:outTradeNo', async (c) => {
    const { mchid } = merchant(c)
    const { data } = await c.var.wechatpay.v3.pay.transactions.outTradeNo._out_trade_no_.get({
      out_trade_no: c.req.param('outTradeNo'),
      query: { mchid },
    })
    return c.json(data)
  })

  // Refund (part of) an order (`chain()`): the refund as WeChat Pay accepted it.
  app.post('/orders/:outTradeNo/refunds', async (c) => {
    const body = await c.req.json<RefundBody>()
    const { data } = await c.var.wechatpay.chain('v3/refund/domestic/refunds').post({
      json: {
        out_trade_no: c.req.param('outTradeNo'),
        out_refund_no: body.out_refund_no,
        notify_url: body.notify_url ?? new URL('/wechatpay/notify', c.req.url).href,
        amount: { refund: body.refund, total: body.total, currency: 'CNY' },
      },
    })
    return c.json(data)
  })

  // WeChat Pay's notifications: verified (WECHATPAY_APIV3_KEY, WECHATPAY_CERTS), decrypted, typed,
  // answered 204 (or 401 FAIL for a forgery or a WECHATPAY/SIGNTEST/ probe, before this runs).
  // A refusal is counted in the book (GET /notifications shows it) instead of logged; anything
  // else (the handler threw, no APIv3 key) goes to console.error.
  app.post(
    '/wechatpay/notify',
    wechatpayNotification(
      (event) => {
        book.record(event)
      },
      {
        // with a shared store: a duplicate, here or at another instance, is acknowledged unrun
        ...(once ? { once } : {}),
        onError: (err, _c, phase) => {
          if (phase === 'verify' && err instanceof WechatpaySignatureError) book.refuse()
          else console.error('[example] notification not handled:', err)
        },
      },
    ),
  )

  // What the app recorded: one record per notification id, and how many deliveries arrived.
  app.get('/notifications', (c) => c.json(book.view()))

  return app
}
