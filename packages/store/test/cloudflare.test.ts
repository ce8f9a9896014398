// The Cloudflare stores inside workerd (Miniflare): claims and certificates in a Durable Object,
// certificates in KV. The Worker (test/fixtures/worker.ts) is bundled as Wrangler would bundle it.
import { fileURLToPath } from 'node:url'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'

const entry = fileURLToPath(new URL('./fixtures/worker.ts', import.meta.url))
let sb: Sandbox
let mf: Miniflare

beforeAll(async () => {
  sb = await startSandbox({ platformMode: 'certificate' })
  const bundle = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    logLevel: 'silent',
  })
  mf = new Miniflare({
    modules: true,
    script: bundle.outputFiles[0]!.text,
    compatibilityDate: '2025-01-01',
    durableObjects: { WXPAY_STORE: 'WechatpayStoreObject' },
    kvNamespaces: ['WXPAY_KV'],
    bindings: { CLIENT_OPTIONS: JSON.stringify(sb.clientOptions()) },
  })
  await mf.ready
}, 120_000)

afterAll(async () => {
  await mf?.dispose()
  await sb?.close()
})

const get = async (path: string) => {
  const res = await mf.dispatchFetch(`http://localhost${path}`)
  return { status: res.status, body: res.status === 204 ? undefined : await res.json() }
}
const downloads = () => sb.requests.filter((r) => r.path === '/v3/certificates').length
let orderNo = 0
const call = (store: 'do' | 'kv') => {
  const out_trade_no = `CF${++orderNo}`
  sb.orders.create({ out_trade_no })
  return get(`/call?out_trade_no=${out_trade_no}&store=${store}`)
}

describe('Durable Object store', () => {
  test('30 concurrent deliveries of one event: the handler runs once', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, () => get('/once?key=e1')))
    expect(results.filter((r) => (r.body as { ran: boolean }).ran)).toHaveLength(1)
    expect(results.every((r) => r.status === 200)).toBe(true)
    expect((await get('/once?key=e1')).body).toEqual({ ran: false })
  })

  test('a handler that throws releases its claim: the next delivery runs it', async () => {
    expect(await get('/once?key=e2&fail')).toEqual({ status: 500, body: { error: 'handler failed' } })
    expect((await get('/once?key=e2')).body).toEqual({ ran: true })
  })

  test('cold instances (a new client per request) make one certificate download', async () => {
    sb.requests.clear()
    const replies = await Promise.all(Array.from({ length: 6 }, () => call('do')))
    expect(replies.map((r) => r.status)).toEqual([204, 204, 204, 204, 204, 204])
    expect(downloads()).toBe(1)
  }, 60_000)
})

describe('KV (certificates only)', () => {
  beforeEach(() => sb.requests.clear())

  test('instances after the first read the certificates from KV', async () => {
    expect((await call('kv')).status).toBe(204)
    for (let i = 0; i < 3; i++) expect((await call('kv')).status).toBe(204)
    expect(downloads()).toBe(1)
  }, 60_000)

  test('claims are refused: KV is eventually consistent', async () => {
    expect((await get('/kv-claim')).body).toEqual({ error: 'WechatpayValidationError', option: 'store' })
  })
})
