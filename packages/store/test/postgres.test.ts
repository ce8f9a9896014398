// PostgreSQL specifics, on PGlite (a real PostgreSQL compiled to WASM, in process): the claim and
// the handler's own writes commit or roll back together, through `query(text, params)` directly
// and through a real `pg.Pool` connected to PGlite over the PostgreSQL wire protocol.
import { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { Wechatpay, type WechatpayStore, WechatpayValidationError } from '@wxpay/core'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type PostgresQueryable, postgresStore } from '../src/postgres'

const once = new Wechatpay({ mchid: '1230000109' }).notifications.once
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

let db: PGlite
let server: PGLiteSocketServer
let pool: pg.Pool
beforeAll(async () => {
  db = await PGlite.create()
  await db.query('CREATE TABLE payments (out_trade_no text PRIMARY KEY, amount int NOT NULL)')
  server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1' })
  await server.start()
  const address = server.getServerConn()
  const port = Number(address.split(':').pop())
  // One connection: PGlite is a single backend (its socket server would interleave two clients'
  // transactions on it, which a real server never does).
  pool = new pg.Pool({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', max: 1 })
}, 60_000)
afterAll(async () => {
  await pool?.end()
  await server?.stop()
  await db?.close()
})

const paid = async (out_trade_no: string) => {
  const { rows } = await db.query<{ amount: number }>('SELECT amount FROM payments WHERE out_trade_no = $1', [
    out_trade_no,
  ])
  return rows.map((r) => r.amount)
}

describe.each([
  ['query(text, params) on PGlite', () => postgresStore(db, { table: 'direct' })],
  ['pg.Pool over the wire protocol', () => postgresStore(pool, { table: 'pooled' })],
])('%s', (name, make) => {
  let store: WechatpayStore<PostgresQueryable>
  const id = name.startsWith('pg') ? 'P' : 'D'
  beforeAll(() => {
    store = make()
  })

  test('the handler writes through tx: committed with the claim; a duplicate runs nothing', async () => {
    const write = (tx: PostgresQueryable) =>
      tx.query('INSERT INTO payments (out_trade_no, amount) VALUES ($1, $2)', [`${id}1`, 100])
    expect(await once(`${id}-event-1`, store, write)).toBe(true)
    expect(await paid(`${id}1`)).toEqual([100])
    // a second delivery: false, and no second INSERT (it would fail on the primary key)
    expect(await once(`${id}-event-1`, store, write)).toBe(false)
    expect(await paid(`${id}1`)).toEqual([100])
  })

  test('a handler that throws after writing: its write and the claim roll back together; the retry applies it', async () => {
    const boom = new Error('failed after the write')
    await expect(
      once(`${id}-event-2`, store, async (tx) => {
        await tx.query('INSERT INTO payments (out_trade_no, amount) VALUES ($1, $2)', [`${id}2`, 200])
        throw boom
      }),
    ).rejects.toBe(boom)
    expect(await paid(`${id}2`)).toEqual([])
    expect(
      await once(`${id}-event-2`, store, (tx) =>
        tx.query('INSERT INTO payments (out_trade_no, amount) VALUES ($1, $2)', [`${id}2`, 201]),
      ),
    ).toBe(true)
    expect(await paid(`${id}2`)).toEqual([201])
  })

  test('concurrent deliveries of one event: one runs, the others wait for its transaction and are false', async () => {
    let runs = 0
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        once(`${id}-event-3`, store, async (tx) => {
          runs++
          await sleep(30)
          await tx.query('INSERT INTO payments (out_trade_no, amount) VALUES ($1, $2)', [`${id}3`, 300])
        }),
      ),
    )
    expect(runs).toBe(1)
    expect(results.filter(Boolean)).toHaveLength(1)
    expect(await paid(`${id}3`)).toEqual([300])
  })

  test('a write that fails inside the handler (a constraint) rolls the claim back with it', async () => {
    await expect(
      once(`${id}-event-4`, store, (tx) =>
        tx.query('INSERT INTO payments (out_trade_no, amount) VALUES ($1, NULL)', [`${id}4`]),
      ),
    ).rejects.toMatchObject({ code: '23502' }) // not_null_violation, PostgreSQL's own error
    expect(await once(`${id}-event-4`, store, () => {})).toBe(true)
  })
})

test('the tables are created on first use, under the given prefix, in a schema', async () => {
  await db.query('CREATE SCHEMA billing')
  const store = postgresStore(db, { table: 'billing.wx' })
  await store.putCertificates('m', { status: 200, headers: {}, body: '{}' })
  const { rows } = await db.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'billing' ORDER BY 1",
  )
  expect(rows.map((r) => r.table_name)).toEqual(['wx_certificates', 'wx_claims', 'wx_locks'])
})

test('bad options are validation errors naming them, before any query', () => {
  expect(() => postgresStore(db, { table: 'x; DROP TABLE payments' })).toThrow(WechatpayValidationError)
  expect(() => postgresStore(db, { table: 'x y' })).toThrow(expect.objectContaining({ option: 'table' }))
  expect(() => postgresStore({} as never)).toThrow(expect.objectContaining({ option: 'db' }))
  expect(() => postgresStore(db, { claimTtlMs: 0 })).toThrow(
    expect.objectContaining({ option: 'claimTtlMs' }),
  )
})
