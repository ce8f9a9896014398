// Path templates and query strings are encoded once, canonically, before signing: what is signed is
// byte for byte what goes on the request line, on both transports. The gateway (@wxpay/sandbox/testing)
// checks each Authorization header with node:crypto over the request line exactly as it arrived.

import { type Gateway, startGateway } from '@wxpay/sandbox/testing'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { clientOptions, mchid, merchantSerial, platformSerial, secret } from '../test/fixtures'
import { testKeys } from '../test/keys'
import { WechatpayValidationError } from './errors'
import { Wechatpay as FetchWechatpay } from './index'
import { Wechatpay } from './node'
import { expandPath, queryString } from './uri-template'

describe('expandPath', () => {
  test.each([
    ['v3/测试/{id}', 'v3/%E6%B5%8B%E8%AF%95/x'],
    ['v3/a|b^c d`e/{id}', 'v3/a%7Cb%5Ec%20d%60e/x'],
    ["v3/a-b_c.d~e!$&'()*+,;=:@/{id}", "v3/a-b_c.d~e!$&'()*+,;=:@/x"],
    ['v3/%41%e9/{id}', 'v3/%41%e9/x'],
    ['v3/100%/{id}', 'v3/100%25/x'],
    ['v3/a{b/c}/{id}', 'v3/a%7Bb/c%7D/x'],
    ['v3/{id}/é{id}', 'v3/x/%C3%A9x'],
  ])('template %s → %s', (template, expected) => {
    expect(expandPath(template, { id: 'x' })).toBe(expected)
  })

  test('values are one segment each, encoded by encodeURIComponent', () => {
    expect(expandPath('v3/{a}/{b}', { a: 'x/y?z#w', b: "订单 '!" })).toBe(
      `v3/x%2Fy%3Fz%23w/${encodeURIComponent("订单 '!")}`,
    )
  })

  test.each(['v3/./x', 'v3/../x', '..', 'v3/x/.', 'v3/x/..', 'v3/%2e%2E/x', 'v3/.%2e/x', 'v3/%2E/x'])(
    'the dot segment in %s is refused',
    (template) => {
      expect(() => expandPath(template, {})).toThrow(WechatpayValidationError)
      expect(() => expandPath(template, {})).toThrow(expect.objectContaining({ option: 'path' }))
    },
  )

  test.each(['v3/x?a=1', 'v3/x#f', 'v3/\ud800'])('%s is refused naming path', (template) => {
    expect(() => expandPath(template, {})).toThrow(expect.objectContaining({ option: 'path' }))
  })

  test('segments that merely hold dots are kept', () => {
    expect(expandPath('v3/.well-known/a..b/...', {})).toBe('v3/.well-known/a..b/...')
  })
})

describe('queryString', () => {
  test('everything but A-Za-z0-9-._~ is percent-encoded, names included', () => {
    // The expected string is written out by hand: RFC 3986 unreserved characters stay, the rest
    // is UTF-8 percent-encoded with upper-case hex.
    expect(queryString({ q: "a'b!c(d)e*f~g h", 'k é': 'é+&=', n: 1, t: true, u: undefined })).toBe(
      '?q=a%27b%21c%28d%29e%2Af~g%20h&k%20%C3%A9=%C3%A9%2B%26%3D&n=1&t=true',
    )
    expect(queryString({})).toBe('')
    expect(queryString(undefined)).toBe('')
  })

  test.each([
    ['a string', 'sub_mchid=1'],
    ['an array', ['a', 'b']],
    ['a URLSearchParams', new URLSearchParams('a=1')],
    ['a Map', new Map([['a', '1']])],
    ['null', null],
    ['a number', 42],
  ])('%s as query is refused naming query', (_, query) => {
    expect(() => queryString(query)).toThrow(expect.objectContaining({ option: 'query' }))
  })

  test('a null-prototype object is a plain object', () => {
    const query = Object.assign(Object.create(null), { a: '1' })
    expect(queryString(query)).toBe('?a=1')
  })

  test.each([NaN, Infinity])('a non-finite number (%s) is refused', (n) => {
    expect(() => queryString({ n })).toThrow(expect.objectContaining({ option: 'query.n' }))
  })
})

describe('signed == sent, on both transports', () => {
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
  })

  describe.each([0, 1])('transport %i', (index) => {
    const client = () => clients[index]![1]

    test("a query value holding ' ! ( ) * ~, spaces and non-ASCII is signed as sent", async () => {
      // Before: signed raw, and fetch sent ' as %27 (WeChat Pay would answer 401).
      await client()
        .chain('v3/x' as string)
        .delete({ query: { q: "it's (a) *deal*! ~ok", name: '测试' } })
      expect(gateway.seen).toHaveLength(1)
      expect(gateway.seen[0]!.url).toBe(
        '/v3/x?q=it%27s%20%28a%29%20%2Adeal%2A%21%20~ok&name=%E6%B5%8B%E8%AF%95',
      )
      expect(gateway.seen[0]!.valid).toBe(true)
    })

    test('a non-ASCII literal in a chain() template is encoded once, then signed and sent', async () => {
      // Before: signed raw; fetch sent it encoded, undici sent raw bytes or failed as a network error.
      await client()
        .chain('v3/商户/a|b/{id}' as string)
        .post({ id: 'é', json: { mchid } })
      expect(gateway.seen).toHaveLength(1)
      expect(gateway.seen[0]!.url).toBe('/v3/%E5%95%86%E6%88%B7/a%7Cb/%C3%A9')
      expect(gateway.seen[0]!.valid).toBe(true)
    })

    test('a property chain with a non-ASCII segment is signed as sent', async () => {
      await (
        client().v3 as unknown as Record<string, Record<string, { get(): Promise<unknown> }>>
      ).测试!.x!.get()
      expect(gateway.seen[0]!.url).toBe('/v3/%E6%B5%8B%E8%AF%95/x')
      expect(gateway.seen[0]!.valid).toBe(true)
    })

    test('a dot segment in a template is refused before I/O', async () => {
      const error = await client()
        .chain('v3/a/../b' as string)
        .get()
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(WechatpayValidationError)
      expect(error).toMatchObject({ option: 'path' })
      expect(gateway.seen).toHaveLength(0)
    })
  })
})
