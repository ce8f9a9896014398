// The chain: segment rules, three styles that build one request, never thenable, nothing secret
// when printed. A recording `fetch` stands in for the network; the oracle is the path sent and
// node:crypto verifying the Authorization header against the merchant public key.
import { verify } from 'node:crypto'
import { inspect } from 'node:util'
import { signV3Reply } from '@wxpay/sandbox/testing'
import { beforeAll, describe, expect, test } from 'vitest'
import { clientOptions, mchid, merchantSerial, platformSerial, secret } from '../test/fixtures'
import { type TestKeys, testKeys } from '../test/keys'
import { Wechatpay as FetchWechatpay } from './index'
import { Wechatpay } from './node'
import { normalizePath, segment } from './segment'

interface Recorded {
  url: string
  method: string
  headers: Record<string, string>
  body: string
}

let keys: TestKeys

beforeAll(() => {
  keys = testKeys()
})

/** A `fetch` that records the request and answers a 204 signed with the platform key (node:crypto). */
function recordingFetch(seen: Recorded[]): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const body = init?.body
    seen.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: { ...(init?.headers as Record<string, string>) },
      body: body ? new TextDecoder().decode(body as Uint8Array) : '',
    })
    return new Response(null, {
      status: 204,
      headers: signV3Reply({ privateKey: keys.platformKey, serial: platformSerial, body: '' }),
    })
  }) as typeof fetch
}

function client(seen: Recorded[], extra: Record<string, unknown> = {}): Wechatpay {
  return new Wechatpay({ ...clientOptions(keys), fetch: recordingFetch(seen), ...extra })
}

/** Checks the Authorization header with node:crypto over the request exactly as recorded. */
function authorizationVerifies(request: Recorded): boolean {
  const match = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(request.headers.authorization ?? '')
  if (!match) return false
  const pairs = Object.fromEntries([...match[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]))
  if (pairs.mchid !== mchid || pairs.serial_no !== merchantSerial) return false
  const url = new URL(request.url)
  const message = `${request.method}\n${url.pathname}${url.search}\n${pairs.timestamp}\n${pairs.nonce_str}\n${request.body}\n`
  return verify(
    'sha256',
    Buffer.from(message),
    keys.merchantPublicKey,
    Buffer.from(pairs.signature ?? '', 'base64'),
  )
}

describe('segment()', () => {
  test.each([
    ['outTradeNo', 'out-trade-no'],
    ['outRechargeNo', 'out-recharge-no'],
    ['transactions', 'transactions'],
    ['v3', 'v3'],
    ['v2', 'v2'],
    ['closeorder', 'closeorder'],
    ['_out_trade_no_', '{out_trade_no}'],
    ['$out_trade_no$', '{out_trade_no}'],
    ['_id_', '{id}'],
    ['$id$', '{id}'],
    ['already-kebab', 'already-kebab'],
    ['snake_case', 'snake_case'],
    ['getHTTP', 'get-h-t-t-p'],
  ])('%s → %s', (property, expected) => {
    expect(segment(property)).toBe(expected)
  })

  test('normalizePath strips leading and trailing slashes only', () => {
    expect(normalizePath('/v3/pay/transactions/')).toBe('v3/pay/transactions')
    expect(normalizePath('//v3//x//')).toBe('v3//x')
    expect(normalizePath('v3')).toBe('v3')
  })
})

