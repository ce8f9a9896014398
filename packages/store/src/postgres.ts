import {
  type ClaimState,
  type SealedCertificates,
  type WechatpayStore,
  WechatpayValidationError,
} from '@wxpay/core'
import { DEFAULT_CLAIM_TTL_MS, milliseconds, type StoreOptions, sealedOrUndefined, token } from './options'

/** Anything that runs a parameterised query: a `pg` Client or PoolClient, PGlite, … */
export interface PostgresQueryable {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>
}

/** A pool (`pg.Pool`): claims take a connection of their own for their transaction. */
export interface PostgresPoolLike extends PostgresQueryable {
  connect(): Promise<PostgresQueryable & { release(err?: Error | boolean): void }>
}

/** Options of {@link postgresStore}. */
export interface PostgresStoreOptions extends StoreOptions {
  /**
   * Prefix of the three tables this store creates on first use: `<table>_claims`,
   * `<table>_certificates`, `<table>_locks`. Default `wxpay`. May name a schema (`billing.wxpay`).
   */
  table?: string
  /**
   * How long one claim attempt waits for another transaction holding the same key, ms (the
   * `lock_timeout` of the claim's INSERT). Default 1 000; `once` keeps trying for its `waitMs`.
   */
  lockWaitMs?: number
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,40}(\.[A-Za-z_][A-Za-z0-9_]{0,40})?$/
/** PostgreSQL's SQLSTATEs: lock_not_available, unique_violation, duplicate_table. */
const LOCK_NOT_AVAILABLE = '55P03'
const RACED_CREATE = new Set(['23505', '42P07'])

const codeOf = (err: unknown) =>
  err && typeof err === 'object' ? (err as { code?: unknown }).code : undefined

type Connection = PostgresQueryable & { release?: (err?: Error | boolean) => void }

/** One connection at a time, for a database reached through a single connection (PGlite, a Client). */
function mutex() {
  let tail: Promise<void> = Promise.resolve()
  return async (): Promise<() => void> => {
    let unlock!: () => void
    const next = new Promise<void>((resolve) => {
      unlock = resolve
    })
    const previous = tail
    tail = previous.then(() => next)
    await previous
    return unlock
  }
}

/**
 * Shared state on PostgreSQL. A claim is a row inserted inside a transaction that stays open while
 * your handler runs: the handler gets that transaction's connection (`tx`), so what it writes
 * commits with the claim, or rolls back with it (a handler that throws, a commit that fails, a
 * process that dies: the row is gone and the next delivery runs it). A concurrent claim of the same
 * key waits for that transaction (up to `lockWaitMs` per attempt) and then finds it applied or
 * free. `claimTtlMs` becomes the transaction's `idle_in_transaction_session_timeout`: a holder that
 * hangs that long loses its connection, and its claim with it.
 *
 * `db` is a `pg.Pool` (every claim takes its own connection, as PostgreSQL transactions need) or
 * anything with `query(text, params)` (one connection: claims and the store's other statements
 * then run one at a time in this process). Tables are created on first use.
 *
 * @example
 * ```ts
 * import pg from 'pg'
 * import { postgresStore } from '@wxpay/store/postgres'
 *
 * const store = postgresStore(new pg.Pool({ connectionString: process.env.DATABASE_URL }))
 * await wxpay.notifications.once(event, store, async (tx) => {
 *   await tx.query('UPDATE orders SET paid_at = now() WHERE out_trade_no = $1', [event.resource.out_trade_no])
 * })
 * ```
 */
