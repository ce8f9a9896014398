// End to end against @wxpay/sandbox: a strict gateway that checks our signatures with its own
// (node:crypto) code, keeps real state, signs its replies and injects faults.
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { Wechatpay as FetchWechatpay } from './index'
import {
  Wechatpay,
  WechatpayApiError,
  WechatpayBusinessError,
  WechatpaySignatureError,
  WechatpayTransportError,
} from './node'

let sb: Sandbox
let mchid: string
let appid: string
const sub_mchid = '1900001121'

const clientOptions = (extra: Record<string, unknown> = {}) => ({
  ...sb.clientOptions(),
  backupBaseUrl: false as const,
  ...extra,
})

beforeAll(async () => {
  sb = await startSandbox()
  mchid = sb.merchant.mchid
  appid = sb.merchant.appid
})
afterAll(() => sb.close())
afterEach(async () => {
  await sb.faults.clear()
  sb.requests.clear()
})

const transports = [
  ['undici', () => new Wechatpay(clientOptions())],
  ['fetch', () => new FetchWechatpay(clientOptions()) as Wechatpay],
] as const

describe.each(transports)('the three endpoints in three styles (%s)', (transport, make) => {
  const styles = ['property chain', 'chain()', '[path]'] as const
  const v3Close = (w: Wechatpay, style: (typeof styles)[number]) =>
    style === 'property chain'
      ? w.v3.pay.transactions.outTradeNo._out_trade_no_.close
      : style === 'chain()'
        ? w.chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close')
        : w['v3/pay/transactions/out-trade-no/{out_trade_no}/close']
  const v2Close = (w: Wechatpay, style: (typeof styles)[number]) =>
    style === 'property chain'
      ? w.v2.pay.closeorder
      : style === 'chain()'
        ? w.chain('v2/pay/closeorder')
        : w['v2/pay/closeorder']
  const rechargeClose = (w: Wechatpay, style: (typeof styles)[number]) =>
    style === 'property chain'
      ? w.v3.platsolution.ecommerce.recharges.outRechargeNo._out_recharge_no_.close
      : style === 'chain()'
        ? w.chain('v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close')
        : w['v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close']

  test.each(styles)('v3 close order via %s: NOTPAY → CLOSED, 204', async (style) => {
    const out_trade_no = `v3-${transport}-${style.length}`
    sb.orders.create({ out_trade_no })
    const result = await v3Close(make(), style).post({ out_trade_no, json: { mchid } })
    expect(result).toMatchObject({ status: 204, data: undefined })
    expect(sb.orders.get(out_trade_no)?.state).toBe('CLOSED')
  })

  test.each(styles.flatMap((s) => [[s, 'MD5'] as const, [s, 'HMAC-SHA256'] as const]))(
    'v2 close order via %s with %s: SUCCESS, reply verified',
    async (style, sign_type) => {
      const out_trade_no = `v2-${transport}-${style.length}-${sign_type.length}`
      sb.orders.create({ out_trade_no })
      const { status, data } = await v2Close(make(), style).post({
        xml: { appid, mch_id: mchid, out_trade_no, sign_type },
      })
      expect(status).toBe(200)
      expect(data).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS', mch_id: mchid, appid })
      expect(sb.orders.get(out_trade_no)?.state).toBe('CLOSED')
    },
  )

  test.each(styles)(
    'v3 close recharge via %s: RECHARGING → CLOSED, 200 with the full reply',
    async (style) => {
      const out_recharge_no = `cz-${transport}-${style.length}`
      sb.recharges.create({ out_recharge_no, sub_mchid, amount: 12345 })
      const { status, data } = await rechargeClose(make(), style).post({
        out_recharge_no,
        query: { sub_mchid },
      })
      expect(status).toBe(200)
      expect(data).toMatchObject({
        sp_mchid: mchid,
        sub_mchid,
        out_recharge_no,
        recharge_state: 'CLOSED',
        recharge_amount: { amount: 12345, currency: 'CNY' },
      })
      expect(data.close_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/)
      expect(sb.recharges.get(out_recharge_no)?.state).toBe('CLOSED')
    },
  )
})

