import { fileURLToPath } from 'node:url'
import { acknowledge } from '@wxpay/core'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { rsaKeyPair, signV3Notification } from '@wxpay/sandbox/testing'
import { Miniflare } from 'miniflare'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { bundleWorker } from '../scripts/bundle-worker.mjs'

// The test Worker, bundled as Wrangler would (workerd conditions, minified ESM), then run in
// workerd itself through Miniflare, against the sandbox on loopback.
const entry = fileURLToPath(new URL('./fixtures/worker.ts', import.meta.url))
const sub_mchid = '1900001121'

let sb: Sandbox
let mf: Miniflare
let bundle: Awaited<ReturnType<typeof bundleWorker>>
/** Where workerd listens on loopback, so that the sandbox can deliver notifications to it. */
let workerUrl: URL

beforeAll(async () => {
  // the retry schedule scaled down 2000×: retries take milliseconds
  ;[sb, bundle] = await Promise.all([
    startSandbox({ notifyTimeScale: 0.0005, notifyTimeoutMs: 15_000 }),
    bundleWorker(entry),
  ])
  mf = new Miniflare({
    modules: true,
    host: '127.0.0.1',
    port: 0,
    script: bundle.code,
    compatibilityDate: '2025-01-01',
    bindings: {
      WECHATPAY_MCHID: sb.merchant.mchid,
      WECHATPAY_APPID: sb.merchant.appid,
      WECHATPAY_SERIAL: sb.merchant.serial,
      WECHATPAY_PRIVATE_KEY: sb.merchant.privateKey,
      WECHATPAY_CERTS: JSON.stringify({ [sb.platform.serial]: sb.platform.publicKey }),
      WECHATPAY_SECRET: sb.merchant.secret,
      WECHATPAY_APIV3_KEY: sb.merchant.apiv3Key,
      WECHATPAY_BASE_URL: sb.url,
    },
  })
  workerUrl = await mf.ready
})

afterAll(async () => {
  await mf?.dispose()
  await sb?.close()
})

afterEach(async () => {
  await sb.notifications.settled()
  await sb.faults.clear()
  sb.notifications.clear()
})

const post = (path: string) => mf.dispatchFetch(`http://localhost${path}`, { method: 'POST' })

