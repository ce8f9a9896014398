// Notification delivery, checked by a real HTTP receiver on loopback. The receiver verifies the
// signature and decrypts the resource with node:crypto written here on purpose (an independent
// oracle: it shares no code with the sandbox), and checks v2 signs with wechatpay-axios-plugin.
import { createDecipheriv, createPublicKey, verify } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { Hash } from 'wechatpay-axios-plugin'
import { envLines } from './env-lines'
import { FaultSpecError } from './faults'
import { RETRY_SCHEDULE_SECONDS } from './notify'
import type { Sandbox, SandboxOptions } from './start'
import { SandboxInputError } from './state'
import { fieldsOf, start, v3 } from './test-helpers'

interface Received {
  headers: IncomingHttpHeaders
  /** The body exactly as it arrived. */
  raw: Buffer
}

/** What the receiver does with its n-th request (0-based): answer, answer late, or never. */
type Script = (
  n: number,
  req: Received,
) => { status: number; body?: string; delayMs?: number; trickle?: boolean } | 'hang'

interface Receiver {
  url: string
  received: Received[]
  close(): Promise<void>
}

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function sandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const sb = await start(options)
  cleanups.push(() => sb.close())
  return sb
}

async function receiver(script: Script): Promise<Receiver> {
  const received: Received[] = []
  const hanging = new Set<ServerResponse>()
  const timers = new Set<NodeJS.Timeout>()
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const got = { headers: req.headers, raw: Buffer.concat(chunks) }
      const n = received.push(got) - 1
      const plan = script(n, got)
      if (plan === 'hang') {
        hanging.add(res)
        return
      }
      const answer = () => {
        if (res.destroyed) return
        res.writeHead(plan.status, plan.body ? { 'Content-Type': 'text/plain' } : {})
        res.end(plan.body)
      }
      if (plan.delayMs && plan.trickle) {
        // the status line and a first chunk at once, the end of the answer only after the delay
        res.writeHead(plan.status, { 'Content-Type': 'text/plain' })
        res.write('{"code":')
        const t = setTimeout(() => {
          timers.delete(t)
          if (!res.destroyed) res.end('"SUCCESS"}')
        }, plan.delayMs)
        timers.add(t)
      } else if (plan.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t)
          answer()
        }, plan.delayMs)
        timers.add(t)
      } else answer()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const r: Receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`,
    received,
    close: () =>
      new Promise((resolve) => {
        for (const t of timers) clearTimeout(t)
        for (const res of hanging) res.destroy()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
  cleanups.push(() => r.close())
  return r
}

/** node:crypto verification of `TIMESTAMP\nNONCE\nBODY\n` over the raw bytes, written here. */
function signatureVerifies(sb: Sandbox, got: Received): boolean {
  const h = got.headers
  const signature = h['wechatpay-signature']
  if (typeof signature !== 'string' || h['wechatpay-serial'] !== sb.platform.serial) return false
  const message = Buffer.concat([
    Buffer.from(`${h['wechatpay-timestamp']}\n${h['wechatpay-nonce']}\n`),
    got.raw,
    Buffer.from('\n'),
  ])
  return verify('sha256', message, createPublicKey(sb.platform.publicKey), Buffer.from(signature, 'base64'))
}

interface Envelope {
  id: string
  create_time: string
  resource_type: string
  event_type: string
  summary: string
  resource: {
    original_type: string
    algorithm: string
    ciphertext: string
    associated_data: string
    nonce: string
  }
}

/** AES-256-GCM with the tag as the last 16 bytes, key and nonce and AAD as UTF-8, written here. */
function decrypt(apiv3Key: string, resource: Envelope['resource']): Record<string, unknown> {
  const data = Buffer.from(resource.ciphertext, 'base64')
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiv3Key), Buffer.from(resource.nonce), {
    authTagLength: 16,
  })
  decipher.setAAD(Buffer.from(resource.associated_data))
  decipher.setAuthTag(data.subarray(-16))
  return JSON.parse(
    Buffer.concat([decipher.update(data.subarray(0, -16)), decipher.final()]).toString('utf8'),
  )
}

const verifying =
  (sb: Sandbox): Script =>
  (_n, got) =>
    signatureVerifies(sb, got) ? { status: 204 } : { status: 401, body: '{"code":"FAIL","message":"sign"}' }

/** docs/protocol-2.md §1.6 (WeChat's retry mechanism page), written out here rather than imported. */
const SCHEDULE_S = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600]

const V2_SUCCESS =
  '<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>'
const V2_FAIL =
  '<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[busy]]></return_msg></xml>'

describe('TRANSACTION.SUCCESS', () => {
  it('pays the order and POSTs a signed, encrypted notification to its notify_url', async () => {
    const sb = await sandbox()
    const r = await receiver(verifying(sb))
    sb.orders.create({ out_trade_no: 'N1', notify_url: r.url, amount: 888, trade_type: 'NATIVE' })
    const paid = await sb.orders.pay('N1', { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' })
    expect(paid).toMatchObject({
      state: 'SUCCESS',
      amount: 888,
      payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
    })
    expect(paid.transaction_id).toMatch(/^\d{28}$/)
    expect(sb.orders.get('N1')).toEqual(paid)

    expect(r.received).toHaveLength(1)
    const got = r.received[0]!
    expect(signatureVerifies(sb, got)).toBe(true)
    expect(got.headers['content-type']).toBe('application/json')
    expect(got.headers['wechatpay-signature-type']).toBe('WECHATPAY2-SHA256-RSA2048')
    expect(got.headers['request-id']).toMatch(/^\S+$/)
    expect(Math.abs(Number(got.headers['wechatpay-timestamp']) - Date.now() / 1000)).toBeLessThan(300)
    const text = got.raw.toString('utf8')
    const envelope = JSON.parse(text) as Envelope
    // compact JSON, keys in WeChat's order
    expect(JSON.stringify(envelope)).toBe(text)
    expect(Object.keys(envelope)).toEqual([
      'id',
      'create_time',
      'resource_type',
      'event_type',
      'summary',
      'resource',
    ])
    expect(envelope).toMatchObject({ resource_type: 'encrypt-resource', event_type: 'TRANSACTION.SUCCESS' })
    expect(envelope.create_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/)
    expect(envelope.resource).toMatchObject({
      original_type: 'transaction',
      algorithm: 'AEAD_AES_256_GCM',
      associated_data: 'transaction',
    })
    expect(envelope.resource.nonce).toHaveLength(12)
    expect(decrypt(sb.merchant.apiv3Key, envelope.resource)).toEqual({
      mchid: sb.merchant.mchid,
      appid: sb.merchant.appid,
      out_trade_no: 'N1',
      transaction_id: paid.transaction_id,
      trade_type: 'NATIVE',
      trade_state: 'SUCCESS',
      trade_state_desc: expect.any(String),
      bank_type: expect.any(String),
      attach: '',
      success_time: expect.stringMatching(/\+08:00$/),
      payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
      amount: { total: 888, payer_total: 888, currency: 'CNY', payer_currency: 'CNY' },
    })
    // another key does not open it: the resource really is bound to the merchant's APIv3 key
    expect(() => decrypt('x'.repeat(32), envelope.resource)).toThrow()

    expect([...sb.notifications]).toEqual([
      {
        id: envelope.id,
        event_type: 'TRANSACTION.SUCCESS',
        protocol: 'v3',
        url: r.url,
        attempt: 1,
        probe: false,
        duplicate: false,
        at: expect.any(Number),
        status: 204,
        reply: '',
        ok: true,
        durationMs: expect.any(Number),
      },
    ])
  })

  it('refuses to pay an unknown or a closed order, changing nothing; without notify_url nothing is sent', async () => {
    const sb = await sandbox()
    await expect(sb.orders.pay('none')).rejects.toThrow(SandboxInputError)
    sb.orders.create({ out_trade_no: 'C1', state: 'CLOSED' })
    await expect(sb.orders.pay('C1')).rejects.toThrow(/CLOSED/)
    expect(sb.orders.get('C1')?.state).toBe('CLOSED')
    sb.orders.create({ out_trade_no: 'P1', state: 'USERPAYING' })
    expect((await sb.orders.pay('P1')).state).toBe('SUCCESS')
    await expect(sb.orders.pay('P1')).rejects.toThrow(/SUCCESS/)
    await sb.notifications.settled()
    expect(sb.notifications).toHaveLength(0)
    expect(() => sb.orders.create({ out_trade_no: 'U1', notify_url: 'ftp://x/' })).toThrow(/notify_url/)
    expect(() => sb.orders.create({ out_trade_no: 'U1', notify_url: '/relative' })).toThrow(/notify_url/)
    expect(sb.orders.get('U1')).toBeUndefined()
  })

  it('retries on failure with the time-scaled schedule until a 2xx, with the same id and body', async () => {
    const sb = await sandbox({ notifyTimeScale: 0.001, notifyTimeoutMs: 5000 })
    const failures = [500, 404, 302]
    const r = await receiver((n) =>
      n < failures.length ? { status: failures[n]! } : { status: 200, body: '{"code":"SUCCESS"}' },
    )
    sb.orders.create({ out_trade_no: 'R1', notify_url: r.url })
    await sb.orders.pay('R1')
    await sb.notifications.settled()
    expect(sb.notifications.map((a) => [a.attempt, a.status, a.ok])).toEqual([
      [1, 500, false],
      [2, 404, false],
      [3, 302, false],
      [4, 200, true],
    ])
    expect(new Set(sb.notifications.map((a) => a.id)).size).toBe(1)
    expect(new Set(r.received.map((g) => g.raw.toString('hex'))).size).toBe(1)
    // every attempt is signed anew (fresh nonce), and verifies
    expect(new Set(r.received.map((g) => g.headers['wechatpay-nonce'])).size).toBe(4)
    expect(r.received.every((g) => signatureVerifies(sb, g))).toBe(true)
    // the waits are at least 15 s, 15 s, 30 s scaled (timers never fire early; 2 ms for clock rounding)
    const at = sb.notifications.map((a) => a.at)
    for (let i = 1; i < at.length; i++) {
      expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(SCHEDULE_S[i - 1]! * 1000 * 0.001 - 2)
    }
  })

  it('gives up after 15 retries, having waited the whole schedule', async () => {
    const scale = 0.00005 // 24 h 4 min → 4.3 s
    const sb = await sandbox({ notifyTimeScale: scale, notifyTimeoutMs: 5000 })
    const r = await receiver(() => ({ status: 503 }))
    sb.orders.create({ out_trade_no: 'G1', notify_url: r.url })
    await sb.orders.pay('G1')
    await sb.notifications.settled()
    expect(SCHEDULE_S.reduce((a, b) => a + b, 0)).toBe(24 * 3600 + 4 * 60)
    expect(RETRY_SCHEDULE_SECONDS).toEqual(SCHEDULE_S)
    expect(sb.notifications.map((a) => a.attempt)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1))
    expect(sb.notifications.every((a) => a.status === 503 && !a.ok)).toBe(true)
    const at = sb.notifications.map((a) => a.at)
    for (let i = 1; i < at.length; i++) {
      expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(SCHEDULE_S[i - 1]! * 1000 * scale - 2)
    }
    expect(r.received).toHaveLength(16)
  }, 60_000)

  it('counts an answer after the deadline as a failure, and the deadline scales with notifyTimeScale', async () => {
    const sb = await sandbox({ notifyTimeScale: 0.001, notifyTimeoutMs: 1000 })
    // a 200 that comes too late; a 200 whose status is in time but whose body ends too late;
    // never an answer; then one in time
    const plans = [
      { status: 200, delayMs: 3000 },
      { status: 200, delayMs: 3000, trickle: true },
      'hang' as const,
    ]
    const r = await receiver((n) => plans[n] ?? { status: 204 })
    sb.orders.create({ out_trade_no: 'S1', notify_url: r.url })
    await sb.orders.pay('S1')
    await sb.notifications.settled()
    expect(sb.notifications.map((a) => [a.attempt, a.ok, a.error, a.status])).toEqual([
      [1, false, 'no answer within 1000 ms', undefined],
      [2, false, 'no answer within 1000 ms', undefined],
      [3, false, 'no answer within 1000 ms', undefined],
      [4, true, undefined, 204],
    ])

    // without notifyTimeoutMs the 5 s deadline is scaled too: 5000 × 0.01 = 50 ms
    const scaled = await sandbox({ notifyTimeScale: 0.01 })
    const hangs = await receiver((n) => (n === 0 ? 'hang' : { status: 204 }))
    scaled.orders.create({ out_trade_no: 'S2', notify_url: hangs.url })
    await scaled.orders.pay('S2')
    expect(scaled.notifications[0]).toMatchObject({ attempt: 1, ok: false, error: 'no answer within 50 ms' })
  })

  it('records network errors and keeps retrying', async () => {
    const sb = await sandbox({ notifyTimeScale: 0.001, notifyTimeoutMs: 5000 })
    const r = await receiver(() => ({ status: 204 }))
    await r.close() // nothing listens on that port any more
    sb.orders.create({ out_trade_no: 'E1', notify_url: r.url })
    await sb.orders.pay('E1')
    expect(sb.notifications[0]).toMatchObject({ attempt: 1, ok: false, error: 'ECONNREFUSED' })
  })
})

describe('faults', () => {
  it('notifyProbe: a WECHATPAY/SIGNTEST probe with the same body precedes the real delivery', async () => {
    const sb = await sandbox()
    const r = await receiver(verifying(sb))
    await sb.faults.set({ notifyProbe: { count: 1 } })
    sb.orders.create({ out_trade_no: 'PR1', notify_url: r.url })
    await sb.orders.pay('PR1')
    await sb.notifications.settled()
    expect(r.received).toHaveLength(2)
    const [probe, real] = r.received as [Received, Received]
    expect(probe.headers['wechatpay-signature']).toMatch(/^WECHATPAY\/SIGNTEST\//)
    expect(signatureVerifies(sb, probe)).toBe(false)
    expect(signatureVerifies(sb, real)).toBe(true)
    expect(probe.raw.equals(real.raw)).toBe(true)
    expect(sb.notifications.map((a) => [a.attempt, a.probe, a.status, a.ok])).toEqual([
      [1, true, 401, false],
      [1, false, 204, true],
    ])
    // the count is used up: the next notification comes without a probe
    sb.orders.create({ out_trade_no: 'PR2', notify_url: r.url })
    await sb.orders.pay('PR2')
    expect(r.received).toHaveLength(3)
    expect(sb.faults.current()).toEqual({})
  })

  it('notifyDuplicate: the acknowledged notification arrives a second time, same id and body', async () => {
    const sb = await sandbox()
    const r = await receiver(verifying(sb))
    await sb.faults.set({ notifyDuplicate: true })
    sb.orders.create({ out_trade_no: 'D1', notify_url: r.url })
    await sb.orders.pay('D1')
    await sb.notifications.settled()
    expect(r.received).toHaveLength(2)
    expect(r.received.every((g) => signatureVerifies(sb, g))).toBe(true)
    expect(r.received[0]!.raw.equals(r.received[1]!.raw)).toBe(true)
    expect(r.received[0]!.headers['wechatpay-nonce']).not.toBe(r.received[1]!.headers['wechatpay-nonce'])
    expect(sb.notifications.map((a) => [a.attempt, a.duplicate, a.ok])).toEqual([
      [1, false, true],
      [1, true, true],
    ])
    expect(sb.notifications[0]!.id).toBe(sb.notifications[1]!.id)
  })

  it('are set like any fault, over HTTP too, and checked', async () => {
    const sb = await sandbox()
    await expect(sb.faults.set({ notifyProbe: 5 as never })).rejects.toThrow(FaultSpecError)
    const res = await fetch(new URL('sandbox/faults', sb.url), {
      method: 'POST',
      body: JSON.stringify({ notifyDuplicate: { count: 2 }, notifyProbe: { probability: 0.5 } }),
    })
    expect(await res.json()).toEqual({
      notifyDuplicate: { value: true, count: 2 },
      notifyProbe: { value: true, probability: 0.5 },
    })
  })
})

describe('RECHARGE.CLOSED', () => {
  it('closing a recharge notifies its notify_url once', async () => {
    const sb = await sandbox()
    const r = await receiver(verifying(sb))
    sb.recharges.create({ out_recharge_no: 'cz1', sub_mchid: '1900001121', amount: 500, notify_url: r.url })
    const target = '/v3/platsolution/ecommerce/recharges/out-recharge-no/cz1/close?sub_mchid=1900001121'
    expect((await v3(sb, target)).status).toBe(200)
    await sb.notifications.settled()
    expect(r.received).toHaveLength(1)
    expect(signatureVerifies(sb, r.received[0]!)).toBe(true)
    const envelope = JSON.parse(r.received[0]!.raw.toString('utf8')) as Envelope
    expect(envelope).toMatchObject({ event_type: 'RECHARGE.CLOSED', resource_type: 'encrypt-resource' })
    expect(envelope.resource).toMatchObject({ original_type: 'recharge', associated_data: 'recharge' })
    expect(decrypt(sb.merchant.apiv3Key, envelope.resource)).toMatchObject({
      sp_mchid: sb.merchant.mchid,
      sub_mchid: '1900001121',
      out_recharge_no: 'cz1',
      recharge_state: 'CLOSED',
      recharge_amount: { amount: 500, currency: 'CNY' },
      close_time: expect.stringMatching(/\+08:00$/),
    })
    // closing again answers the same but is no new event
    expect((await v3(sb, target)).status).toBe(200)
    await sb.notifications.settled()
    expect(r.received).toHaveLength(1)
    // a recharge without notify_url closes silently
    sb.recharges.create({ out_recharge_no: 'cz2', sub_mchid: '1900001121' })
    expect((await v3(sb, target.replace('cz1', 'cz2'))).status).toBe(200)
    await sb.notifications.settled()
    expect(sb.notifications).toHaveLength(1)
  })
})

describe('v2 pay result notification', () => {
  it('is XML signed with the APIv2 key (MD5 by default, HMAC-SHA256 when asked), retried until return_code SUCCESS', async () => {
    const sb = await sandbox({ notifyTimeScale: 0.001, notifyTimeoutMs: 5000 })
    const r = await receiver((n) => ({ status: 200, body: n === 0 ? V2_FAIL : V2_SUCCESS }))
    sb.orders.create({ out_trade_no: 'V2A', notify_url: r.url, protocol: 'v2', amount: 101 })
    const paid = await sb.orders.pay('V2A', { openid: 'oV2' })
    await sb.notifications.settled()
    expect(sb.notifications.map((a) => [a.protocol, a.attempt, a.status, a.ok])).toEqual([
      ['v2', 1, 200, false],
      ['v2', 2, 200, true],
    ])
    expect(sb.notifications[0]!.error).toMatch(/acknowledge/)
    const got = r.received[0]!
    expect(got.headers['content-type']).toBe('text/xml')
    expect(got.headers['request-id']).toBeTruthy()
    const fields = fieldsOf(got.raw.toString('utf8'))
    expect(fields).toMatchObject({
      return_code: 'SUCCESS',
      result_code: 'SUCCESS',
      appid: sb.merchant.appid,
      mch_id: sb.merchant.mchid,
      openid: 'oV2',
      out_trade_no: 'V2A',
      transaction_id: paid.transaction_id,
      total_fee: '101',
      cash_fee: '101',
      fee_type: 'CNY',
    })
    expect(fields.time_end).toMatch(/^\d{14}$/)
    expect(fields.nonce_str).toMatch(/^[0-9A-Za-z]{32}$/)
    expect(fields.sign_type).toBeUndefined()
    // the peer SDK's signer, not the sandbox's
    expect(fields.sign).toBe(Hash.sign('MD5', fields, sb.merchant.secret))
    expect(fields.sign).not.toBe(Hash.sign('MD5', fields, 'k'.repeat(32)))

    sb.orders.create({ out_trade_no: 'V2B', notify_url: r.url, protocol: 'v2', sign_type: 'HMAC-SHA256' })
    await sb.orders.pay('V2B')
    const hmac = fieldsOf(r.received.at(-1)!.raw.toString('utf8'))
    expect(hmac.sign_type).toBe('HMAC-SHA256')
    expect(hmac.sign).toMatch(/^[0-9A-F]{64}$/)
    expect(hmac.sign).toBe(Hash.sign('HMAC-SHA256', hmac, sb.merchant.secret))
  })
})

describe('close', () => {
  it('stops pending retries and drops a delivery in flight', async () => {
    // scaled up: the first retry would come after 1500 s and the deadline is 500 s, so close()
    // can only resolve within the test's timeout if it cancels both
    const sb = await start({ notifyTimeScale: 100 })
    cleanups.push(() => sb.close())
    const failing = await receiver(() => ({ status: 500 }))
    sb.orders.create({ out_trade_no: 'X1', notify_url: failing.url })
    await sb.orders.pay('X1') // the first attempt failed; a retry is pending
    const hanging = await receiver(() => 'hang')
    sb.orders.create({ out_trade_no: 'X2', notify_url: hanging.url })
    const paying = sb.orders.pay('X2')
    while (hanging.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 10))
    await sb.close()
    await expect(paying).resolves.toMatchObject({ state: 'SUCCESS' })
    await sb.notifications.settled()
    // the dropped attempt is not logged: it has no outcome
    expect(sb.notifications.map((a) => [a.url, a.status])).toEqual([[failing.url, 500]])
    expect(failing.received).toHaveLength(1)
  })
})

describe('control routes and credentials', () => {
  it('pay an order and read, await and clear the notification log over HTTP', async () => {
    const sb = await sandbox()
    const r = await receiver(verifying(sb))
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(new URL(`sandbox/${path}`, sb.url), {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
      const text = await res.text()
      return { status: res.status, body: text ? JSON.parse(text) : undefined }
    }
    expect((await call('POST', 'orders', { out_trade_no: 'H1', notify_url: r.url })).status).toBe(201)
    expect(await call('POST', 'orders/H1/pay', { openid: 'oH' })).toMatchObject({
      status: 200,
      body: { state: 'SUCCESS', payer: { openid: 'oH' } },
    })
    expect((await call('POST', 'orders/H1/pay')).status).toBe(400)
    expect((await call('POST', 'orders', { out_trade_no: 'H2', notify_url: 'nope' })).status).toBe(400)
    const settled = await call('GET', 'notifications/settled')
    expect(settled.body).toHaveLength(1)
    expect(settled.body[0]).toMatchObject({ event_type: 'TRANSACTION.SUCCESS', ok: true, status: 204 })
    expect((await call('GET', 'notifications')).body).toEqual(settled.body)
    expect((await call('DELETE', 'notifications')).status).toBe(204)
    expect(sb.notifications).toHaveLength(0)
  })

  it('apiv3Key: generated or given, in clientOptions() and the env lines; a bad one is refused', async () => {
    const sb = await sandbox()
    expect(sb.merchant.apiv3Key).toMatch(/^[0-9A-Za-z]{32}$/)
    expect(sb.clientOptions().apiv3Key).toBe(sb.merchant.apiv3Key)
    expect(envLines(sb)).toContain(`WECHATPAY_APIV3_KEY=${sb.merchant.apiv3Key}`)
    const fixed = await sandbox({ merchant: { apiv3Key: 'a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb' } })
    expect(fixed.merchant.apiv3Key).toBe('a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb')
    await expect(start({ merchant: { apiv3Key: 'short' } })).rejects.toThrow(/apiv3Key/)
    await expect(start({ notifyTimeScale: -1 })).rejects.toThrow(/notifyTimeScale/)
    await expect(start({ notifyTimeoutMs: 0 })).rejects.toThrow(/notifyTimeoutMs/)
  })
})
