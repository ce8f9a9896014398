import { PGlite } from '@electric-sql/pglite'
import { Controller, type INestApplication, Post } from '@nestjs/common'
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify'
import { Test } from '@nestjs/testing'
import type { WechatpayNotification } from '@wxpay/core'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { memoryStore } from '@wxpay/store'
import { type PostgresQueryable, postgresStore } from '@wxpay/store/postgres'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { WechatpayEvent, WechatpayModule, WechatpayTransaction } from './index'
import { sandboxOptions } from './test-helpers'

// `@WechatpayEvent({ once: store })` in a real Nest application on a real port (Express and
// Fastify); the sandbox delivers, and with its notifyDuplicate fault delivers the same
// notification again after it was acknowledged.

let sb: Sandbox
const store = memoryStore()
const applied: string[] = []
const failures = { count: 0 }

@Controller('wechatpay')
class OnceController {
  @Post('notify')
  async notify(@WechatpayEvent({ once: store }) event: WechatpayNotification) {
    if (failures.count > 0) {
      failures.count--
      throw new Error('the database is down')
    }
    applied.push(event.id)
  }
}

// PostgreSQL (PGlite, in process): the method's writes commit with the claim
const db = new PGlite()
const pgStore = postgresStore(db)

@Controller('pg')
class PostgresController {
  @Post('notify')
  async notify(
    @WechatpayEvent({ once: pgStore }) event: WechatpayNotification,
    @WechatpayTransaction() tx: PostgresQueryable,
  ) {
    await tx.query('INSERT INTO paid (id) VALUES ($1)', [event.id])
    if (failures.count > 0) {
      failures.count--
      throw new Error('failed after the write')
    }
  }
}

beforeAll(async () => {
  await db.query('CREATE TABLE paid (id text PRIMARY KEY)')
  sb = await startSandbox({ notifyTimeScale: 0.0005, notifyTimeoutMs: 15_000 })
})
afterAll(async () => {
  await sb?.close()
  await db.close()
})
afterEach(async () => {
  await sb.notifications.settled()
  await sb.faults.clear()
  sb.notifications.clear()
  applied.length = 0
  failures.count = 0
})

test('`once` must be a store', () => {
  expect(() => WechatpayEvent({ once: {} as never })).toThrow(TypeError)
})

let n = 0
describe.each(['express', 'fastify'] as const)('on %s', (platform) => {
  let app: INestApplication
  let url: string
  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [WechatpayModule.forRoot(sandboxOptions(sb))],
      controllers: [OnceController, PostgresController],
    }).compile()
    const options = { rawBody: true, logger: false as const }
    app =
      platform === 'fastify'
        ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), options)
        : moduleRef.createNestApplication(options)
    await app.listen(0, '127.0.0.1')
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1')
  })
  afterAll(() => app?.close())

  test('a duplicate is acknowledged 204 without running the method', async () => {
    await sb.faults.set({ notifyDuplicate: true })
    const no = `N${platform}${n++}`
    sb.orders.create({ out_trade_no: no, notify_url: `${url}/wechatpay/notify` })
    await sb.orders.pay(no)
    await sb.notifications.settled()
    expect(sb.notifications.map(({ duplicate, status }) => ({ duplicate, status }))).toEqual([
      { duplicate: false, status: 204 },
      { duplicate: true, status: 204 },
    ])
    expect(applied).toEqual([sb.notifications[0]!.id])
  })

  test('a method that throws answers FAIL and releases the claim: the retry runs it', async () => {
    failures.count = 1
    const no = `N${platform}${n++}`
    sb.orders.create({ out_trade_no: no, notify_url: `${url}/wechatpay/notify` })
    await sb.orders.pay(no)
    await sb.notifications.settled()
    expect(sb.notifications.map(({ status }) => status)).toEqual([500, 204])
    expect(applied).toEqual([sb.notifications[0]!.id])
  })

  test('with postgresStore, @WechatpayTransaction() writes commit with the claim; a throw rolls both back', async () => {
    failures.count = 1
    await sb.faults.set({ notifyDuplicate: true })
    const no = `N${platform}${n++}`
    sb.orders.create({ out_trade_no: no, notify_url: `${url}/pg/notify` })
    await sb.orders.pay(no)
    await sb.notifications.settled()
    // the first delivery wrote, then threw: rolled back; the retry wrote and committed; the duplicate ran nothing
    expect(sb.notifications.map(({ status, duplicate }) => ({ status, duplicate }))).toEqual([
      { status: 500, duplicate: false },
      { status: 204, duplicate: false },
      { status: 204, duplicate: true },
    ])
    const { rows } = await db.query('SELECT id FROM paid WHERE id = $1', [sb.notifications[0]!.id])
    expect(rows).toHaveLength(1)
  })
})
