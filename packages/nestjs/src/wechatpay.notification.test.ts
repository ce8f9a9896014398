import {
  type ArgumentsHost,
  Catch,
  Controller,
  type ExceptionFilter,
  type INestApplication,
  type LoggerService,
  Post,
} from '@nestjs/common'
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify'
import { Test } from '@nestjs/testing'
import type { V2Notification, WechatpayNotification } from '@wxpay/core'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { rsaKeyPair, signedV2Xml, signV3Notification } from '@wxpay/sandbox/testing'
import { Observable } from 'rxjs'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { WechatpayEvent, WechatpayEventV2, WechatpayModule } from './index'
import { sandboxOptions } from './test-helpers'

// End to end: the sandbox pays orders and delivers signed, encrypted notifications (its retry
// schedule scaled down 2000×, so retries take milliseconds) to a Nest application on a real port,
// on Express and on Fastify.

let sb: Sandbox // the default merchant
let sbB: Sandbox // a second merchant, whose client is registered as 'merchantB'
// A third merchant no client trusts: its deliveries always fail, so its whole retry schedule
// (24 h 4 min) is scaled down to under a second.
let stranger: Sandbox
// A key pair the default client also trusts, to sign genuine notifications in the test itself.
const extra = { serial: 'PUB_KEY_ID_0114232134912410000000000042', ...rsaKeyPair() }

beforeAll(async () => {
  const options = { notifyTimeScale: 0.0005, notifyTimeoutMs: 15_000 }
  ;[sb, sbB, stranger] = await Promise.all([
    startSandbox(options),
    startSandbox(options),
    startSandbox({ notifyTimeScale: 0.00001, notifyTimeoutMs: 15_000 }),
  ])
})
afterAll(async () => {
  await Promise.all([sb?.close(), sbB?.close(), stranger?.close()])
})
afterEach(async () => {
  const all = [sb, sbB, stranger]
  await Promise.all(all.map((s) => s.notifications.settled()))
  await Promise.all(all.map((s) => s.faults.clear()))
  for (const s of all) s.notifications.clear()
  received.length = 0
  failures.count = 0
})

/** What the handlers saw, in order. */
const received: Array<{ route: string; event: WechatpayNotification | V2Notification }> = []
/** How many more times the handlers throw before they succeed. */
const failures = { count: 0 }

function maybeThrow() {
  if (failures.count > 0) {
    failures.count--
    throw new Error('the database is down')
  }
}

@Controller('wechatpay')
class NotifyController {
  @Post('notify')
  async notify(@WechatpayEvent() event: WechatpayNotification) {
    maybeThrow()
    received.push({ route: 'v3', event })
    return { ignored: 'the answer is WeChat Pay’s, not the return value' }
  }

  @Post('notify/b')
  notifyB(@WechatpayEvent({ name: 'merchantB' }) event: WechatpayNotification) {
    received.push({ route: 'v3-b', event })
  }

  @Post('notify/observable')
  notifyObservable(@WechatpayEvent() event: WechatpayNotification) {
    // done when the Observable completes, even without a value
    return new Observable<never>((subscriber) => {
      setTimeout(() => {
        received.push({ route: 'observable', event })
        subscriber.complete()
      }, 10)
    })
  }

  @Post('notify/v2')
  async notifyV2(@WechatpayEventV2() n: V2Notification) {
    maybeThrow()
    received.push({ route: 'v2', event: n })
  }
}

/** A global catch-all filter of the kind applications install; it must not see notifications. */
@Catch()
class HijackingFilter implements ExceptionFilter {
  catch(_err: unknown, host: ArgumentsHost) {
    const res = host.switchToHttp().getResponse()
    // Express `status().json()`, Fastify `code().send()`
    if (typeof res.status === 'function') res.status(418).json({ hijacked: true })
    else res.code(418).send({ hijacked: true })
  }
}

/** Collects what the application logs. */
class Logs implements LoggerService {
  lines: Array<{ level: string; message: string }> = []
  log() {}
  warn(message: unknown) {
    this.lines.push({ level: 'warn', message: String(message) })
  }
  error(message: unknown) {
    this.lines.push({ level: 'error', message: String(message) })
  }
}

type Platform = 'express' | 'fastify'

async function start(platform: Platform, { rawBody = true } = {}) {
  const moduleRef = await Test.createTestingModule({
    imports: [
      WechatpayModule.forRoot({
        ...sandboxOptions(sb),
        certs: { [sb.platform.serial]: sb.platform.publicKey, [extra.serial]: extra.publicKey },
      }),
      WechatpayModule.forRoot({ ...sandboxOptions(sbB), name: 'merchantB' }),
    ],
    controllers: [NotifyController],
  }).compile()
  const logs = new Logs()
  let app: INestApplication
  if (platform === 'fastify') {
    const fastify = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      rawBody,
      logger: logs,
    })
    // Fastify answers 415 to a content type it has no parser for: APIv2 posts text/xml
    fastify
      .getHttpAdapter()
      .getInstance()
      .addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'string' }, (_req, body, done) =>
        done(null, body),
      )
    app = fastify
  } else {
    app = moduleRef.createNestApplication({ rawBody, logger: logs })
  }
  app.useGlobalFilters(new HijackingFilter())
  await app.listen(0, '127.0.0.1')
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1')
  return { app, url, logs }
}

