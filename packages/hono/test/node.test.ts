import type { AddressInfo } from 'node:net'
import { type ServerType, serve } from '@hono/node-server'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import type { Hono } from 'hono'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import { __clearClientCache, __clientCacheStats } from '../src/client-cache'
import type { WechatpayMiddlewareOptions } from '../src/index'
import { createApp } from './fixtures/app'

const sub_mchid = '1900001121'
let sb: Sandbox
const servers: ServerType[] = []

beforeAll(async () => {
  sb = await startSandbox()
})

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
  await sb?.close()
})

afterEach(async () => {
  await sb.faults.clear()
  vi.restoreAllMocks()
})

/** Serves `app` on a loopback port through @hono/node-server; resolves to a POST helper. */
async function listen(app: Hono) {
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
  servers.push(server)
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve))
  const { port } = server.address() as AddressInfo
  return (path: string, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', ...init })
}

const merchant = () => ({ mchid: sb.merchant.mchid, appid: sb.merchant.appid })

const sandboxOptions = (): WechatpayMiddlewareOptions => ({ ...sb.clientOptions(), backupBaseUrl: false })

type Post = Awaited<ReturnType<typeof listen>>

/** The three endpoints, run by both option sources below. */
function closesEverything(post: () => Post, prefix: string) {
  test('v3: closes an order (204)', async () => {
    sb.orders.create({ out_trade_no: `${prefix}-V3` })
    const res = await post()(`/orders/${prefix}-V3/close`)
    expect(res.status).toBe(204)
    expect(sb.orders.get(`${prefix}-V3`)?.state).toBe('CLOSED')
  })

  test.each(['MD5', 'HMAC-SHA256'])('v2: closes an order signed with %s', async (signType) => {
    const no = `${prefix}-V2-${signType}`
    sb.orders.create({ out_trade_no: no })
    const res = await post()(`/v2/orders/${no}/close?sign_type=${signType}`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS' })
    expect(sb.orders.get(no)?.state).toBe('CLOSED')
  })

  test('v3: closes a recharge (200 JSON)', async () => {
    const no = `${prefix.toLowerCase()}-cz`
    sb.recharges.create({ out_recharge_no: no, sub_mchid })
    const res = await post()(`/recharges/${no}/close?sub_mchid=${sub_mchid}`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ out_recharge_no: no, sub_mchid, recharge_state: 'CLOSED' })
    expect(sb.recharges.get(no)?.state).toBe('CLOSED')
  })
}

describe('options from a function of the context', () => {
  let post: Post
  beforeAll(async () => {
    post = await listen(createApp(() => sandboxOptions(), merchant))
  })

  closesEverything(() => post, 'FN')
})

describe('options from process.env (env(c) on Node)', () => {
  const names = [
    'WECHATPAY_MCHID',
    'WECHATPAY_SERIAL',
    'WECHATPAY_PRIVATE_KEY',
    'WECHATPAY_CERTS',
    'WECHATPAY_SECRET',
    'WECHATPAY_BASE_URL',
  ]
  let post: Post
  beforeAll(async () => {
    Object.assign(process.env, {
      WECHATPAY_MCHID: sb.merchant.mchid,
      WECHATPAY_SERIAL: sb.merchant.serial,
      // one line, as in a .env file: the middleware turns `\n` back into line breaks
      WECHATPAY_PRIVATE_KEY: sb.merchant.privateKey.trim().replaceAll('\n', '\\n'),
      WECHATPAY_CERTS: JSON.stringify({ [sb.platform.serial]: sb.platform.publicKey }),
      WECHATPAY_SECRET: sb.merchant.secret,
      WECHATPAY_BASE_URL: sb.url,
    })
    post = await listen(createApp({}, merchant))
  })
  afterAll(() => {
    for (const name of names) delete process.env[name]
  })

  closesEverything(() => post, 'ENV')

  test('a given option wins over its variable', async () => {
    // env points at the backup listener; the option at the primary one
    process.env.WECHATPAY_BASE_URL = sb.backupUrl
    try {
      const app = await listen(createApp({ baseUrl: sb.url }, merchant))
      sb.orders.create({ out_trade_no: 'ENV-OVERRIDE' })
      sb.requests.clear()
      expect((await app('/orders/ENV-OVERRIDE/close')).status).toBe(204)
      expect(sb.requests.map((r) => r.listener)).toEqual(['primary'])
    } finally {
      process.env.WECHATPAY_BASE_URL = sb.url
    }
  })
})

