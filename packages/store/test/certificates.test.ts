// One /v3/certificates download for a fleet of clients sharing a store, counted at the sandbox
// (a certificate-mode merchant: the sandbox serves the sealed certificates and signs with them).
// Each client is its own instance: its own key store and, on Redis, its own store and connection.
import { Wechatpay, type WechatpayStore } from '@wxpay/core'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { type Engine, ioredisEngine, memoryEngine, pgliteEngine } from './engines'
import { type RedisServer, redisAvailable, startRedis } from './redis-server'

const withRedis = redisAvailable()
const engines: Array<[string, () => Promise<Engine>]> = [
  ['memory', async () => memoryEngine()],
  ['postgres (PGlite)', () => pgliteEngine()],
]
let redis: RedisServer | undefined
if (withRedis) engines.push(['redis (ioredis)', async () => ioredisEngine(redis!)])

let sb: Sandbox
beforeAll(async () => {
  if (withRedis) redis = await startRedis()
  sb = await startSandbox({ platformMode: 'certificate' })
}, 60_000)
afterAll(async () => {
  await sb?.close()
  await redis?.stop()
})

const downloads = () => sb.requests.filter((r) => r.path === '/v3/certificates').length
let orderNo = 0
const client = (store: WechatpayStore<unknown>) =>
  new Wechatpay({ ...sb.clientOptions(), backupBaseUrl: false, timeout: 60_000, store })
/** A signed call: it needs the platform certificate to verify its reply. */
async function call(wxpay: Wechatpay) {
  const out_trade_no = `SC${++orderNo}`
  sb.orders.create({ out_trade_no })
  const reply = await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
    out_trade_no,
    json: { mchid: sb.merchant.mchid },
  })
  expect(reply.status).toBe(204)
  return reply
}
const scopeKey = () => {
  const url = new URL(sb.url)
  return `${sb.merchant.mchid}@${url.host}${url.pathname}`
}

describe.each(engines)('%s', (_, make) => {
  let engine: Engine
  beforeEach(async () => {
    // a fresh store (and a fresh sandbox certificate) for each test
    engine = await make()
    while (sb.platform.certificates().length > 1) sb.platform.retire()
    sb.requests.clear()
    return () => engine.close()
  })

  test('five instances cold-starting at once make one download; the store holds it sealed', async () => {
    const fleet = Array.from({ length: 5 }, () => client(engine.store()))
    await Promise.all(fleet.map(call))
    expect(downloads()).toBe(1)
    // later calls and a sixth instance starting later download nothing
    await Promise.all(fleet.map(call))
    await call(client(engine.store()))
    expect(downloads()).toBe(1)
    const stored = await engine.store().getCertificates(scopeKey())
    expect(stored?.status).toBe(200)
    expect(stored?.body).toContain('"ciphertext"')
    expect(stored?.body).not.toContain('BEGIN CERTIFICATE') // sealed: never a plaintext certificate
    expect(stored?.headers['wechatpay-serial']).toBe(sb.platform.certificates()[0]!.serial)
  }, 120_000)

  test('a rotation makes one more download for the whole fleet', async () => {
    const fleet = Array.from({ length: 4 }, () => client(engine.store()))
    await Promise.all(fleet.map(call))
    expect(downloads()).toBe(1)
    const next = await sb.platform.rotate()
    // every instance now sees replies under an unknown serial
    const replies = await Promise.all(fleet.map(call))
    expect(replies.every((r) => r.headers['wechatpay-serial'] === next.serial)).toBe(true)
    expect(downloads()).toBe(2)
  }, 120_000)

  test.each([
    [
      'one byte of a sealed certificate flipped',
      (body: string) =>
        body.replace(/"ciphertext":"(.)/, (_m, c) => `"ciphertext":"${c === 'A' ? 'B' : 'A'}`),
    ],
    [
      'the body rewritten (signature no longer covers it)',
      (body: string) => body.replace('"data"', '"data" '),
    ],
  ])(
    'a tampered entry (%s) is refused; the fleet downloads again and stores the genuine reply',
    async (_, tamper) => {
      await call(client(engine.store()))
      expect(downloads()).toBe(1)
      const store = engine.store()
      const genuine = (await store.getCertificates(scopeKey()))!
      await store.putCertificates(scopeKey(), { ...genuine, body: tamper(genuine.body) })
      expect((await store.getCertificates(scopeKey()))!.body).not.toBe(genuine.body)
      // a new instance refuses it, downloads, and puts a genuine reply back
      await call(client(engine.store()))
      expect(downloads()).toBe(2)
      const repaired = (await store.getCertificates(scopeKey()))!
      expect(repaired.body).not.toBe(tamper(genuine.body))
      // which the next instance accepts without a download
      await call(client(engine.store()))
      expect(downloads()).toBe(2)
    },
    120_000,
  )

  test("an entry replaced by another merchant's genuine reply is refused (it does not decrypt)", async () => {
    const other = await startSandbox({ platformMode: 'certificate' })
    try {
      const foreign = new Wechatpay({ ...other.clientOptions(), backupBaseUrl: false, store: engine.store() })
      // the other merchant's instance stores its own reply under its own scope; plant it under ours
      other.orders.create({ out_trade_no: 'F1' })
      await foreign.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
        out_trade_no: 'F1',
        json: { mchid: other.merchant.mchid },
      })
      const url = new URL(other.url)
      const planted = await engine
        .store()
        .getCertificates(`${other.merchant.mchid}@${url.host}${url.pathname}`)
      expect(planted).toBeDefined()
      await engine.store().putCertificates(scopeKey(), planted!)
      await call(client(engine.store()))
      expect(downloads()).toBe(1) // refused, then downloaded from our own gateway
    } finally {
      await other.close()
    }
  }, 120_000)
})

test('a store that fails (down, unreachable) costs downloads, never the keys: each instance downloads for itself', async () => {
  sb.requests.clear()
  const down = async () => {
    throw new Error('ECONNREFUSED')
  }
  const broken = {
    ...memoryEngine().store(),
    getCertificates: down,
    putCertificates: down,
    lock: down,
    unlock: down,
  }
  await Promise.all([call(client(broken)), call(client(broken))])
  expect(downloads()).toBe(2)
}, 60_000)

test('an entry older than the refresh interval is not used: that instance downloads (an old reply cannot be replayed)', async () => {
  sb.requests.clear()
  const store = memoryEngine().store()
  await call(client(store))
  expect(downloads()).toBe(1)
  await new Promise((resolve) => setTimeout(resolve, 2_100))
  // 2 s old: young enough for the default 12 h interval
  await call(client(store))
  expect(downloads()).toBe(1)
  // too old for an instance that refreshes every second
  const strict = new Wechatpay({
    ...sb.clientOptions(),
    backupBaseUrl: false,
    autoCertificates: { intervalMs: 1_000 },
    store,
  })
  await call(strict)
  expect(downloads()).toBe(2)
}, 60_000)
