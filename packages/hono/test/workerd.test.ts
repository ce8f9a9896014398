import { fileURLToPath } from 'node:url'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
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

beforeAll(async () => {
  ;[sb, bundle] = await Promise.all([startSandbox(), bundleWorker(entry)])
  mf = new Miniflare({
    modules: true,
    script: bundle.code,
    compatibilityDate: '2025-01-01',
    bindings: {
      WECHATPAY_MCHID: sb.merchant.mchid,
      WECHATPAY_APPID: sb.merchant.appid,
      WECHATPAY_SERIAL: sb.merchant.serial,
      WECHATPAY_PRIVATE_KEY: sb.merchant.privateKey,
      WECHATPAY_CERTS: JSON.stringify({ [sb.platform.serial]: sb.platform.publicKey }),
      WECHATPAY_SECRET: sb.merchant.secret,
      WECHATPAY_BASE_URL: sb.url,
    },
  })
  await mf.ready
})

afterAll(async () => {
  await mf?.dispose()
  await sb?.close()
})

afterEach(async () => {
  await sb.faults.clear()
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