describe('wechatpayErrorHandler', () => {
  let post: Post
  beforeAll(async () => {
    post = await listen(createApp(() => ({ ...sandboxOptions(), timeout: 300 }), merchant))
  })

  test('a paid order (v3) → 502 ORDER_PAID with the Request-ID', async () => {
    sb.orders.create({ out_trade_no: 'PAID-V3', state: 'SUCCESS' })
    const res = await post('/orders/PAID-V3/close')
    expect(res.status).toBe(502)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toMatchObject({ error: 'WechatpayApiError', code: 'ORDER_PAID' })
    expect(body.message).toMatch(/paid/)
    expect(body.requestId).toEqual(expect.any(String))
  })

  test('a paid order (v2 FAIL) → 502 ORDERPAID', async () => {
    sb.orders.create({ out_trade_no: 'PAID-V2', state: 'SUCCESS' })
    const res = await post('/v2/orders/PAID-V2/close?sign_type=HMAC-SHA256')
    expect(res.status).toBe(502)
    expect(await res.json()).toMatchObject({ error: 'WechatpayBusinessError', code: 'ORDERPAID' })
  })

  test('a forged reply → 502 SIGNATURE_INVALID', async () => {
    sb.orders.create({ out_trade_no: 'FORGED' })
    await sb.faults.set({ badSignature: {} })
    const res = await post('/orders/FORGED/close')
    expect(res.status).toBe(502)
    expect(await res.json()).toMatchObject({ error: 'WechatpaySignatureError', code: 'SIGNATURE_INVALID' })
  })

  test('a forged v2 reply → 502 SIGNATURE_INVALID', async () => {
    sb.orders.create({ out_trade_no: 'FORGED-V2' })
    await sb.faults.set({ badSignature: {} })
    const res = await post('/v2/orders/FORGED-V2/close?sign_type=MD5')
    expect(res.status).toBe(502)
    expect(await res.json()).toMatchObject({ code: 'SIGNATURE_INVALID' })
  })

  test('a gateway slower than the timeout → 504 TIMEOUT', async () => {
    sb.orders.create({ out_trade_no: 'SLOW' })
    await sb.faults.set({ latencyMs: { value: 2_000, count: 1 } })
    const res = await post('/orders/SLOW/close')
    expect(res.status).toBe(504)
    expect(await res.json()).toMatchObject({ error: 'WechatpayTransportError', code: 'TIMEOUT' })
  })
})