const FAIL = { code: 'FAIL', message: '失败' }
let order = 0
const nextNo = (prefix: string) => `${prefix}${Date.now()}${order++}`

describe.each<Platform>(['express', 'fastify'])('on %s', (platform) => {
  let app: INestApplication
  let url: string
  let logs: Logs
  beforeAll(async () => {
    ;({ app, url, logs } = await start(platform))
  })
  afterAll(async () => {
    await app?.close()
  })
  afterEach(() => {
    logs.lines.length = 0
  })

  test('a paid order: the handler gets the typed, decrypted TRANSACTION.SUCCESS; the sandbox gets 204', async () => {
    const no = nextNo('N')
    sb.orders.create({ out_trade_no: no, amount: 888, notify_url: `${url}/wechatpay/notify` })
    await sb.orders.pay(no)
    await sb.notifications.settled()
    expect(sb.notifications.map(({ ok, status, attempt }) => ({ ok, status, attempt }))).toEqual([
      { ok: true, status: 204, attempt: 1 },
    ])
    expect(received).toHaveLength(1)
    const { route, event } = received[0]!
    expect(route).toBe('v3')
    const v3 = event as WechatpayNotification
    expect(v3.id).toBe(sb.notifications[0]!.id)
    if (v3.event_type !== 'TRANSACTION.SUCCESS') throw new Error(`unexpected ${v3.event_type}`)
    expect(v3.resource).toMatchObject({
      mchid: sb.merchant.mchid,
      out_trade_no: no,
      trade_state: 'SUCCESS',
      amount: { total: 888, currency: 'CNY' },
    })
    expect(v3.resource.transaction_id).toBe(sb.orders.get(no)?.transaction_id)
  })

  test('a SIGNTEST probe is answered 401 FAIL, never reaches the handler; the real delivery does', async () => {
    await sb.faults.set({ notifyProbe: { count: 1 } })
    const no = nextNo('P')
    sb.orders.create({ out_trade_no: no, notify_url: `${url}/wechatpay/notify` })
    await sb.orders.pay(no)
    await sb.notifications.settled()
    expect(sb.notifications.map(({ probe, ok, status }) => ({ probe, ok, status }))).toEqual([
      { probe: true, ok: false, status: 401 },
      { probe: false, ok: true, status: 204 },
    ])
    expect(received).toHaveLength(1)
    expect(logs.lines).toContainEqual({
      level: 'warn',
      message: expect.stringMatching(/SIGNTEST|signature/i),
    })
  })

  test('a forged notification (another key) gets 401 and the FAIL body, saying nothing of why; the handler never runs', async () => {
    const forger = rsaKeyPair()
    const { headers, body } = signV3Notification({
      privateKey: forger.privateKey,
      serial: sb.platform.serial,
      apiv3Key: sb.merchant.apiv3Key,
      resource: { out_trade_no: 'FORGED', trade_state: 'SUCCESS' },
    })
    const res = await fetch(`${url}/wechatpay/notify`, { method: 'POST', headers, body })
    expect(res.status).toBe(401)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await res.json()).toEqual(FAIL)
    expect(received).toHaveLength(0)
    // and without any Wechatpay-* header at all
    const bare = await fetch(`${url}/wechatpay/notify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
    expect([bare.status, await bare.json()]).toEqual([401, FAIL])
    expect(received).toHaveLength(0)
  })

  test('a handler that throws: 500 FAIL (not the global filter’s answer); the sandbox retries and the retry succeeds', async () => {
    failures.count = 2
    const no = nextNo('R')
    sb.orders.create({ out_trade_no: no, notify_url: `${url}/wechatpay/notify` })
    await sb.orders.pay(no)
    await sb.notifications.settled()
    expect(sb.notifications.map(({ attempt, ok, status }) => ({ attempt, ok, status }))).toEqual([
      { attempt: 1, ok: false, status: 500 },
      { attempt: 2, ok: false, status: 500 },
      { attempt: 3, ok: true, status: 204 },
    ])
    expect(received).toHaveLength(1)
    expect(logs.lines.filter((l) => l.level === 'error')).toHaveLength(2)
  })

  test('a genuine notification: 204 when the handler returns, 500 FAIL when it throws; a tampered byte: 401 FAIL', async () => {
    const sign = (resource: object) =>
      signV3Notification({
        privateKey: extra.privateKey,
        serial: extra.serial,
        apiv3Key: sb.merchant.apiv3Key,
        resource,
      })
    const send = (n: { headers: Record<string, string>; body: string }) =>
      fetch(`${url}/wechatpay/notify`, { method: 'POST', headers: n.headers, body: n.body })

    const ok = await send(sign({ out_trade_no: 'G1' }))
    expect([ok.status, await ok.text()]).toEqual([204, ''])

    failures.count = 1
    const thrown = await send(sign({ out_trade_no: 'G2' }))
    expect(thrown.status).toBe(500)
    expect(await thrown.json()).toEqual(FAIL)

    // one byte of the signed body changed (the JSON stays valid): refused before the handler
    const genuine = sign({ out_trade_no: 'G3' })
    const tampered = {
      ...genuine,
      body: genuine.body.replace('"summary":"支付成功"', '"summary":"支付成冇"'),
    }
    expect(tampered.body).not.toBe(genuine.body)
    const refused = await send(tampered)
    expect([refused.status, await refused.json()]).toEqual([401, FAIL])

    // the same body re-serialised (spaces after the colons): the bytes differ, so it is refused too
    const reformatted = { ...genuine, body: JSON.stringify(JSON.parse(genuine.body), null, 1) }
    expect((await send(reformatted)).status).toBe(401)

    expect(
      received.map((r) => (r.event as { resource: { out_trade_no: string } }).resource.out_trade_no),
    ).toEqual(['G1'])

    // a method returning an Observable that completes without a value: 204 once it has completed
    const viaObservable = await fetch(`${url}/wechatpay/notify/observable`, {
      method: 'POST',
      ...sign({ out_trade_no: 'G4' }),
    })
    expect(viaObservable.status).toBe(204)
    expect(received.map((r) => r.route)).toEqual(['v3', 'observable'])
  })

  test('v2: an XML pay result (HMAC-SHA256) reaches the handler; the answer is the SUCCESS XML', async () => {
    const no = nextNo('V')
    sb.orders.create({
      out_trade_no: no,
      amount: 501,
      protocol: 'v2',
      sign_type: 'HMAC-SHA256',
      notify_url: `${url}/wechatpay/notify/v2`,
    })
    await sb.orders.pay(no)
    await sb.notifications.settled()
    expect(sb.notifications.map(({ protocol, ok, status }) => ({ protocol, ok, status }))).toEqual([
      { protocol: 'v2', ok: true, status: 200 },
    ])
    expect(received).toHaveLength(1)
    const n = received[0]!.event as V2Notification
    expect(n.kind).toBe('signed')
    expect(n.data).toMatchObject({ out_trade_no: no, total_fee: '501', result_code: 'SUCCESS' })
  })

  test('v2: a wrong sign is answered with the FAIL XML; a throwing handler too, and the retry succeeds', async () => {
    const forged = signedV2Xml(
      { return_code: 'SUCCESS', out_trade_no: 'FORGED', result_code: 'SUCCESS', nonce_str: 'x' },
      'a'.repeat(32),
    )
    const res = await fetch(`${url}/wechatpay/notify/v2`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: forged,
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/)
    expect(await res.text()).toBe(
      '<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[FAIL]]></return_msg></xml>',
    )
    expect(received).toHaveLength(0)

    failures.count = 1
    const no = nextNo('W')
    sb.orders.create({ out_trade_no: no, protocol: 'v2', notify_url: `${url}/wechatpay/notify/v2` })
    await sb.orders.pay(no)
    await sb.notifications.settled()
    expect(sb.notifications.map(({ ok, status }) => ({ ok, status }))).toEqual([
      { ok: false, status: 200 },
      { ok: true, status: 200 },
    ])
    expect(received.map((r) => (r.event as V2Notification).data.out_trade_no)).toEqual([no])
  })

  test('a named merchant: its route verifies with its own client, and refuses the other merchant’s notifications', async () => {
    const no = nextNo('B')
    sbB.orders.create({ out_trade_no: no, notify_url: `${url}/wechatpay/notify/b` })
    await sbB.orders.pay(no)
    await sbB.notifications.settled()
    expect(sbB.notifications.map(({ ok, status }) => ({ ok, status }))).toEqual([{ ok: true, status: 204 }])
    expect(received.map((r) => r.route)).toEqual(['v3-b'])
    const event = received[0]!.event as WechatpayNotification
    expect(event.resource).toMatchObject({ mchid: sbB.merchant.mchid, out_trade_no: no })

    // another merchant's notification, sent to merchantB's route: another platform key, refused
    // on every attempt of the (scaled) schedule
    const other = nextNo('X')
    stranger.orders.create({ out_trade_no: other, notify_url: `${url}/wechatpay/notify/b` })
    await stranger.orders.pay(other)
    await stranger.notifications.settled()
    expect(stranger.notifications).toHaveLength(16)
    expect(stranger.notifications.every((a) => !a.ok && a.status === 401)).toBe(true)
    expect(received).toHaveLength(1)
  })
})

describe.each<Platform>(['express', 'fastify'])('on %s without rawBody', (platform) => {
  test('a JSON notification is answered 500 FAIL and the error log names rawBody', async () => {
    const { app, url, logs } = await start(platform, { rawBody: false })
    try {
      const no = nextNo('Z')
      stranger.orders.create({ out_trade_no: no, notify_url: `${url}/wechatpay/notify` })
      await stranger.orders.pay(no)
      expect(stranger.notifications[0]).toMatchObject({ ok: false, status: 500 })
      expect(received).toHaveLength(0)
      expect(logs.lines).toContainEqual({ level: 'error', message: expect.stringContaining('rawBody: true') })
    } finally {
      await app.close()
    }
  })
})
