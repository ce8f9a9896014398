import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type ServerType, serve } from '@hono/node-server'
import { acknowledge, type V2Notification, Wechatpay, type WechatpayNotification } from '@wxpay/core'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { rsaKeyPair, signedV2Xml, signV3Notification } from '@wxpay/sandbox/testing'
import { Hono } from 'hono'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import {
  type NotificationFailurePhase,
  wechatpay,
  wechatpayNotification,
  wechatpayNotificationV2,
} from './index'

// End to end on Node: the sandbox pays orders and delivers signed, encrypted notifications (its
// retry schedule scaled down 2000×) to a Hono app served by @hono/node-server on a real port.

let sb: Sandbox
let sbB: Sandbox // a second merchant, whose client is passed as `client`
let stranger: Sandbox // a merchant nobody trusts: every delivery fails, so its schedule is scaled to under a second
let server: ServerType
let url: string

const received: Array<{ route: string; event: WechatpayNotification | V2Notification }> = []
const failures = { count: 0 }
const errors: Array<{ phase: NotificationFailurePhase; name: string }> = []
const onError = (err: unknown, _c: unknown, phase: NotificationFailurePhase) => {
  errors.push({ phase, name: err instanceof Error ? err.name : String(err) })
}
function maybeThrow() {
  if (failures.count > 0) {
    failures.count--
    throw new Error('the database is down')
  }
}

beforeAll(async () => {
  const options = { notifyTimeScale: 0.0005, notifyTimeoutMs: 15_000 }
  ;[sb, sbB, stranger] = await Promise.all([
    startSandbox(options),
    startSandbox(options),
    startSandbox({ notifyTimeScale: 0.00001, notifyTimeoutMs: 15_000 }),
  ])
  const merchantB = new Wechatpay({ ...sbB.clientOptions(), backupBaseUrl: false })

  const app = new Hono()
  app.use('/wechatpay/*', wechatpay({ ...sb.clientOptions(), backupBaseUrl: false }))
  app.post(
    '/wechatpay/notify',
    wechatpayNotification(
      async (event) => {
        maybeThrow()
        received.push({ route: 'v3', event })
      },
      { onError },
    ),
  )
  app.post(
    '/wechatpay/notify/v2',
    wechatpayNotificationV2(
      (n) => {
        maybeThrow()
        received.push({ route: 'v2', event: n })
      },
      { onError },
    ),
  )
  // no middleware on this path: the client is given
  app.post(
    '/b/notify',
    wechatpayNotification((event) => void received.push({ route: 'v3-b', event }), {
      client: merchantB,
      onError,
    }),
  )
  // neither middleware nor client: a configuration error
  app.post(
    '/orphan/notify',
    wechatpayNotification(() => void received.push({ route: 'orphan', event: {} as WechatpayNotification }), {
      onError,
    }),
  )
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve))
  await Promise.all([sb?.close(), sbB?.close(), stranger?.close()])
})

afterEach(async () => {
  const all = [sb, sbB, stranger]
  await Promise.all(all.map((s) => s.notifications.settled()))
  await Promise.all(all.map((s) => s.faults.clear()))
  for (const s of all) s.notifications.clear()
  received.length = 0
  errors.length = 0
  failures.count = 0
})

const FAIL = JSON.parse(acknowledge.failure().body) as unknown
let n = 0
const nextNo = (prefix: string) => `${prefix}${Date.now()}${n++}`

