// The store contract, on every engine (memory; Redis through ioredis and node-redis against a real
// redis-server; PostgreSQL in PGlite and on a real server, one pg.Pool per instance), and
// notifications.once of the real core client over it.
import { Wechatpay, WechatpayValidationError } from '@wxpay/core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  type Engine,
  ioredisEngine,
  memoryEngine,
  nodeRedisEngine,
  pgliteEngine,
  postgresServerEngine,
} from './engines'
import { type PostgresServer, postgresAvailable, startPostgres } from './postgres-server'
import { type RedisServer, redisAvailable, startRedis } from './redis-server'

const once = new Wechatpay({ mchid: '1230000109' }).notifications.once
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const withRedis = redisAvailable()
const withPostgres = postgresAvailable()

// [name, crash expiry is a time-to-live, make]. PostgreSQL's claim lives as long as its
// transaction (a crash drops the connection, which rolls it back at once): with one PGlite
// connection there is no time-to-live to wait for. On a server, a holder that stays idle in its
// transaction for claimTtlMs loses its connection (idle_in_transaction_session_timeout), and the claim.
const engines: Array<[string, boolean, () => Promise<Engine>]> = [
  ['memory', true, async () => memoryEngine()],
  ['postgres (PGlite)', false, () => pgliteEngine()],
]
let redis: RedisServer | undefined
let postgres: PostgresServer | undefined
if (withPostgres)
  engines.push(['postgres (server, pg.Pool)', true, async () => postgresServerEngine(postgres!)])
if (withRedis) {
  engines.push(['redis (ioredis)', true, async () => ioredisEngine(redis!)])
  engines.push(['redis (node-redis)', true, () => nodeRedisEngine(redis!)])
  engines.push(['redis (node-redis v4)', true, () => nodeRedisEngine(redis!, true)])
}

beforeAll(async () => {
  if (withRedis) redis = await startRedis()
  if (withPostgres) postgres = await startPostgres()
})
afterAll(async () => {
  await redis?.stop()
  await postgres?.stop()
})

describe.each(engines)('%s', (_, expires, make) => {
  let engine: Engine
  beforeAll(async () => {
    engine = await make()
  })
  afterAll(() => engine.close())

  test('claim: claimed, then busy while held, duplicate once completed', async () => {
    const a = engine.store()
    const b = engine.store()
    expect(await a.claim('k1')).toBe('claimed')
    if (engine.instances) expect(await b.claim('k1', a.claimTtlMs)).toBe('busy')
    await a.complete('k1')
    expect(await b.claim('k1')).toBe('duplicate')
    expect(await a.claim('k1')).toBe('duplicate')
  })

  test('release: the next claim wins', async () => {
    const a = engine.store()
    expect(await a.claim('k2')).toBe('claimed')
    await a.release('k2')
    const b = engine.store()
    expect(await b.claim('k2')).toBe('claimed')
    await b.complete('k2')
  })

  test('certificates: absent, then stored and read back by another instance; lock taken once', async () => {
    const a = engine.store()
    const b = engine.store()
    expect(await a.getCertificates('m1')).toBeUndefined()
    const reply = { status: 200, headers: { 'wechatpay-serial': 'S' }, body: '{"data":[]} 中文' }
    await a.putCertificates('m1', reply)
    expect(await b.getCertificates('m1')).toEqual(reply)
    await b.putCertificates('m1', { ...reply, body: 'next' })
    expect((await a.getCertificates('m1'))?.body).toBe('next')
    expect(await a.lock('L', 30_000)).toBe(true)
    expect(await b.lock('L', 30_000)).toBe(false)
    await a.unlock('L')
    expect(await b.lock('L', 30_000)).toBe(true)
    await b.unlock('L')
  })

  test('a lock expires after its time-to-live', async () => {
    const a = engine.store()
    // the other instance is connected (and warmed) before the lock is taken: connecting a new pool
    // on a loaded machine could take longer than the lock lives
    const b = engine.store()
    await b.getCertificates('warm-up')
    expect(await a.lock('L2', 1_000)).toBe(true)
    if (engine.instances) expect(await b.lock('L2', 1_000)).toBe(false)
    await sleep(1_500)
    expect(await engine.store().lock('L2', 30_000)).toBe(true)
  })

  test('once: 40 concurrent deliveries of one event run the handler once; every other is false', async () => {
    let runs = 0
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        once('event-A', engine.store(), async () => {
          runs++
          await sleep(50)
          return i
        }),
      ),
    )
    expect(runs).toBe(1)
    expect(results.filter(Boolean)).toHaveLength(1)
    expect(await once('event-A', engine.store(), () => runs++)).toBe(false)
    expect(runs).toBe(1)
  })

  test('once: a handler that throws releases the claim and its very error is rethrown; the retry runs', async () => {
    const boom = new Error('db down')
    await expect(
      once('event-B', engine.store(), () => {
        throw boom
      }),
    ).rejects.toBe(boom)
    let runs = 0
    expect(await once('event-B', engine.store(), () => runs++)).toBe(true)
    expect(runs).toBe(1)
  })

  test('once: a duplicate arriving while the first is still running waits for it (false), or runs if it fails', async () => {
    const store = engine.store()
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const first = once('event-C', store, async () => {
      await gate
      throw new Error('first attempt fails')
    })
    await sleep(100)
    let ran = false
    const second = once('event-C', engine.store(), () => {
      ran = true
    })
    await sleep(100)
    release()
    await expect(first).rejects.toThrow('first attempt fails')
    expect(await second).toBe(true)
    expect(ran).toBe(true)
  })

  test.runIf(expires)('a claim whose holder crashed expires after claimTtlMs', async () => {
    const crashed = engine.store({ claimTtlMs: 300 })
    expect(await crashed.claim('event-D')).toBe('claimed') // and never completed: the process died
    const other = engine.store({ claimTtlMs: 300 })
    let runs = 0
    // waits while it is held, then claims it once expired
    expect(await once('event-D', other, () => runs++, { waitMs: 10_000 })).toBe(true)
    expect(runs).toBe(1)
  })

  test('once: bad arguments are validation errors naming them', async () => {
    const store = engine.store()
    await expect(once('', store, () => {})).rejects.toMatchObject({ option: 'event' })
    await expect(once('x', {} as never, () => {})).rejects.toBeInstanceOf(WechatpayValidationError)
    await expect(once('x', {} as never, () => {})).rejects.toMatchObject({ option: 'store' })
    await expect(once('x', store, 'nope' as never)).rejects.toMatchObject({ option: 'handler' })
  })
})