describe('misconfiguration', () => {
  beforeEach(() => __clearClientCache())

  async function misconfigured(options: WechatpayMiddlewareOptions, requests = 1) {
    const logged: string[] = []
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(' '))
    })
    const post = await listen(createApp(options, merchant))
    const bodies: string[] = []
    for (let i = 0; i < requests; i++) {
      const res = await post('/orders/X/close')
      expect(res.status).toBe(500)
      bodies.push(await res.text())
    }
    return { logged, bodies }
  }

  const secrets = () => [
    sb.merchant.secret,
    ...sb.merchant.privateKey.split('\n').filter((l) => l.length > 20),
  ]

  test('a wrong APIv2 key → 500, the option named in the log, the key nowhere', async () => {
    const secret = `${sb.merchant.secret}X`
    const before = __clientCacheStats().constructed
    const { logged, bodies } = await misconfigured({ ...sandboxOptions(), secret }, 3)
    expect(JSON.parse(bodies[0]!)).toEqual({
      error: 'InternalServerError',
      code: 'WECHATPAY_MISCONFIGURED',
      message: 'The payment service is not configured correctly.',
    })
    expect(logged).toHaveLength(3)
    expect(logged[0]).toMatch(/`secret` \(or env WECHATPAY_SECRET\): the APIv2 key has 32 characters/)
    for (const text of [...logged, ...bodies]) {
      expect(text).not.toContain(secret)
      for (const s of secrets()) expect(text).not.toContain(s)
    }
    // validated once: the rejection is cached, the next requests only log it
    expect(__clientCacheStats().constructed - before).toBe(1)
  })

  test('a damaged private key → 500 naming privateKey, no PEM in the log', async () => {
    const privateKey = sb.merchant.privateKey.replace(/[A-Za-z]{8}/, '!!!!!!!!')
    const { logged, bodies } = await misconfigured({ ...sandboxOptions(), privateKey })
    expect(logged[0]).toMatch(/`privateKey` \(or env WECHATPAY_PRIVATE_KEY\)/)
    for (const text of [...logged, ...bodies]) {
      for (const line of privateKey.split('\n').filter((l) => l.length > 20)) expect(text).not.toContain(line)
    }
  })

  test('a bad certs entry → 500 naming certs["<serial>"] and WECHATPAY_CERTS', async () => {
    const certs = { [sb.platform.serial]: sb.merchant.privateKey }
    const { logged } = await misconfigured({ ...sandboxOptions(), certs })
    expect(logged[0]).toContain(
      `\`certs["${sb.platform.serial}"]\` (or env WECHATPAY_CERTS): is a "PRIVATE KEY" PEM`,
    )
  })

  test('no mchid anywhere → 500 naming mchid and its variable', async () => {
    const { mchid: _, ...rest } = sandboxOptions()
    const { logged } = await misconfigured(rest)
    expect(logged[0]).toMatch(/`mchid` \(or env WECHATPAY_MCHID\)/)
  })

  test('an unreadable WECHATPAY_CERTS → 500 naming certs, not echoing the variable', async () => {
    process.env.WECHATPAY_CERTS = '{"PUB_KEY_ID_1": "-----BEGIN'
    try {
      const { certs: _, ...rest } = sandboxOptions()
      const { logged } = await misconfigured(rest)
      expect(logged[0]).toMatch(/`certs` \(or env WECHATPAY_CERTS\): WECHATPAY_CERTS is not valid JSON/)
      expect(logged[0]).not.toContain('BEGIN')
    } finally {
      delete process.env.WECHATPAY_CERTS
    }
  })
})

describe('client cache', () => {
  beforeEach(() => __clearClientCache())

  test('requests with the same configuration share one client, built once', async () => {
    const seen: unknown[] = []
    // a fresh options object on every request: the cache keys on content, not identity
    const app = createApp(() => sandboxOptions(), merchant)
    app.post('/client', (c) => {
      seen.push(c.var.wechatpay)
      return c.body(null, 204)
    })
    const post = await listen(app)
    const before = __clientCacheStats().constructed
    for (let i = 0; i < 3; i++) expect((await post('/client')).status).toBe(204)
    expect(seen).toHaveLength(3)
    expect(seen[1]).toBe(seen[0])
    expect(seen[2]).toBe(seen[0])
    expect(__clientCacheStats()).toEqual({ size: 1, constructed: before + 1 })
  })

  test('one client per tenant configuration, at most 16 kept', async () => {
    const seen = new Map<string, unknown>()
    const app = createApp(
      (c) => ({ ...sandboxOptions(), timeout: 1_000 + Number(c.req.header('x-tenant')) }),
      merchant,
    )
    app.post('/client', (c) => {
      seen.set(c.req.header('x-tenant')!, c.var.wechatpay)
      return c.body(null, 204)
    })
    const post = await listen(app)
    await post('/client', { headers: { 'x-tenant': '1' } })
    await post('/client', { headers: { 'x-tenant': '2' } })
    expect(seen.get('1')).not.toBe(seen.get('2'))
    expect(__clientCacheStats().size).toBe(2)
    for (let t = 3; t <= 20; t++) await post('/client', { headers: { 'x-tenant': String(t) } })
    expect(__clientCacheStats().size).toBe(16)
  })
})
