// End to end, across processes: four Node processes (test/fixtures/fleet-instance.mjs, using the
// built package) share one real redis-server, behind a round-robin load balancer this test runs.
// The sandbox (certificate mode) is WeChat Pay: it serves /v3/certificates, counts the downloads,
// and delivers every payment's notification with its retry schedule (time-scaled) plus later
// duplicates; the balancer adds concurrent duplicates to another instance. Handlers throw or kill
// their process now and then; dead instances are replaced by cold ones. Every payment must be
// applied exactly once (counted in Redis), with one certificate download per rotation.
import { type ChildProcess, spawn } from 'node:child_process'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type RedisServer, redisAvailable, startRedis } from './redis-server'

const INSTANCES = 4
const PAYMENTS = Number(process.env.FLEET_PAYMENTS ?? 1000)
const INSTANCE = fileURLToPath(new URL('./fixtures/fleet-instance.mjs', import.meta.url))
const withRedis = redisAvailable()

interface Instance {
  child: ChildProcess
  port: number
}

describe.runIf(withRedis)('a fleet of four processes on one Redis', () => {
  let redisServer: RedisServer
  let redis: Redis
  let sb: Sandbox
  let balancer: Server
  let balancerUrl: string
  const prefix = `fleet${process.pid}:`
  const instances: Array<Instance | undefined> = []
  let replaced = 0
  let stopping = false
  let extraDuplicates: Array<Promise<unknown>> = []

  const downloads = () => sb.requests.filter((r) => r.path === '/v3/certificates').length

  function start(slot: number): Promise<void> {
    const env = {
      clientOptions: sb.clientOptions(),
      redisPort: redisServer.port,
      prefix,
      claimTtlMs: 2_000,
      waitMs: 4_000,
      crashEvery: 125,
      failRate: 0.05,
    }
    const child = spawn(process.execPath, [INSTANCE], {
      env: { ...process.env, FLEET: JSON.stringify(env) },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    return new Promise((resolve, reject) => {
      let out = ''
      child.stdout!.on('data', (data: Buffer) => {
        out += data.toString()
        const match = /READY (\d+)/.exec(out)
        if (match && !instances[slot]) {
          instances[slot] = { child, port: Number(match[1]) }
          resolve()
        }
      })
      child.once('exit', (code) => {
        if (instances[slot]?.child === child) instances[slot] = undefined
        if (!out.includes('READY'))
          reject(new Error(`instance ${slot} exited with ${code} before it was ready`))
        // a crashed instance is replaced by a cold one, as an orchestrator would
        else if (!stopping) {
          replaced++
          start(slot).catch(() => {})
        }
      })
    })
  }

  async function body(request: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks)
  }

  let turn = 0
  function pick(): Instance | undefined {
    for (let i = 0; i < INSTANCES; i++) {
      const instance = instances[turn++ % INSTANCES]
      if (instance) return instance
    }
    return undefined
  }

  const forward = (instance: Instance, path: string, headers: Record<string, string>, data: Buffer) =>
    fetch(`http://127.0.0.1:${instance.port}${path}`, { method: 'POST', headers, body: new Uint8Array(data) })

  beforeAll(async () => {
    redisServer = await startRedis()
    redis = new Redis(redisServer.port, '127.0.0.1')
    sb = await startSandbox({ platformMode: 'certificate', notifyTimeScale: 0.001, notifyTimeoutMs: 30_000 })
    balancer = createServer(async (request, response) => {
      const data = await body(request)
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(request.headers))
        if (typeof value === 'string' && name !== 'host' && name !== 'content-length') headers[name] = value
      const primary = pick()
      // a third of the deliveries also reach another instance at the same moment
      const second = Math.random() < 0.33 ? pick() : undefined
      if (second && second !== primary)
        extraDuplicates.push(forward(second, request.url!, headers, data).catch(() => undefined))
      try {
        if (!primary) throw new Error('no instance up')
        const reply = await forward(primary, request.url!, headers, data)
        response.writeHead(reply.status).end(await reply.text())
      } catch {
        response.writeHead(502).end()
      }
    })
    await new Promise<void>((resolve) => balancer.listen(0, '127.0.0.1', resolve))
    balancerUrl = `http://127.0.0.1:${(balancer.address() as AddressInfo).port}`
    await Promise.all(Array.from({ length: INSTANCES }, (_, slot) => start(slot)))
  }, 120_000)

  afterAll(async () => {
    stopping = true
    for (const instance of instances) instance?.child.kill('SIGTERM')
    await new Promise<void>((resolve) => (balancer ? balancer.close(() => resolve()) : resolve()))
    await sb?.close()
    redis?.disconnect()
    await redisServer?.stop()
  })

  let orderNo = 0
  const callEach = () =>
    Promise.all(
      instances.map(async (instance) => {
        const out_trade_no = `FC${++orderNo}`
        sb.orders.create({ out_trade_no })
        const reply = await fetch(`http://127.0.0.1:${instance!.port}/call?out_trade_no=${out_trade_no}`)
        expect(reply.status).toBe(204)
      }),
    )

  test('four processes cold-starting at once make one certificate download; a rotation one more', async () => {
    await callEach()
    expect(downloads()).toBe(1)
    await callEach()
    expect(downloads()).toBe(1)
    await sb.platform.rotate()
    await callEach()
    expect(downloads()).toBe(2)
  }, 120_000)

  test(`${PAYMENTS} payments, delivered with duplicates and handler crashes, are each applied exactly once`, async () => {
    const before = downloads()
    const numbers = Array.from({ length: PAYMENTS }, (_, i) => `FP${i}`)
    await sb.faults.set({ notifyDuplicate: { probability: 0.3 } })
    for (let i = 0; i < numbers.length; i += 50) {
      const batch = numbers.slice(i, i + 50)
      for (const out_trade_no of batch)
        sb.orders.create({ out_trade_no, notify_url: `${balancerUrl}/notify` })
      await Promise.all(batch.map((out_trade_no) => sb.orders.pay(out_trade_no)))
    }
    await sb.notifications.settled()
    // the balancer's concurrent copies may still be running; they must change nothing
    while (extraDuplicates.length > 0) {
      const pending = extraDuplicates
      extraDuplicates = []
      await Promise.all(pending)
    }
    const applied = await redis.mget(...numbers.map((n) => `${prefix}applied:${n}`))
    const wrong = numbers.map((n, i) => `${n}=${applied[i]}`).filter((entry) => !entry.endsWith('=1'))
    expect(wrong).toEqual([])
    const [crashes, failures, duplicates] = await redis.mget(
      `${prefix}count:crashes`,
      `${prefix}count:failures`,
      `${prefix}count:duplicates`,
    )
    const attempts = sb.notifications.length
    console.log(
      `fleet: ${PAYMENTS} payments applied once each; ${attempts} deliveries, ${duplicates ?? 0} duplicates acknowledged without running, ${failures ?? 0} handler failures, ${crashes ?? 0} crashes (${replaced} instances replaced); certificate downloads during payments: ${downloads() - before}`,
    )
    expect(Number(duplicates)).toBeGreaterThan(0)
    expect(Number(failures)).toBeGreaterThan(0)
    expect(Number(crashes)).toBe(Math.ceil((PAYMENTS - 7) / 125)) // FP7, FP132, …: each killed one process
    expect(replaced).toBe(Number(crashes))
    // replacements start cold and read the certificates from Redis: no download
    expect(downloads()).toBe(before)
  }, 600_000)
})