export function postgresStore(
  db: PostgresPoolLike | PostgresQueryable,
  options: PostgresStoreOptions = {},
): WechatpayStore<PostgresQueryable> {
  if (!db || typeof (db as PostgresQueryable).query !== 'function')
    throw new WechatpayValidationError('db', 'must be a pg Pool, or anything with query(text, params)')
  const claimTtlMs = milliseconds('claimTtlMs', options.claimTtlMs, DEFAULT_CLAIM_TTL_MS)
  const lockWaitMs = milliseconds('lockWaitMs', options.lockWaitMs, 1_000)
  const table = options.table ?? 'wxpay'
  if (typeof table !== 'string' || !IDENTIFIER.test(table))
    throw new WechatpayValidationError(
      'table',
      'must be an SQL identifier (letters, digits, _), or schema.name',
    )
  const claims = `${table}_claims`
  const certificates = `${table}_certificates`
  const locks = `${table}_locks`
  const pool = typeof (db as PostgresPoolLike).connect === 'function' ? (db as PostgresPoolLike) : undefined
  const exclusive = pool ? undefined : mutex()
  const held = new Map<string, { connection: Connection; done: (err?: Error) => void }>()
  const owners = new Map<string, string>()

  let ready: Promise<void> | undefined
  const create = async (run: (text: string) => Promise<unknown>) => {
    for (const statement of [
      `CREATE TABLE IF NOT EXISTS ${claims} (id text PRIMARY KEY, done_at timestamptz NOT NULL DEFAULT now())`,
      `CREATE TABLE IF NOT EXISTS ${certificates} (scope text PRIMARY KEY, reply text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`,
      `CREATE TABLE IF NOT EXISTS ${locks} (name text PRIMARY KEY, owner text NOT NULL, expires_at timestamptz NOT NULL)`,
    ]) {
      try {
        await run(statement)
      } catch (err) {
        // Two instances creating the same table at once: the loser's CREATE fails; it exists now.
        if (!RACED_CREATE.has(String(codeOf(err)))) throw err
      }
    }
  }
  const setup = () => {
    ready ??= create((text) => db.query(text)).catch((err: unknown) => {
      ready = undefined
      throw err
    })
    return ready
  }

  /** A statement outside any claim: through the pool, or in turn on the one connection. */
  const query = async (text: string, params: unknown[]) => {
    if (!exclusive) {
      await setup()
      return db.query(text, params)
    }
    const unlock = await exclusive()
    try {
      await setup()
      return await db.query(text, params)
    } finally {
      unlock()
    }
  }

  const open = async (): Promise<{ connection: Connection; done: (err?: Error) => void }> => {
    if (pool) {
      await setup()
      const connection = await pool.connect()
      // A connection PostgreSQL ends (idle_in_transaction_session_timeout) emits 'error': heard
      // here, and that connection is destroyed rather than returned to the pool.
      const events = connection as unknown as { on?: Function; off?: Function }
      let broken: Error | undefined
      const onError = (err: Error) => {
        broken = err
      }
      events.on?.call(connection, 'error', onError)
      return {
        connection,
        done: (err?: Error) => {
          events.off?.call(connection, 'error', onError)
          connection.release(err ?? broken)
        },
      }
    }
    const unlock = await exclusive!()
    try {
      await setup()
    } catch (err) {
      unlock()
      throw err
    }
    return { connection: db, done: unlock }
  }

  const finish = async (key: string, statement: 'COMMIT' | 'ROLLBACK') => {
    const claim = held.get(key)
    if (!claim) return
    held.delete(key)
    try {
      await claim.connection.query(statement)
    } catch (err) {
      // the connection is in an unknown state: it is not reused
      const failure = err instanceof Error ? err : new Error(String(err))
      await claim.connection.query('ROLLBACK').catch(() => {})
      claim.done(failure)
      if (statement === 'ROLLBACK') return // gone with its connection: so is the transaction
      throw err
    }
    claim.done()
  }

  return {
    claimTtlMs,
    async claim(key: string, ttlMs = claimTtlMs): Promise<ClaimState> {
      // SET takes no parameters: the value is written into the statement, so a whole number only
      const ttl = Number.isSafeInteger(ttlMs) && ttlMs > 0 ? ttlMs : claimTtlMs
      const claim = await open()
      const { connection } = claim
      try {
        await connection.query('BEGIN')
        await connection.query(`SET LOCAL lock_timeout = ${lockWaitMs}`)
        await connection.query(`SET LOCAL idle_in_transaction_session_timeout = ${ttl}`)
        const { rows } = await connection.query(
          `INSERT INTO ${claims} (id) VALUES ($1) ON CONFLICT (id) DO NOTHING RETURNING id`,
          [key],
        )
        if (rows.length === 1) {
          held.set(key, claim)
          return 'claimed'
        }
        await connection.query('ROLLBACK')
        claim.done()
        return 'duplicate'
      } catch (err) {
        await connection.query('ROLLBACK').catch(() => {})
        claim.done()
        if (codeOf(err) === LOCK_NOT_AVAILABLE) return 'busy'
        throw err
      }
    },
    transaction(key: string): PostgresQueryable {
      const claim = held.get(key)
      if (!claim) throw new Error(`postgresStore: no claim of ${JSON.stringify(key)} is held here`)
      return claim.connection
    },
    complete: (key: string) => finish(key, 'COMMIT'),
    release: (key: string) => finish(key, 'ROLLBACK'),
    async getCertificates(scope: string): Promise<SealedCertificates | undefined> {
      const { rows } = await query(`SELECT reply FROM ${certificates} WHERE scope = $1`, [scope])
      const reply = (rows[0] as { reply?: unknown } | undefined)?.reply
      if (typeof reply !== 'string') return undefined
      try {
        return sealedOrUndefined(JSON.parse(reply))
      } catch {
        return undefined
      }
    },
    async putCertificates(scope: string, reply: SealedCertificates): Promise<void> {
      await query(
        `INSERT INTO ${certificates} (scope, reply) VALUES ($1, $2)
         ON CONFLICT (scope) DO UPDATE SET reply = EXCLUDED.reply, updated_at = now()`,
        [scope, JSON.stringify(reply)],
      )
    },
    async lock(name: string, ttlMs: number): Promise<boolean> {
      const mine = token()
      const { rows } = await query(
        `INSERT INTO ${locks} AS l (name, owner, expires_at) VALUES ($1, $2, now() + $3::int * interval '1 millisecond')
         ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
         WHERE l.expires_at < now() RETURNING owner`,
        [name, mine, Math.trunc(ttlMs)],
      )
      if (rows.length !== 1) return false
      owners.set(name, mine)
      return true
    },
    async unlock(name: string): Promise<void> {
      const mine = owners.get(name)
      owners.delete(name)
      if (mine) await query(`DELETE FROM ${locks} WHERE name = $1 AND owner = $2`, [name, mine])
    },
  }
}