describe('the three styles build the same request', () => {
  type Poster = { post(options: Record<string, unknown>): Promise<unknown> }
  const closeOrder: Array<[string, (w: Wechatpay) => unknown]> = [
    ['property chain', (w) => w.v3.pay.transactions.outTradeNo._out_trade_no_.close],
    ['$x$ property chain', (w) => w.v3.pay.transactions.outTradeNo.$out_trade_no$.close],
    ['chain()', (w) => w.chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close')],
    ['[path]', (w) => w['v3/pay/transactions/out-trade-no/{out_trade_no}/close']],
    ['[path] with slashes', (w) => w['/v3/pay/transactions/out-trade-no/{out_trade_no}/close/' as 'v3']],
    [
      'mixed chain() and properties',
      (w) => w.v3.chain('pay/transactions')['out-trade-no']?._out_trade_no_?.close,
    ],
    ['[segment] by segment', (w) => w.v3.pay.transactions['out-trade-no']['{out_trade_no}'].close],
  ]

  test('close order: URL, method, body and headers are identical; every Authorization verifies', async () => {
    const requests: Recorded[] = []
    for (const [, reach] of closeOrder) {
      const seen: Recorded[] = []
      const result = await (reach(client(seen)) as Poster).post({
        out_trade_no: '1217752501201407033233368018',
        json: { mchid },
      })
      expect(result).toMatchObject({ status: 204, data: undefined })
      expect(seen).toHaveLength(1)
      requests.push(seen[0]!)
    }
    for (const [i, request] of requests.entries()) {
      const style = closeOrder[i]![0]
      expect({ style, url: request.url }).toEqual({
        style,
        url: 'https://api.mch.weixin.qq.com/v3/pay/transactions/out-trade-no/1217752501201407033233368018/close',
      })
      expect(request.method).toBe('POST')
      expect(request.body).toBe('{"mchid":"1900000109"}')
      expect(authorizationVerifies(request)).toBe(true)
      const { authorization: _, ...rest } = request.headers
      const { authorization: __, ...first } = requests[0]!.headers
      expect(rest).toEqual(first)
    }
    expect(requests[0]!.headers).toMatchObject({
      accept: 'application/json',
      'content-type': 'application/json',
      'wechatpay-serial': platformSerial,
    })
  })

  test('close recharge: no body, the query is on the URL and signed', async () => {
    const styles = [
      (w: Wechatpay) => w.v3.platsolution.ecommerce.recharges.outRechargeNo._out_recharge_no_.close,
      (w: Wechatpay) =>
        w.chain('v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close'),
      (w: Wechatpay) => w['v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close'],
    ]
    for (const reach of styles) {
      const seen: Recorded[] = []
      await reach(client(seen)).post({ out_recharge_no: 'cz-1', query: { sub_mchid: '1900001121' } })
      expect(seen[0]).toMatchObject({
        url: 'https://api.mch.weixin.qq.com/v3/platsolution/ecommerce/recharges/out-recharge-no/cz-1/close?sub_mchid=1900001121',
        method: 'POST',
        body: '',
      })
      expect(seen[0]!.headers['content-type']).toBeUndefined()
      expect(authorizationVerifies(seen[0]!)).toBe(true)
    }
  })

  test.each(['get', 'post', 'put', 'patch', 'delete'] as const)('verb %s → that method', async (verb) => {
    const seen: Recorded[] = []
    await client(seen)
      .chain('v3/x' as string)
      [verb]()
    expect(seen[0]!.method).toBe(verb.toUpperCase())
    expect(authorizationVerifies(seen[0]!)).toBe(true)
  })

  test('a baseUrl path prefix is sent and signed', async () => {
    const seen: Recorded[] = []
    await client(seen, {
      baseUrl: 'https://proxy.example/wx',
    }).v3.pay.transactions.outTradeNo._out_trade_no_.close.post({ out_trade_no: 'T1', json: { mchid } })
    expect(seen[0]!.url).toBe('https://proxy.example/wx/v3/pay/transactions/out-trade-no/T1/close')
    expect(authorizationVerifies(seen[0]!)).toBe(true)
  })

  test('a v2/ path drops the prefix and speaks XML', async () => {
    const seen: Recorded[] = []
    await client(seen)
      .v2.pay.closeorder.post({ xml: { appid: 'wxd930ea5d5a258f4f', mch_id: mchid, out_trade_no: 'T1' } })
      .catch(() => {})
    expect(seen[0]!.url).toBe('https://api.mch.weixin.qq.com/pay/closeorder')
    expect(seen[0]!.headers.authorization).toBeUndefined()
    expect(seen[0]!.body.startsWith('<xml>')).toBe(true)
  })
})

describe('the client and its nodes are not thenable', () => {
  test('await client resolves to the client itself and sends nothing', async () => {
    const seen: Recorded[] = []
    const wxpay = client(seen)
    const awaited = await wxpay
    expect(Object.is(awaited, wxpay)).toBe(true)
    expect(seen).toHaveLength(0)
  })

  test('await on nodes resolves to the node itself and sends nothing', async () => {
    const seen: Recorded[] = []
    const wxpay = client(seen)
    const nodes: unknown[] = [
      wxpay.v3,
      wxpay.v3.pay,
      wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close,
      wxpay.chain('v3/pay'),
      wxpay['v3/pay/transactions/out-trade-no/{out_trade_no}/close'],
      wxpay.v2.pay.closeorder,
    ]
    for (const node of nodes) {
      expect(Object.is(await node, node)).toBe(true)
      expect(Object.is(await Promise.resolve(node), node)).toBe(true)
    }
    expect(seen).toHaveLength(0)
  })

  test("'then' in client is false and client.then is undefined, on every node", () => {
    const wxpay = client([])
    for (const node of [wxpay, wxpay.v3, wxpay.v3.pay, wxpay.chain('v3/x' as string)] as Array<
      Record<string, unknown>
    >) {
      expect('then' in node).toBe(false)
      expect(node.then).toBeUndefined()
    }
  })

  test('returning a node from an async function does not send either', async () => {
    const seen: Recorded[] = []
    const wxpay = client(seen)
    const node = await (async () => wxpay.v3.pay)()
    expect(Object.is(node, wxpay.v3.pay)).toBe(false) // every access is a fresh node...
    expect(String(node)).toBe('[Wechatpay v3/pay]') // ...for the same path
    expect(seen).toHaveLength(0)
  })
})

describe('printing a client or a node reveals nothing', () => {
  const base64Body = (pem: string) => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')

  function assertClean(text: string) {
    expect(text).not.toContain(secret)
    expect(text).not.toContain('PRIVATE KEY')
    expect(text).not.toContain('-----BEGIN')
    for (const pem of [keys.merchantKey, keys.merchantKeyPkcs1]) {
      const body = base64Body(pem)
      for (let i = 0; i + 40 <= body.length; i += 20) expect(text).not.toContain(body.slice(i, i + 40))
    }
  }

  test.each([
    ['inspect', (x: unknown) => inspect(x)],
    ['inspect showHidden depth 10', (x: unknown) => inspect(x, { showHidden: true, depth: 10 })],
    ['inspect showProxy', (x: unknown) => inspect(x, { showHidden: true, depth: 10, showProxy: true })],
    ['String', (x: unknown) => String(x)],
    ['template literal', (x: unknown) => `${x}`],
    ['JSON.stringify', (x: unknown) => JSON.stringify(x)],
    ['JSON.stringify nested', (x: unknown) => JSON.stringify({ x })],
    ['Object.keys', (x: unknown) => JSON.stringify(Object.keys(x as object))],
    ['Reflect.ownKeys', (x: unknown) => String(Reflect.ownKeys(x as object))],
    ['Object.entries', (x: unknown) => JSON.stringify(Object.entries(x as object))],
    ['spread', (x: unknown) => JSON.stringify({ ...(x as object) })],
    ['Object.prototype.toString', (x: unknown) => Object.prototype.toString.call(x)],
  ])('%s', (_, show) => {
    const wxpay = client([])
    for (const node of [
      wxpay,
      wxpay.v3,
      wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close,
      wxpay.chain('v2/pay'),
    ]) {
      assertClean(show(node))
    }
  })

  test('what they do show: a label with the path', () => {
    const wxpay = client([])
    expect(String(wxpay)).toBe('[Wechatpay /]')
    // util.inspect formats a Proxy's target without its traps: the target carries the label.
    expect(inspect(wxpay)).toBe('[Wechatpay /]')
    expect(inspect(wxpay.v3.pay)).toBe('[Wechatpay v3/pay]')
    expect(inspect({ client: wxpay.v2.pay.closeorder })).toBe('{ client: [Wechatpay v2/pay/closeorder] }')
    expect(JSON.stringify(wxpay.v3.pay.transactions.outTradeNo._out_trade_no_)).toBe(
      '"[Wechatpay v3/pay/transactions/out-trade-no/{out_trade_no}]"',
    )
    expect(Object.keys(wxpay)).toEqual([])
    expect(Reflect.ownKeys(wxpay.v3)).toEqual([])
  })

  test('properties cannot be set, defined or deleted', () => {
    const wxpay = client([]) as unknown as Record<string, unknown>
    expect(() => {
      wxpay.v3 = 1
    }).toThrow(TypeError)
    expect(() => Object.defineProperty(wxpay, 'x', { value: 1 })).toThrow(TypeError)
    expect(() => {
      delete wxpay.v3
    }).toThrow(TypeError)
  })
})

describe('instanceof', () => {
  test('instanceof Wechatpay holds for both entries, and only for their own class', () => {
    const node = client([])
    expect(node instanceof Wechatpay).toBe(true)
    expect(node instanceof FetchWechatpay).toBe(false)
    const edge = new FetchWechatpay({ mchid })
    expect(edge instanceof FetchWechatpay).toBe(true)
    expect({} instanceof Wechatpay).toBe(false)
  })

  test('nodes below the root are not clients', () => {
    expect(client([]).v3 instanceof Wechatpay).toBe(false)
  })
})
