// send() end to end on both transports, against a gateway that records every request it sees and
// checks its signature with node:crypto (@wxpay/sandbox/testing): the three seed endpoints in the
// three call styles, byte for byte; and what is refused before any I/O (a refused call must leave
// the gateway's record empty).

import { type Gateway, signedV2Xml, startGateway, v2Sign, v2Xml } from '@wxpay/sandbox/testing'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import {
  appid,
  clientOptions,
  mchid,
  merchantSerial,
  platformSerial,
  secret,
  sub_mchid,
  v2OrderPaidReply,
} from '../../test/fixtures'
import { type TestKeys, testKeys } from '../../test/keys'
import { Wechatpay as FetchWechatpay } from '../index'
import { Wechatpay, WechatpayApiError, WechatpayBusinessError, WechatpayValidationError } from '../node'

let keys: TestKeys
let gateway: Gateway
let clients: Array<[string, Wechatpay]>

function options(extra: Record<string, unknown> = {}) {
  return { ...clientOptions(keys), baseUrl: gateway.url, backupBaseUrl: false as const, ...extra }
}

beforeAll(async () => {
  keys = testKeys()
  gateway = await startGateway({
    mchid,
    merchantSerial,
    merchantPublicKey: keys.merchantPublicKey,
    platformSerial,
    platformKey: keys.platformKey,
    secret,
  })
  clients = [
    ['undici', new Wechatpay(options())],
    ['fetch', new FetchWechatpay(options()) as Wechatpay],
  ]
})

afterAll(async () => {
  await gateway.close()
})

afterEach(() => {
  gateway.seen.length = 0
  gateway.handler = () => ({ status: 204 })
})

/** The error of a call that must be refused before I/O, with the option it names. */
async function refused(call: Promise<unknown>): Promise<WechatpayValidationError> {
  const error = await call.catch((e: unknown) => e)
  expect(error).toBeInstanceOf(WechatpayValidationError)
  expect(gateway.seen).toHaveLength(0)
  return error as WechatpayValidationError
}

describe.each([0, 1])('per-call options, transport %i', (index) => {
  const client = () => clients[index]![1]

  test('a per-call timeout has the client option bounds: above 2^31 − 1 ms is refused', async () => {
    // Before: a timer of 2^31 ms fired at once and the call failed with TIMEOUT, as a network error.
    for (const timeout of [2 ** 31, 1e12]) {
      const error = await refused(
        client()
          .chain('v3/x' as string)
          .get({ timeout }),
      )
      expect(error.option).toBe('timeout')
    }
    expect(() => new Wechatpay({ mchid, timeout: 2 ** 31 })).toThrow(WechatpayValidationError)
  })

  test('the largest per-call timeout is accepted', async () => {
    gateway.handler = () => ({ status: 404, body: '{"code":"NOT_FOUND","message":"no"}' })
    const error = await client()
      .chain('v3/x' as string)
      .get({ timeout: 2 ** 31 - 1 })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'WechatpayApiError', status: 404 })
    expect(gateway.seen).toHaveLength(1)
  })
})

