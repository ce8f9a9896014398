// How a v3 reply becomes a result or an error: header whitespace, the headers an API error keeps,
// oversized error replies, and JSON whatever the Content-Type. Replies come from the scriptable
// gateway of @wxpay/sandbox/testing, signed there with node:crypto (independently of the SDK).
import { type Gateway, signV3Reply, startGateway } from '@wxpay/sandbox/testing'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { clientOptions, mchid, merchantSerial, platformSerial, secret } from '../../test/fixtures'
import { type TestKeys, testKeys } from '../../test/keys'
import { WechatpayApiError, WechatpaySignatureError, WechatpayTransportError } from '../errors'
import { Wechatpay as FetchWechatpay } from '../index'
import { Wechatpay } from '../node'
import { isDownloadPath, MAX_JSON_BYTES } from './call'

let keys: TestKeys
let gateway: Gateway
let clients: Array<[string, Wechatpay]>

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

const recharge = { out_recharge_no: 'cz-1', recharge_state: 'CLOSED', recharge_amount: { amount: 100 } }

describe.each([0, 1])('v3 replies, transport %i', (index) => {
  const client = () => clients[index]![1]
  const get = (options: Record<string, unknown> = {}) =>
    client()
      .chain('v3/x' as string)
      .get(options)

  test('Wechatpay-* header values padded with spaces and tabs still verify (RFC 9110 §5.5)', async () => {
    // Before: the trailing whitespace stayed in the value, so the serial was unknown and the
    // signature did not verify.
    const body = JSON.stringify(recharge)
    const signed = signV3Reply({ privateKey: keys.platformKey, serial: platformSerial, body })
    const padded: Array<[string, string]> = Object.entries(signed).map(([name, value]) => [
      name,
      ` \t${value} \t`,
    ])
    gateway.handler = () => ({
      status: 200,
      sign: false,
      headers: [['Content-Type', 'application/json'], ['Content-Length', String(body.length)], ...padded],
      body,
    })
    const result = await get()
    expect(result.data).toEqual(recharge)
  })

  test("a 429 keeps the reply's headers: Retry-After, as a lower-case record", async () => {
    // Before: WechatpayApiError had no headers.
    gateway.handler = () => ({
      status: 429,
      headers: { 'Retry-After': '7', 'Request-ID': 'rid-429' },
      body: JSON.stringify({ code: 'FREQUENCY_LIMITED', message: '频率超限' }),
    })
    const error = await get().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatpayApiError)
    expect(error).toMatchObject({ status: 429, code: 'FREQUENCY_LIMITED', requestId: 'rid-429' })
    expect((error as WechatpayApiError).headers['retry-after']).toBe('7')
    expect((error as WechatpayApiError).headers['request-id']).toBe('rid-429')
  })

  test.each([
    ['declared with Content-Length', true],
    ['streamed without a length', false],
  ])('an oversized error reply (%s) is an API error that keeps its status', async (_, declared) => {
    // Before: a RESPONSE_TOO_LARGE transport error, the 503 lost.
    const total = MAX_JSON_BYTES + 64 * 1024
    gateway.handler = () => ({
      stream: {
        status: 503,
        headers: [
          ['Content-Type', 'text/html'],
          ['Request-ID', 'rid-503'],
          ...(declared ? [['Content-Length', String(total)] as [string, string]] : []),
        ],
        chunk: new Uint8Array(64 * 1024).fill(0x3c),
        total,
      },
    })
    const error = await get().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatpayApiError)
    expect(error).toMatchObject({ status: 503, code: 'HTTP_503', requestId: 'rid-503' })
    expect((error as WechatpayApiError).headers['content-type']).toBe('text/html')
  })

  test('an oversized 2xx reply stays a RESPONSE_TOO_LARGE transport error, with its status', async () => {
    const total = MAX_JSON_BYTES + 1
    gateway.handler = () => ({
      stream: {
        status: 200,
        headers: [['Content-Length', String(total)]],
        chunk: new Uint8Array(1024),
        total,
      },
    })
    const error = await get().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatpayTransportError)
    expect(error).toMatchObject({ code: 'RESPONSE_TOO_LARGE', status: 200 })
  })

  test.each(['text/plain', 'text/html; charset=utf-8', 'application/octet-stream'])(
    'a signed 2xx JSON body labelled %s is parsed as JSON',
    async (type) => {
      // Before: returned as a string, though the typed endpoints promise an object.
      gateway.handler = () => ({
        status: 200,
        headers: { 'Content-Type': type },
        body: JSON.stringify(recharge),
      })
      const result = await get()
      expect(result.data).toEqual(recharge)
    },
  )

  test('a signed 2xx without a Content-Type is parsed as JSON', async () => {
    const body = JSON.stringify(recharge)
    gateway.handler = () => ({ status: 200, headers: [['Content-Length', String(body.length)]], body })
    expect((await get()).data).toEqual(recharge)
  })

  test.each([
    ['an HTML page', 'text/html', '<html>ok</html>'],
    ['truncated JSON', 'application/json', '{"a":'],
    ['a JSON string', 'application/json', '"ok"'],
    ['JSON null', 'application/json', 'null'],
    ['a JSON number', 'application/json', '42'],
  ])(
    'a signed 2xx holding %s → WechatpayApiError INVALID_REPLY (it verified: not a signature error)',
    async (_, type, body) => {
      // Before: an HTML page was returned as a string; bad JSON was a WechatpaySignatureError.
      gateway.handler = () => ({
        status: 200,
        headers: { 'Content-Type': type, 'Request-ID': 'rid-bad' },
        body,
      })
      const error = await get().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(WechatpayApiError)
      expect(error).toMatchObject({ code: 'INVALID_REPLY', status: 200, requestId: 'rid-bad' })
    },
  )

  test('a signed 204 and an empty signed 200 have no data', async () => {
    expect((await get()).data).toBeUndefined()
    gateway.handler = () => ({ status: 200, headers: [['Content-Length', '0']] })
    expect((await get()).data).toBeUndefined()
  })

  test('a download endpoint: its unsigned 2xx reply is returned as bytes; the same reply elsewhere is refused', async () => {
    // Before: download replies went through signature verification, so every real one was refused.
    const bill = '交易时间,公众账号ID\n'
    gateway.handler = () => ({
      status: 200,
      sign: false,
      headers: { 'Content-Type': 'text/plain' },
      body: bill,
    })
    const result = await client()
      .chain('v3/billdownload/file')
      .get({ query: { token: 't' } })
    expect(result.data).toBeInstanceOf(Uint8Array)
    expect(new TextDecoder().decode(result.data as Uint8Array)).toBe(bill)
    const elsewhere = await client()
      .chain('v3/bill/tradebill')
      .get({ query: { bill_date: '2026-11-29' } })
      .catch((e: unknown) => e)
    expect(elsewhere).toBeInstanceOf(WechatpaySignatureError)
  })
})

test.each([
  ['v3/billdownload/file', true],
  ['v3/merchant-service/images/abc%3D', true],
  ['v3/merchant-service/images/upload', false],
  ['v3/bill/tradebill', false],
  ['v3/billdownload/file/x', false],
  ['v3/pay/transactions/out-trade-no/T1/close', false],
])('isDownloadPath(%s) is %s', (path, expected) => {
  expect(isDownloadPath(path)).toBe(expected)
})

describe('a reply signed by the gateway key verifies; anything else fails closed', () => {
  test('reply signed over different bytes than sent', async () => {
    gateway.handler = () => ({
      status: 200,
      body: '{"a":2}',
      sign: false,
      headers: signV3Reply({ privateKey: keys.platformKey, serial: platformSerial, body: '{"a":1}' }),
    })
    await expect(clients[0]![1].chain('v3/x' as string).get()).rejects.toMatchObject({
      name: 'WechatpaySignatureError',
    })
  })
})