describe('the Worker bundle', () => {
  test('imports no Node built-in, and gets the core entry built on fetch and Web Crypto', () => {
    expect(bundle.nodeImports).toEqual([])
    const inputs = Object.keys(bundle.metafile.inputs)
    expect(inputs.some((path) => path.endsWith('core/dist/index.js'))).toBe(true)
    expect(inputs.filter((path) => /core\/dist\/node\.|undici/.test(path))).toEqual([])
    expect(bundle.code).not.toMatch(/["']node:/)
  })
})

describe('inside workerd, options from env bindings', () => {
  test('runs in workerd', async () => {
    const res = await mf.dispatchFetch('http://localhost/runtime')
    expect(await res.text()).toBe('workerd')
  })

  test('closes a v3 order', async () => {
    sb.orders.create({ out_trade_no: 'WV3-1' })
    const res = await post('/orders/WV3-1/close')
    expect(res.status).toBe(204)
    expect(sb.orders.get('WV3-1')?.state).toBe('CLOSED')
  })

  test.each(['MD5', 'HMAC-SHA256'])('closes a v2 order signed with %s', async (signType) => {
    const no = `WV2-${signType}`
    sb.orders.create({ out_trade_no: no })
    const res = await post(`/v2/orders/${no}/close?sign_type=${signType}`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS' })
    expect(sb.orders.get(no)?.state).toBe('CLOSED')
    const seen = sb.requests.at(-1)
    expect(seen?.path).toBe('/pay/closeorder')
  })

  test('closes a recharge', async () => {
    sb.recharges.create({ out_recharge_no: 'wcz-1', sub_mchid })
    const res = await post(`/recharges/wcz-1/close?sub_mchid=${sub_mchid}`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ out_recharge_no: 'wcz-1', recharge_state: 'CLOSED' })
    expect(sb.recharges.get('wcz-1')?.state).toBe('CLOSED')
  })

  test('rejects a forged reply: 502 SIGNATURE_INVALID', async () => {
    sb.orders.create({ out_trade_no: 'WFORGED' })
    await sb.faults.set({ badSignature: true })
    const res = await post('/orders/WFORGED/close')
    expect(res.status).toBe(502)
    expect(await res.json()).toMatchObject({ error: 'WechatpaySignatureError', code: 'SIGNATURE_INVALID' })
  })

  test('a paid order: 502 ORDER_PAID with the Request-ID', async () => {
    sb.orders.create({ out_trade_no: 'WPAID', state: 'SUCCESS' })
    const res = await post('/orders/WPAID/close')
    expect(res.status).toBe(502)
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toMatchObject({ error: 'WechatpayApiError', code: 'ORDER_PAID' })
    expect(body.requestId).toEqual(expect.any(String))
  })

  test('concurrent requests share the cached client', async () => {
    for (const no of ['WC-1', 'WC-2', 'WC-3', 'WC-4']) sb.orders.create({ out_trade_no: no })
    const replies = await Promise.all(
      ['WC-1', 'WC-2', 'WC-3', 'WC-4'].map((no) => post(`/orders/${no}/close`)),
    )
    expect(replies.map((r) => r.status)).toEqual([204, 204, 204, 204])
  })
})

describe('inside workerd, notifications delivered by the sandbox', () => {
  const received = async () =>
    (await mf.dispatchFetch('http://localhost/notify/received')).json() as Promise<
      Array<Record<string, unknown>>
    >
  const notifyUrl = (path: string) => new URL(path, workerUrl).href

  test('a paid order: the handler gets the decrypted TRANSACTION.SUCCESS; the sandbox gets 204', async () => {
    sb.orders.create({ out_trade_no: 'WN-1', amount: 321, notify_url: notifyUrl('/notify') })
    await sb.orders.pay('WN-1')
    await sb.notifications.settled()
    expect(sb.notifications.map(({ ok, status }) => ({ ok, status }))).toEqual([{ ok: true, status: 204 }])
    const events = await received()
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      id: sb.notifications[0]!.id,
      event_type: 'TRANSACTION.SUCCESS',
      resource: { out_trade_no: 'WN-1', trade_state: 'SUCCESS', amount: { total: 321 } },
    })
  })

  test('a SIGNTEST probe and a forgery get 401 FAIL; the handler never sees them', async () => {
    await sb.faults.set({ notifyProbe: { count: 1 } })
    sb.orders.create({ out_trade_no: 'WN-P', notify_url: notifyUrl('/notify') })
    await sb.orders.pay('WN-P')
    await sb.notifications.settled()
    expect(sb.notifications.map(({ probe, ok, status }) => ({ probe, ok, status }))).toEqual([
      { probe: true, ok: false, status: 401 },
      { probe: false, ok: true, status: 204 },
    ])
    const forged = signV3Notification({
      privateKey: rsaKeyPair().privateKey,
      serial: sb.platform.serial,
      apiv3Key: sb.merchant.apiv3Key,
      resource: { out_trade_no: 'FORGED' },
    })
    const res = await mf.dispatchFetch('http://localhost/notify', { method: 'POST', ...forged })
    expect(res.status).toBe(401)
    expect(await res.text()).toBe(acknowledge.failure().body)
    expect((await received()).map((e) => (e.resource as { out_trade_no: string }).out_trade_no)).toEqual([
      'WN-P',
    ])
  })

  test('a handler that throws: 500 FAIL, then the sandbox’s retry succeeds', async () => {
    await mf.dispatchFetch('http://localhost/notify/fail-next?count=1', { method: 'POST' })
    sb.orders.create({ out_trade_no: 'WN-R', notify_url: notifyUrl('/notify') })
    await sb.orders.pay('WN-R')
    await sb.notifications.settled()
    expect(sb.notifications.map(({ ok, status }) => ({ ok, status }))).toEqual([
      { ok: false, status: 500 },
      { ok: true, status: 204 },
    ])
    expect(await received()).toHaveLength(1)
  })

  test('v2: an XML pay result reaches the handler; the answer is the SUCCESS XML', async () => {
    sb.orders.create({
      out_trade_no: 'WN-V2',
      protocol: 'v2',
      amount: 77,
      notify_url: notifyUrl('/notify/v2'),
    })
    await sb.orders.pay('WN-V2')
    await sb.notifications.settled()
    expect(sb.notifications.map(({ protocol, ok, status }) => ({ protocol, ok, status }))).toEqual([
      { protocol: 'v2', ok: true, status: 200 },
    ])
    expect(await received()).toEqual([
      { kind: 'signed', data: expect.objectContaining({ out_trade_no: 'WN-V2', total_fee: '77' }) },
    ])
  })
})