describe.each([0, 1])('headers, query and bodies a transport cannot send, transport %i', (index) => {
  const client = () => clients[index]![1]

  test.each([
    ['a string', 'x-a: 1'],
    ['an array', [['x-a', '1']]],
    ['a Headers', new Headers({ 'x-a': '1' })],
    ['a Map', new Map([['x-a', '1']])],
    ['null', null],
  ])('headers as %s → refused naming headers', async (_, headers) => {
    // Before: a string or an array was read character by character (header "0", "1", …).
    const error = await refused(
      client()
        .chain('v3/x' as string)
        .get({ headers: headers as never }),
    )
    expect(error.option).toBe('headers')
  })

  test.each([
    ['a string', 'sub_mchid=1'],
    ['an array', ['a', 'b']],
  ])('query as %s → refused naming query', async (_, query) => {
    const error = await refused(
      client()
        .chain('v3/x' as string)
        .get({ query: query as never }),
    )
    expect(error.option).toBe('query')
  })

  test.each(['Host', 'Transfer-Encoding', 'Connection', 'Upgrade', 'Expect', 'Keep-Alive', 'TE'])(
    'the connection header %s → refused naming it',
    async (name) => {
      // Before: undici refused some of these (a NETWORK error, mapped to 504); fetch dropped others.
      const value = name === 'Expect' ? '100-continue' : name === 'TE' ? 'trailers' : 'x'
      const error = await refused(
        client()
          .chain('v3/x' as string)
          .get({ headers: { [name]: value } }),
      )
      expect(error.option).toBe(`headers.${name}`)
    },
  )

  test.each([
    ['outside Latin-1', '商户'],
    ['CR LF', 'a\r\nb'],
    ['a lone LF', 'a\nb'],
    ['NUL', 'a\u0000b'],
    ['another control character', 'a\u0001b'],
  ])('a header value %s → refused naming the header', async (_, value) => {
    // Before: fetch threw a TypeError (a retryable CONNECTION error, 504 in the adapters).
    const error = await refused(
      client()
        .chain('v3/x' as string)
        .get({ headers: { 'X-Note': value } }),
    )
    expect(error.option).toBe('headers.X-Note')
  })

  test('a Latin-1 header value with tabs is sent as given', async () => {
    gateway.handler = () => ({ status: 404, body: '{"code":"NOT_FOUND","message":"no"}' })
    await client()
      .chain('v3/x' as string)
      .get({ headers: { 'X-Note': 'caf\u00e9\tok' } })
      .catch(() => {})
    expect(gateway.seen).toHaveLength(1)
    expect(Buffer.from(gateway.seen[0]!.headers['x-note'] as string, 'latin1')).toEqual(
      Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x09, 0x6f, 0x6b]),
    )
  })

  test.each([
    ['get', 'json', 'v3/x'],
    ['delete', 'json', 'v3/x'],
    ['get', 'xml', 'v2/pay/orderquery'],
  ] as const)('a body on %s (%s) → refused naming it', async (verb, body, path) => {
    // Before: fetch refused a GET body with a TypeError, a retryable CONNECTION error.
    const payload = body === 'json' ? { json: { mchid } } : { xml: { mch_id: mchid, out_trade_no: 'T' } }
    const error = await refused(
      client()
        .chain(path as string)
        [verb](payload),
    )
    expect(error.option).toBe(body)
  })

  test('a DELETE the catalogue lists with a JSON body sends it, signed', async () => {
    // Five WeChat Pay DELETE endpoints take a body (e.g. removing a brand store names its brand_id):
    // refusing every DELETE body left them unreachable.
    const reply = await client()
      .chain('v3/brand/partner/store/brandstores/{store_id}')
      .delete({ store_id: '42', json: { brand_id: '7' } })
    expect(reply.status).toBe(204)
    expect(gateway.seen).toHaveLength(1)
    const seen = gateway.seen[0]!
    expect(seen.method).toBe('DELETE')
    expect(seen.url).toBe('/v3/brand/partner/store/brandstores/42')
    expect(seen.body).toBe('{"brand_id":"7"}')
    expect(seen.valid).toBe(true)
  })
})

const recharge = (state: string) => ({
  sp_mchid: mchid,
  sub_mchid,
  recharge_id: '1000000000000000001',
  out_recharge_no: 'cz-1',
  account_type: 'BASIC',
  recharge_state: state,
  recharge_scene: 'ECOMMERCE_DEPOSIT',
  recharge_amount: { amount: 100, currency: 'CNY' },
  accept_time: '2026-11-22T10:00:00+08:00',
  close_time: '2026-11-22T10:05:00+08:00',
})

