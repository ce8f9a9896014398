// The payment lifecycle through the typed endpoints against @wxpay/sandbox, a gateway that checks
// our signatures with its own node:crypto code and keeps real order and refund state: place a JSAPI
// order, pay it in the sandbox, query it by out_trade_no and by transaction_id, refund part of it
// and query the refund, close another unpaid one; v2 unifiedorder → orderquery → refundquery. The
// notifications the sandbox delivers are parsed with wxpay.notifications (verified, decrypted).
// The three call styles alternate across the calls.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Wechatpay, WechatpayApiError, WechatpayBusinessError } from './node'

let sb: Sandbox
let wxpay: Wechatpay
let mchid: string
let appid: string
let receiver: Server
let notifyUrl: string
const received: { headers: IncomingHttpHeaders; body: Buffer }[] = []

beforeAll(async () => {
  sb = await startSandbox()
  mchid = sb.merchant.mchid
  appid = sb.merchant.appid
  wxpay = new Wechatpay({ ...sb.clientOptions(), backupBaseUrl: false })
  // the merchant's notify_url: keeps what arrives, acknowledges with 204
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) })
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  notifyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/wxpay/notify`
})
afterAll(async () => {
  await sb.close()
  await new Promise<void>((resolve) => receiver.close(() => resolve()))
})

describe('v3 lifecycle through the typed endpoints', () => {
  test('place (JSAPI), pay, query both ways, refund part, query the refund; close another', async () => {
    // place: property chain
    const placed = await wxpay.v3.pay.transactions.jsapi.post({
      json: {
        appid,
        mchid,
        description: 'Image形象店-深圳腾大-QQ公仔',
        out_trade_no: 'LIFE-1',
        notify_url: notifyUrl,
        amount: { total: 1000, currency: 'CNY' },
        payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
      },
    })
    expect(placed.status).toBe(200)
    expect(placed.data.prepay_id).toMatch(/^wx\d{14}/)
    expect(sb.orders.get('LIFE-1')).toMatchObject({ state: 'NOTPAY', amount: 1000, notify_url: notifyUrl })

    // pay in the sandbox: TRANSACTION.SUCCESS reaches the notify_url; the client verifies and decrypts it
    const paid = await sb.orders.pay('LIFE-1')
    const transactionId = paid.transaction_id as string
    await sb.notifications.settled()
    const payment = await wxpay.notifications.parse(
      received[0] as { headers: IncomingHttpHeaders; body: Buffer },
    )
    expect(payment).toMatchObject({
      event_type: 'TRANSACTION.SUCCESS',
      resource: { out_trade_no: 'LIFE-1', transaction_id: transactionId, trade_state: 'SUCCESS' },
    })

    // query by out_trade_no: chain()
    const byNo = await wxpay.chain('v3/pay/transactions/out-trade-no/{out_trade_no}').get({
      out_trade_no: 'LIFE-1',
      query: { mchid },
    })
    expect(byNo.data).toMatchObject({
      appid,
      mchid,
      out_trade_no: 'LIFE-1',
      transaction_id: transactionId,
      trade_type: 'JSAPI',
      trade_state: 'SUCCESS',
      payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
      amount: { total: 1000, payer_total: 1000, currency: 'CNY', payer_currency: 'CNY' },
    })
    // query by transaction_id: [path]
    const byId = await wxpay['v3/pay/transactions/id/{transaction_id}'].get({
      transaction_id: transactionId,
      query: { mchid },
    })
    expect(byId.data).toEqual(byNo.data)

    // refund part of it: chain(); query the refund: property chain
    const refund = await wxpay.chain('v3/refund/domestic/refunds').post({
      json: {
        out_trade_no: 'LIFE-1',
        out_refund_no: 'LIFE-1-R1',
        reason: '商品已售完',
        notify_url: notifyUrl,
        amount: { refund: 300, total: 1000, currency: 'CNY' },
      },
    })
    expect(refund.data).toMatchObject({
      out_refund_no: 'LIFE-1-R1',
      transaction_id: transactionId,
      status: 'PROCESSING',
      amount: { refund: 300, total: 1000, payer_refund: 300, currency: 'CNY' },
    })
    const refundQuery = await wxpay.v3.refund.domestic.refunds._out_refund_no_.get({
      out_refund_no: 'LIFE-1-R1',
    })
    expect(refundQuery.data).toMatchObject({ refund_id: refund.data.refund_id, status: 'SUCCESS' })
    expect(sb.refunds.get('LIFE-1-R1')).toMatchObject({ status: 'SUCCESS', refund: 300 })
    await sb.notifications.settled()
    const refunded = await wxpay.notifications.parse(
      received[1] as { headers: IncomingHttpHeaders; body: Buffer },
    )
    expect(refunded).toMatchObject({
      event_type: 'REFUND.SUCCESS',
      resource: {
        out_refund_no: 'LIFE-1-R1',
        refund_status: 'SUCCESS',
        amount: { refund: 300, total: 1000 },
      },
    })
    // the order, queried again: REFUND
    const after = await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.get({
      out_trade_no: 'LIFE-1',
      query: { mchid },
    })
    expect(after.data.trade_state).toBe('REFUND')

    // more than what is left is refused: [path]
    const tooMuch = await wxpay['v3/refund/domestic/refunds']
      .post({
        json: {
          transaction_id: transactionId,
          out_refund_no: 'LIFE-1-R2',
          amount: { refund: 701, total: 1000, currency: 'CNY' },
        },
      })
      .catch((e: unknown) => e)
    expect(tooMuch).toBeInstanceOf(WechatpayApiError)
    expect(tooMuch).toMatchObject({ status: 400, code: 'INVALID_REQUEST' })

    // another order, Native, left unpaid and closed: [path] then chain()
    const native = await wxpay['v3/pay/transactions/native'].post({
      json: {
        appid,
        mchid,
        description: 'Native',
        out_trade_no: 'LIFE-2',
        notify_url: notifyUrl,
        amount: { total: 1 },
      },
    })
    expect(native.data.code_url).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/)
    const closed = await wxpay
      .chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close')
      .post({ out_trade_no: 'LIFE-2', json: { mchid } })
    expect(closed.status).toBe(204)
    expect(sb.orders.get('LIFE-2')?.state).toBe('CLOSED')
    // the state the sandbox keeps agrees with what the client saw
    expect(sb.orders.get('LIFE-1')?.state).toBe('REFUND')
    expect(sb.refunds.list('LIFE-1').map((r) => [r.out_refund_no, r.status])).toEqual([
      ['LIFE-1-R1', 'SUCCESS'],
    ])
  })
})

describe('v2 lifecycle through the typed endpoints', () => {
  test('unifiedorder (NATIVE) → pay → orderquery → refundquery', async () => {
    // property chain
    const placed = await wxpay.v2.pay.unifiedorder.post({
      xml: {
        appid,
        mch_id: mchid,
        body: '腾讯充值中心-QQ会员充值',
        out_trade_no: 'LIFE-V2',
        total_fee: 888,
        spbill_create_ip: '123.12.12.123',
        notify_url: 'http://127.0.0.1:9/v2/notify',
        trade_type: 'NATIVE',
        product_id: '12235413214070356458058',
        sign_type: 'HMAC-SHA256',
      },
    })
    expect(placed.data).toMatchObject({
      return_code: 'SUCCESS',
      result_code: 'SUCCESS',
      trade_type: 'NATIVE',
    })
    expect(placed.data.code_url).toMatch(/^weixin:\/\//)
    const paid = await sb.orders.pay('LIFE-V2')

    // chain(): the catalogue marks both numbers required (WeChat takes either; transaction_id wins)
    const query = await wxpay.chain('v2/pay/orderquery').post({
      xml: { appid, mch_id: mchid, transaction_id: paid.transaction_id as string, out_trade_no: 'LIFE-V2' },
    })
    expect(query.data).toMatchObject({
      trade_state: 'SUCCESS',
      transaction_id: paid.transaction_id,
      out_trade_no: 'LIFE-V2',
      total_fee: '888',
    })

    // no refund yet: [path], a typed business error
    const none = await wxpay['v2/pay/refundquery']
      .post({
        xml: {
          appid,
          mch_id: mchid,
          transaction_id: paid.transaction_id as string,
          out_trade_no: 'LIFE-V2',
          out_refund_no: '',
          refund_id: '',
        },
      })
      .catch((e: unknown) => e)
    expect(none).toBeInstanceOf(WechatpayBusinessError)
    expect(none).toMatchObject({ data: { err_code: 'REFUNDNOTEXIST' } })

    // a partial refund (v3 API on the v2 order), then refundquery by out_trade_no sees it
    await wxpay.v3.refund.domestic.refunds.post({
      json: {
        out_trade_no: 'LIFE-V2',
        out_refund_no: 'LIFE-V2-R1',
        amount: { refund: 88, total: 888, currency: 'CNY' },
      },
    })
    const refunds = await wxpay.v2.pay.refundquery.post({
      xml: {
        appid,
        mch_id: mchid,
        transaction_id: '',
        out_trade_no: 'LIFE-V2',
        out_refund_no: '',
        refund_id: '',
        sign_type: 'HMAC-SHA256',
      },
    })
    expect(refunds.data).toMatchObject({
      refund_count: '1',
      out_refund_no_0: 'LIFE-V2-R1',
      refund_fee_0: '88',
      refund_status_0: 'SUCCESS',
    })
    expect(sb.orders.get('LIFE-V2')?.state).toBe('REFUND')
  })
})
