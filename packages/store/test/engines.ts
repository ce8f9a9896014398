// The engines every store test runs on: each returns fresh stores over ONE shared backend (so that
// two stores are two instances of a fleet) and a way to count a side effect on that backend.
import { PGlite } from '@electric-sql/pglite'
import type { WechatpayStore } from '@wxpay/core'
import { Redis } from 'ioredis'
import pg from 'pg'
import { createClient } from 'redis'
import { createClient as createClientV4 } from 'redis4'
import { memoryStore } from '../src/memory'
import { postgresStore } from '../src/postgres'
import { redisStore } from '../src/redis'
import type { PostgresServer } from './postgres-server'
import type { RedisServer } from './redis-server'

export interface Engine {
  name: string
  /** A store as another instance would have it (same backend). */
  store(options?: { claimTtlMs?: number }): WechatpayStore<unknown>
  /** Whether two store() results are independent instances (memory and PGlite share one object). */
  instances: boolean
  close(): Promise<void>
}

let prefixes = 0
const fresh = () => `t${process.pid}x${++prefixes}`

export function memoryEngine(): Engine {
  const shared = new Map<number, WechatpayStore>()
  return {
    name: 'memory',
    store: (options = {}) => {
      const ttl = options.claimTtlMs ?? 0
      let store = shared.get(ttl)
      if (!store) {
        store = memoryStore(options)
        shared.set(ttl, store)
      }
      return store
    },
    instances: false,
    close: async () => {},
  }
}

export function ioredisEngine(server: RedisServer): Engine {
  const clients: Redis[] = []
  const prefix = `${fresh()}:`
  return {
    name: 'redis (ioredis)',
    store: (options = {}) => {
      const client = new Redis(server.port, '127.0.0.1')
      clients.push(client)
      return redisStore(client, { ...options, prefix })
    },
    instances: true,
    close: async () => {
      await Promise.all(clients.map((c) => c.quit()))
    },
  }
}

/** node-redis, the current major or v4 (its API of `sendCommand` is the same). */
export async function nodeRedisEngine(server: RedisServer, v4 = false): Promise<Engine> {
  const prefix = `${fresh()}:`
  // node-redis connects asynchronously: a few connected clients, handed out in turn.
  const clients = await Promise.all(
    Array.from({ length: 4 }, async () => {
      const client = v4 ? createClientV4({ url: server.url }) : createClient({ url: server.url })
      await client.connect()
      return client as { sendCommand(args: string[]): Promise<unknown>; quit(): Promise<unknown> }
    }),
  )
  let next = 0
  return {
    name: v4 ? 'redis (node-redis v4)' : 'redis (node-redis)',
    store: (options = {}) => redisStore(clients[next++ % clients.length]!, { ...options, prefix }),
    instances: true,
    close: async () => {
      await Promise.all(clients.map((c) => c.quit()))
    },
  }
}

export async function pgliteEngine(): Promise<Engine & { db: PGlite }> {
  const db = await PGlite.create()
  // PGlite is one connection: one store over it (two would interleave their transactions).
  const stores = new Map<number, WechatpayStore<unknown>>()
  const table = fresh()
  return {
    name: 'postgres (PGlite)',
    db,
    store: (options = {}) => {
      const ttl = options.claimTtlMs ?? 0
      let store = stores.get(ttl)
      if (!store) {
        store = postgresStore(db, { ...options, table: `${table}_${ttl}` })
        stores.set(ttl, store)
      }
      return store
    },
    instances: false,
    close: () => db.close(),
  }
}

/** A real PostgreSQL server: each store is an instance with a `pg.Pool` of its own. */
export function postgresServerEngine(server: PostgresServer): Engine {
  const pools: pg.Pool[] = []
  const table = fresh()
  return {
    name: 'postgres (server)',
    store: (options = {}) => {
      const pool = new pg.Pool({ ...server.connection, max: 4 })
      pool.on('error', () => {}) // a connection PostgreSQL ended (idle_in_transaction_session_timeout)
      pools.push(pool)
      return postgresStore(pool, { ...options, table })
    },
    instances: true,
    close: async () => {
      // a pool whose claim was never finished ("crashed") keeps that client: do not wait for it
      const grace = () => new Promise<void>((resolve) => setTimeout(resolve, 2_000).unref())
      await Promise.all(pools.map((pool) => Promise.race([pool.end(), grace()])))
    },
  }
}