describe.each([0, 1])('the three endpoints, transport %i', (index) => {
  const client = () => clients[index]![1]

  test.each([
    ['property chain', (w: Wechatpay) => w.v3.pay.transactions.outTradeNo._out_trade_no_.close],
    ['$x$ property chain', (w: Wechatpay) => w.v3.pay.transactions.outTradeNo.$out_trade_no$.close],
    ['chain()', (w: Wechatpay) => w.chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close')],
    ['[path]', (w: Wechatpay) => w['v3/pay/transactions/out-trade-no/{out_trade_no}/close']],
  ])('v3 close order via %s → 204, signed request, exact bytes', async (_, reach) => {
    const result = await reach(client()).post({ out_trade_no: 'T-1|x*', json: { mchid } })
    expect(result.status).toBe(204)
    expect(result.data).toBeUndefined()
    expect(gateway.seen).toHaveLength(1)
    const seen = gateway.seen[0]!
    expect(seen.valid).toBe(true)
    expect(seen.method).toBe('POST')
    expect(seen.url).toBe('/v3/pay/transactions/out-trade-no/T-1%7Cx*/close')
    expect(seen.body).toBe('{"mchid":"1900000109"}')
    expect(seen.headers['content-type']).toBe('application/json')
    expect(seen.headers.accept).toBe('application/json')
    expect(seen.headers['wechatpay-serial']).toBe(platformSerial)
    expect(seen.headers['user-agent']).toMatch(/^wxpay\/\d+\.\d+\.\d+ /)
  })

  test.each([
    [
      'property chain',
      (w: Wechatpay) => w.v3.platsolution.ecommerce.recharges.outRechargeNo._out_recharge_no_.close,
    ],
    [
      'chain()',
      (w: Wechatpay) =>
        w.chain('v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close'),
    ],
    [
      '[path]',
      (w: Wechatpay) => w['v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close'],
    ],
  ])('v3 close recharge via %s → 200 JSON, no request body, signed query', async (_, reach) => {
    gateway.handler = () => ({ status: 200, body: JSON.stringify(recharge('CLOSED')) })
    const result = await reach(client()).post({ out_recharge_no: 'cz-1', query: { sub_mchid } })
    expect(result.status).toBe(200)
    expect(result.data).toEqual(recharge('CLOSED'))
    expect(result.data.recharge_state).toBe('CLOSED')
    const seen = gateway.seen[0]!
    expect(seen.valid).toBe(true)
    expect(seen.url).toBe(
      `/v3/platsolution/ecommerce/recharges/out-recharge-no/cz-1/close?sub_mchid=${sub_mchid}`,
    )
    expect(seen.body).toBe('')
    expect(seen.headers['content-type']).toBeUndefined()
    expect(seen.headers['content-length'] ?? '0').toBe('0')
  })

  // The three styles typed as their common verb: comparing three whole nodes is too much for tsc.
  type V2Close = { post: Wechatpay['v2/pay/closeorder']['post'] }
  test.each<readonly [string, 'MD5' | 'HMAC-SHA256' | undefined, (w: Wechatpay) => V2Close]>([
    ['property chain', 'MD5', (w) => w.v2.pay.closeorder],
    ['chain()', 'HMAC-SHA256', (w) => w.chain('v2/pay/closeorder')],
    ['[path]', 'HMAC-SHA256', (w) => w['v2/pay/closeorder']],
    ['[path]', undefined, (w) => w['v2/pay/closeorder']],
  ])('v2 close order via %s, sign type %s → verified reply', async (_, signType, reach) => {
    gateway.handler = (req) => {
      const fields: Record<string, string> = {
        return_code: 'SUCCESS',
        return_msg: 'OK',
        appid,
        mch_id: mchid,
        nonce_str: 'rEpLyNoNcE',
        result_code: 'SUCCESS',
        unknown_extra: 'accepted',
      }
      return { status: 200, body: signedV2Xml(fields, secret, req.fields?.sign_type) }
    }
    const xml = {
      appid,
      mch_id: mchid,
      out_trade_no: '1217752501201407033233368018',
      ...(signType ? { sign_type: signType } : {}),
    }
    const result = await reach(client()).post({ xml })
    expect(result.status).toBe(200)
    expect(result.data.result_code).toBe('SUCCESS')
    expect(result.data.unknown_extra).toBe('accepted')
    const seen = gateway.seen[0]!
    expect(seen.url).toBe('/pay/closeorder')
    expect(seen.valid).toBe(true)
    expect(seen.fields?.out_trade_no).toBe('1217752501201407033233368018')
    expect(seen.fields?.nonce_str).toMatch(/^[0-9A-Za-z]{32}$/)
    expect(seen.fields?.sign_type).toBe(signType)
    expect(seen.headers['content-type']).toMatch(/^text\/xml/)
  })

  test('a v2 field named __proto__ is sent and signed like any other, not silently dropped', async () => {
    gateway.handler = () => ({ status: 200, body: v2Xml({ return_code: 'FAIL', return_msg: 'X' }) })
    const xml = JSON.parse(
      `{"appid":"${appid}","mch_id":"${mchid}","out_trade_no":"T1","nonce_str":"N1","__proto__":"x"}`,
    )
    await client()
      .v2.pay.closeorder.post({ xml })
      .catch(() => {})
    const body = gateway.seen[0]!.body
    expect(body).toContain('<__proto__><![CDATA[x]]></__proto__>')
    const sign = /<sign><!\[CDATA\[([0-9A-F]+)\]\]><\/sign>/.exec(body)?.[1]
    expect(sign).toBe(v2Sign({ ...xml }, secret, 'MD5'))
  })

  test('v2 result_code FAIL → WechatpayBusinessError with err_code and the decoded reply', async () => {
    gateway.handler = () => ({ status: 200, body: signedV2Xml(v2OrderPaidReply, secret) })
    const error = await client()
      .v2.pay.closeorder.post({ xml: { appid, mch_id: mchid, out_trade_no: 'T2' } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatpayBusinessError)
    expect(error).toMatchObject({ code: 'ORDERPAID', message: 'order paid', data: { result_code: 'FAIL' } })
  })

  test('v2 return_code FAIL → WechatpayBusinessError with return_code', async () => {
    gateway.handler = () => ({ status: 200, body: v2Xml({ return_code: 'FAIL', return_msg: '签名错误' }) })
    const error = await client()
      .v2.pay.closeorder.post({ xml: { appid, mch_id: mchid, out_trade_no: 'T2' } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatpayBusinessError)
    expect(error).toMatchObject({ code: 'FAIL', message: '签名错误' })
  })

  test('v3 non-2xx → WechatpayApiError with status, code, message, detail, requestId; never retried', async () => {
    gateway.handler = () => ({
      status: 404,
      body: JSON.stringify({
        code: 'ORDER_NOT_EXIST',
        message: '订单不存在',
        detail: { field: 'out_trade_no' },
      }),
      headers: { 'request-id': 'rid-404' },
    })
    const error = await client()
      .v3.pay.transactions.outTradeNo._out_trade_no_.close.post({ out_trade_no: 'NOPE', json: { mchid } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatpayApiError)
    expect(error).toMatchObject({
      status: 404,
      code: 'ORDER_NOT_EXIST',
      message: '订单不存在',
      detail: { field: 'out_trade_no' },
      requestId: 'rid-404',
    })
    expect(gateway.seen).toHaveLength(1)
  })

  test('202 USER_PAYING is verified and surfaced with its body', async () => {
    gateway.handler = () => ({
      status: 202,
      body: JSON.stringify({ code: 'USER_PAYING', message: 'paying' }),
    })
    const result = await client().v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
      out_trade_no: 'P',
      json: { mchid },
    })
    expect(result).toMatchObject({ status: 202, data: { code: 'USER_PAYING' } })
  })

  test('a GET with no json sends no body and signs an empty line', async () => {
    gateway.handler = () => ({ status: 200, body: '{"trade_state":"NOTPAY"}' })
    const result = await client().v3.pay.transactions.outTradeNo._out_trade_no_.get({
      out_trade_no: 'T9',
      query: { mchid },
    })
    expect(result.data).toEqual({ trade_state: 'NOTPAY' })
    expect(gateway.seen[0]).toMatchObject({
      method: 'GET',
      body: '',
      valid: true,
      url: `/v3/pay/transactions/out-trade-no/T9?mchid=${mchid}`,
    })
  })
})

describe('bad input is refused before any I/O', () => {
  const cases: Array<[string, (w: Wechatpay) => Promise<unknown>, string]> = [
    [
      'missing path variable',
      (w) =>
        w.chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close').post({ json: { mchid } } as never),
      'out_trade_no',
    ],
    [
      'slash in a variable',
      (w) =>
        w.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({ out_trade_no: 'a/b', json: { mchid } }),
      'out_trade_no',
    ],
    [
      'query in a variable',
      (w) =>
        w.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({ out_trade_no: 'a?b', json: { mchid } }),
      'out_trade_no',
    ],
    [
      'fragment in a variable',
      (w) =>
        w.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({ out_trade_no: 'a#b', json: { mchid } }),
      'out_trade_no',
    ],
    [
      'percent in a variable',
      (w) =>
        w.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({ out_trade_no: '%2F', json: { mchid } }),
      'out_trade_no',
    ],
    ['dot-dot', (w) => w.chain('v3/x/{id}' as string).get({ id: '..' }), 'id'],
    ['dot', (w) => w.chain('v3/x/{id}' as string).get({ id: '.' }), 'id'],
    [
      'empty',
      (w) =>
        w.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({ out_trade_no: '', json: { mchid } }),
      'out_trade_no',
    ],
    [
      'Unicode out_trade_no',
      (w) =>
        w.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
          out_trade_no: '订单1',
          json: { mchid },
        }),
      'out_trade_no',
    ],
    [
      '33 characters',
      (w) =>
        w.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
          out_trade_no: 'x'.repeat(33),
          json: { mchid },
        }),
      'out_trade_no',
    ],
    [
      'non-string variable',
      (w) =>
        w.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
          out_trade_no: 42 as never,
          json: { mchid },
        }),
      'out_trade_no',
    ],
    ['lone surrogate', (w) => w.chain('v3/x/{id}' as string).get({ id: '\ud800' }), 'id'],
    ['unserialisable json', (w) => w.chain('v3/x' as string).post({ json: { n: 1n } }), 'json'],
    [
      'v2 mch_id mismatch',
      (w) => w.v2.pay.closeorder.post({ xml: { appid, mch_id: '1', out_trade_no: 'T' } }),
      'xml.mch_id',
    ],
    [
      'v2 bad sign_type',
      (w) =>
        w.v2.pay.closeorder.post({
          xml: { appid, mch_id: mchid, out_trade_no: 'T', sign_type: 'SHA1' as never },
        }),
      'xml.sign_type',
    ],
    ['v2 without xml', (w) => w.chain('v2/pay/closeorder' as string).post({}), 'xml'],
    [
      'v2 object value',
      (w) => w.chain('v2/pay/closeorder' as string).post({ xml: { detail: {} as never } }),
      'xml.detail',
    ],
    [
      'v2 out_trade_no with a slash',
      (w) => w.v2.pay.closeorder.post({ xml: { appid, mch_id: mchid, out_trade_no: 'a/b' } }),
      'xml.out_trade_no',
    ],
    [
      'carriage return in a v2 value',
      (w) => w.chain('v2/pay/closeorder' as string).post({ xml: { attach: 'a\r\nb' } }),
      'xml.attach',
    ],
    [
      'NUL in a v2 value (XML 1.0 cannot carry it)',
      (w) => w.chain('v2/pay/closeorder' as string).post({ xml: { attach: 'a\u0000b' } }),
      'xml.attach',
    ],
    [
      'vertical tab in a v2 value',
      (w) => w.chain('v2/pay/closeorder' as string).post({ xml: { attach: 'a\u000bb' } }),
      'xml.attach',
    ],
    [
      'lone surrogate in a v2 value (would be sent as U+FFFD)',
      (w) => w.chain('v2/pay/closeorder' as string).post({ xml: { attach: 'a\udc00b' } }),
      'xml.attach',
    ],
    [
      'header with a line break',
      (w) => w.chain('v3/x' as string).get({ headers: { 'x-a': 'a\r\nb' } }),
      'headers.x-a',
    ],
    [
      'Authorization override',
      (w) => w.chain('v3/x' as string).get({ headers: { Authorization: 'x' } }),
      'headers.Authorization',
    ],
    ['query object value', (w) => w.chain('v3/x' as string).get({ query: { a: {} as never } }), 'query.a'],
    ['bad timeout', (w) => w.chain('v3/x' as string).get({ timeout: -1 }), 'timeout'],
    [
      'empty path',
      (w) => (w as unknown as { chain(p: string): { get(): Promise<unknown> } }).chain('').get(),
      'path',
    ],
  ]
  test.each(cases)('%s → WechatpayValidationError naming %s', async (_, call, option) => {
    const error = await call(clients[0]![1]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatpayValidationError)
    expect((error as WechatpayValidationError).option).toBe(option.split(' ')[0])
    expect(gateway.seen).toHaveLength(0)
  })

  test('v3 call on a client without v3 credentials, v2 call without secret', async () => {
    const v2only = new Wechatpay({ mchid, secret, baseUrl: gateway.url })
    await expect(v2only.chain('v3/x' as string).get()).rejects.toMatchObject({ option: 'serial' })
    const v3only = new Wechatpay(options({ secret: undefined }))
    await expect(
      v3only.v2.pay.closeorder.post({ xml: { appid, mch_id: mchid, out_trade_no: 'T' } }),
    ).rejects.toMatchObject({
      option: 'secret',
    })
    expect(gateway.seen).toHaveLength(0)
  })
})