describe('state rules surface as typed errors', () => {
  test('a paid order: v3 WechatpayApiError ORDER_PAID, v2 WechatpayBusinessError ORDERPAID', async () => {
    const wxpay = new Wechatpay(clientOptions())
    sb.orders.create({ out_trade_no: 'PAID1', state: 'SUCCESS' })
    const v3 = await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close
      .post({ out_trade_no: 'PAID1', json: { mchid } })
      .catch((e: unknown) => e)
    expect(v3).toBeInstanceOf(WechatpayApiError)
    expect(v3).toMatchObject({ status: 400, code: 'ORDER_PAID' })
    expect((v3 as WechatpayApiError).requestId).toBeTruthy()
    const v2 = await wxpay.v2.pay.closeorder
      .post({ xml: { appid, mch_id: mchid, out_trade_no: 'PAID1', sign_type: 'HMAC-SHA256' } })
      .catch((e: unknown) => e)
    expect(v2).toBeInstanceOf(WechatpayBusinessError)
    expect(v2).toMatchObject({ code: 'ORDERPAID', data: { result_code: 'FAIL' } })
  })

  test('an unknown order: 404 ORDER_NOT_EXIST', async () => {
    const error = await new Wechatpay(clientOptions()).v3.pay.transactions.outTradeNo._out_trade_no_.close
      .post({ out_trade_no: 'NOPE', json: { mchid } })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'WechatpayApiError', status: 404, code: 'ORDER_NOT_EXIST' })
  })

  test('a user still paying: 202 USER_PAYING is verified and surfaced', async () => {
    sb.orders.create({ out_trade_no: 'PAYING', state: 'USERPAYING' })
    const result = await new Wechatpay(
      clientOptions(),
    ).v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
      out_trade_no: 'PAYING',
      json: { mchid },
    })
    expect(result).toMatchObject({ status: 202, data: { code: 'USER_PAYING' } })
  })

  test('a client signing with another key is refused with 401 SIGN_ERROR', async () => {
    const other = await startSandbox()
    try {
      sb.orders.create({ out_trade_no: 'FORGED' })
      const error = await new Wechatpay(
        clientOptions({ privateKey: other.merchant.privateKey }),
      ).v3.pay.transactions.outTradeNo._out_trade_no_.close
        .post({ out_trade_no: 'FORGED', json: { mchid } })
        .catch((e: unknown) => e)
      expect(error).toMatchObject({ name: 'WechatpayApiError', status: 401, code: 'SIGN_ERROR' })
      expect(sb.orders.get('FORGED')?.state).toBe('NOTPAY')
    } finally {
      await other.close()
    }
  })
})

describe('faults', () => {
  test.each([
    ['badSignature', { badSignature: {} }],
    ['signtestProbe', { signtestProbe: {} }],
    ['clockSkewSeconds +300', { clockSkewSeconds: { value: 300 } }],
    ['clockSkewSeconds -301', { clockSkewSeconds: { value: -301 } }],
  ])('%s → WechatpaySignatureError (v3 and v2)', async (_, fault) => {
    const wxpay = new Wechatpay(clientOptions())
    await sb.faults.set(fault)
    sb.orders.create({ out_trade_no: 'SIG1' })
    const v3 = await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close
      .post({ out_trade_no: 'SIG1', json: { mchid } })
      .catch((e: unknown) => e)
    expect(v3).toBeInstanceOf(WechatpaySignatureError)
    if ('badSignature' in fault) {
      sb.orders.create({ out_trade_no: 'SIG2' })
      const v2 = await wxpay.v2.pay.closeorder
        .post({ xml: { appid, mch_id: mchid, out_trade_no: 'SIG2' } })
        .catch((e: unknown) => e)
      expect(v2).toBeInstanceOf(WechatpaySignatureError)
    }
  })

  test('clock skew of 299 s is accepted', async () => {
    await sb.faults.set({ clockSkewSeconds: { value: -299 } })
    sb.orders.create({ out_trade_no: 'SKEW299' })
    const result = await new Wechatpay(
      clientOptions(),
    ).v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
      out_trade_no: 'SKEW299',
      json: { mchid },
    })
    expect(result.status).toBe(204)
  })

  test('primary down → the same signed request succeeds on the backup', async () => {
    const wxpay = new Wechatpay(clientOptions({ backupBaseUrl: sb.backupUrl }))
    sb.orders.create({ out_trade_no: 'FAILOVER' })
    await sb.faults.set({ primaryDown: true })
    const result = await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
      out_trade_no: 'FAILOVER',
      json: { mchid },
    })
    expect(result.status).toBe(204)
    expect(sb.requests.map((r) => r.listener)).toEqual(['backup'])
  })

  test('one reset connection → one retry on the backup', async () => {
    const wxpay = new Wechatpay(clientOptions({ backupBaseUrl: sb.backupUrl }))
    sb.orders.create({ out_trade_no: 'RESET1' })
    await sb.faults.set({ resetConnection: { count: 1 } })
    const result = await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
      out_trade_no: 'RESET1',
      json: { mchid },
    })
    expect(result.status).toBe(204)
    expect(sb.requests.map((r) => r.listener)).toEqual(['primary', 'backup'])
  })

  test('a 503 is a typed error and is not retried', async () => {
    const wxpay = new Wechatpay(clientOptions({ backupBaseUrl: sb.backupUrl }))
    await sb.faults.set({ status: { value: 503 } })
    const error = await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close
      .post({ out_trade_no: 'S503', json: { mchid } })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'WechatpayApiError', status: 503 })
    expect(sb.requests).toHaveLength(1)
  })

  test('latency beyond the timeout → TIMEOUT', async () => {
    await sb.faults.set({ latencyMs: { value: 1000 } })
    const error = await new Wechatpay(
      clientOptions({ timeout: 200 }),
    ).v3.pay.transactions.outTradeNo._out_trade_no_.close
      .post({ out_trade_no: 'SLOW', json: { mchid } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatpayTransportError)
    expect(error).toMatchObject({ code: 'TIMEOUT' })
  })
})
