// What send() refuses before any I/O (per-call options: timeout, query, headers, bodies), against a
// gateway that records every request it sees (@wxpay/sandbox/testing): a refused call must leave it empty.

import { type Gateway, startGateway } from '@wxpay/sandbox/testing'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { clientOptions, mchid, merchantSerial, platformSerial, secret } from '../test/fixtures'
import { testKeys } from '../test/keys'
import { Wechatpay as FetchWechatpay } from './index'
import { Wechatpay, WechatpayValidationError } from './node'

let gateway: Gateway
let clients: Array<[string, Wechatpay]>

beforeAll(async () => {
  const keys = testKeys()
  gateway = await startGateway({
    mchid,
    merchantSerial,
    merchantPublicKey: keys.merchantPublicKey,
    platformSerial,
    platformKey: keys.platformKey,
    secret,
  })
  const options = { ...clientOptions(keys), baseUrl: gateway.url, backupBaseUrl: false as const }
  clients = [
    ['undici', new Wechatpay(options)],
    ['fetch', new FetchWechatpay(options) as Wechatpay],
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
      const error = await refused(client().chain('v3/x').get({ timeout }))
      expect(error.option).toBe('timeout')
    }
    expect(() => new Wechatpay({ mchid, timeout: 2 ** 31 })).toThrow(WechatpayValidationError)
  })

  test('the largest per-call timeout is accepted', async () => {
    gateway.handler = () => ({ status: 404, body: '{"code":"NOT_FOUND","message":"no"}' })
    const error = await client()
      .chain('v3/x')
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
        .chain('v3/x')
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
        .chain('v3/x')
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
          .chain('v3/x')
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
        .chain('v3/x')
        .get({ headers: { 'X-Note': value } }),
    )
    expect(error.option).toBe('headers.X-Note')
  })

  test('a Latin-1 header value with tabs is sent as given', async () => {
    gateway.handler = () => ({ status: 404, body: '{"code":"NOT_FOUND","message":"no"}' })
    await client()
      .chain('v3/x')
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
    const error = await refused(client().chain(path)[verb](payload))
    expect(error.option).toBe(body)
  })
})