describe('wechatpayNotification (APIv3)', () => {
  test('a paid order: the handler gets the typed, decrypted TRANSACTION.SUCCESS; the sandbox gets 204', async () => {
    const no = nextNo('H')
    sb.orders.create({ out_trade_no: no, amount: 1234, notify_url: `${url}/wechatpay/notify` })
    await sb.orders.pay(no)
    await sb.notifications.settled()
    expect(sb.notifications.map(({ ok, status }) => ({ ok, status }))).toEqual([{ ok: true, status: 204 }])
    expect(received).toHaveLength(1)
    const event = received[0]!.event as WechatpayNotification
    expect(event.id).toBe(sb.notifications[0]!.id)
    if (event.event_type !== 'TRANSACTION.SUCCESS') throw new Error(`unexpected ${event.event_type}`)
    expect(event.resource).toMatchObject({
      mchid: sb.merchant.mchid,
      out_trade_no: no,
      trade_state: 'SUCCESS',
      amount: { total: 1234 },
    })
    expect(event.resource.transaction_id).toBe(sb.orders.get(no)?.transaction_id)
  })

  test('a SIGNTEST probe is answered 401 FAIL and never reaches the handler; the real delivery does', async () => {
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
    expect(errors).toEqual([{ phase: 'verify', name: 'WechatpaySignatureError' }])
  })

  test('a forged notification gets 401 and the FAIL body, which says nothing of why', async () => {
    const { headers, body } = signV3Notification({
      privateKey: rsaKeyPair().privateKey,
      serial: sb.platform.serial,
      apiv3Key: sb.merchant.apiv3Key,
      resource: { out_trade_no: 'FORGED' },
    })
    const res = await fetch(`${url}/wechatpay/notify`, { method: 'POST', headers, body })
    expect(res.status).toBe(401)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await res.json()).toEqual(FAIL)
    expect(received).toHaveLength(0)
  })

  test('a body over 1 MiB is refused (401 FAIL) and never reaches the handler', async () => {
    const res = await fetch(`${url}/wechatpay/notify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"pad":"${'x'.repeat(1024 * 1024)}"}`,
    })
    expect([res.status, await res.json()]).toEqual([401, FAIL])
    expect(errors).toEqual([{ phase: 'verify', name: 'WechatpaySignatureError' }])
    expect(received).toHaveLength(0)
  })

  test('a chunked body (no Content-Length) is refused as soon as it passes 1 MiB, while the sender is still sending', async () => {
    // A real chunked request on a real socket that never ends: the answer can only come from a
    // handler that counts while reading (reading to the end would wait forever).
    const target = new URL(`${url}/wechatpay/notify`)
    const answer = await new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), sent })
            req.destroy()
          })
        },
      )
      req.on('error', (err) => {
        if (!req.destroyed) reject(err)
      })
      const chunk = Buffer.alloc(64 * 1024, 0x78)
      let sent = 0
      const pump = () => {
        // 4 MiB at most, then wait with the request still open
        while (sent < 4 * 1024 * 1024 && !req.destroyed) {
          sent += chunk.length
          if (!req.write(chunk)) return void req.once('drain', pump)
        }
      }
      req.flushHeaders()
      pump()
    })
    expect(answer.status).toBe(401)
    expect(JSON.parse(answer.body)).toEqual(FAIL)
    expect(errors).toEqual([{ phase: 'verify', name: 'WechatpaySignatureError' }])
    expect(received).toHaveLength(0)
  })

  test('a handler that throws: 500 FAIL; the sandbox retries (time-scaled) and the retry succeeds', async () => {
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
    expect(errors.map((e) => e.phase)).toEqual(['handler', 'handler'])
  })

  test('options.client: a second merchant verifies with its own client and refuses another’s notifications', async () => {
    const no = nextNo('B')
    sbB.orders.create({ out_trade_no: no, notify_url: `${url}/b/notify` })
    await sbB.orders.pay(no)
    await sbB.notifications.settled()
    expect(sbB.notifications.map(({ ok, status }) => ({ ok, status }))).toEqual([{ ok: true, status: 204 }])
    expect((received[0]!.event as WechatpayNotification).resource).toMatchObject({ out_trade_no: no })

    const other = nextNo('X')
    stranger.orders.create({ out_trade_no: other, notify_url: `${url}/b/notify` })
    await stranger.orders.pay(other)
    await stranger.notifications.settled()
    expect(stranger.notifications).toHaveLength(16)
    expect(stranger.notifications.every((a) => !a.ok && a.status === 401)).toBe(true)
    expect(received).toHaveLength(1)
  })

  test('no client (no middleware, no option): 500 FAIL, reported as a verify error', async () => {
    const no = nextNo('O')
    stranger.orders.create({ out_trade_no: no, notify_url: `${url}/orphan/notify` })
    await stranger.orders.pay(no)
    expect(stranger.notifications[0]).toMatchObject({ ok: false, status: 500 })
    expect(errors[0]).toEqual({ phase: 'verify', name: 'TypeError' })
    expect(received).toHaveLength(0)
  })
})

describe('wechatpayNotificationV2 (XML)', () => {
  test.each(['MD5', 'HMAC-SHA256'] as const)(
    'a pay result signed with %s reaches the handler; SUCCESS XML',
    async (signType) => {
      const no = nextNo('V')
      sb.orders.create({
        out_trade_no: no,
        amount: 501,
        protocol: 'v2',
        sign_type: signType,
        notify_url: `${url}/wechatpay/notify/v2`,
      })
      await sb.orders.pay(no)
      await sb.notifications.settled()
      expect(sb.notifications.map(({ protocol, ok, status }) => ({ protocol, ok, status }))).toEqual([
        { protocol: 'v2', ok: true, status: 200 },
      ])
      const n2 = received[0]?.event as V2Notification
      expect(n2.kind).toBe('signed')
      expect(n2.data).toMatchObject({ out_trade_no: no, total_fee: '501', result_code: 'SUCCESS' })
    },
  )

  test('a wrong sign gets the FAIL XML; a throwing handler too, and the retry succeeds', async () => {
    const forged = signedV2Xml(
      { return_code: 'SUCCESS', out_trade_no: 'FORGED', nonce_str: 'x' },
      'a'.repeat(32),
    )
    const res = await fetch(`${url}/wechatpay/notify/v2`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: forged,
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/)
    expect(await res.text()).toBe(acknowledge.failureV2().body)
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
    expect(received).toHaveLength(1)
  })
})
