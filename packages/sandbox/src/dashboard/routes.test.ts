// The dashboard's HTTP side, with fetch against a real sandbox and a real receiver on loopback:
// the page, its JSON, the event stream, the actions (the same code paths as sb.orders.pay() and
// friends), the masking of secrets and the refusal of other sites. The browser test is in
// tests/dashboard.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { envLines } from '../env-lines'
import type { Sandbox, SandboxOptions } from '../start'
import { start, v3 } from '../test-helpers'
import type { DashboardState } from './snapshot'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function sandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const sb = await start(options)
  cleanups.push(() => sb.close())
  return sb
}

/** A merchant app's notify_url that answers 200 with a short JSON body. */
async function merchantApp(): Promise<string> {
  const server: Server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end('{"code":"SUCCESS","message":"recorded"}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(
    () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  )
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`
}

const api = (sb: Sandbox, path: string) => new URL(`sandbox/dashboard/${path}`, sb.url)
const post = (sb: Sandbox, path: string, headers: Record<string, string> = {}) =>
  fetch(api(sb, path), { method: 'POST', headers })
const state = async (sb: Sandbox) => (await (await fetch(api(sb, 'state'))).json()) as DashboardState

describe('dashboard routes', () => {
  it('serves the page at / and its script and style from the sandbox itself, outside the request log', async () => {
    const sb = await sandbox()
    const page = await fetch(sb.url)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    const html = await page.text()
    expect(html).toContain('<main id="main"')
    const script = await fetch(api(sb, 'app.js'))
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/)
    const js = await script.clone().text()
    // the function's own source, self-contained: it parses, and no bundler helper (__name, __async…) crept in
    expect(() => new Function(js)).not.toThrow()
    expect(js).not.toMatch(/\b__[a-zA-Z]+\(/)
    const css = await (await fetch(api(sb, 'style.css'))).text()
    // nothing is fetched from another host: no absolute URL anywhere in what the browser loads
    for (const text of [html, await script.text(), css])
      expect(text).not.toMatch(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}\//i)
    expect([...sb.requests]).toEqual([])
  })

  it('lists orders newest first with WeChat state words, and keeps secrets out of the state', async () => {
    const sb = await sandbox()
    sb.orders.create({ out_trade_no: 'A1', amount: 2500 })
    sb.orders.create({ out_trade_no: 'A2', state: 'CLOSED' })
    const s = await state(sb)
    expect(s.orders.map((o) => [o.out_trade_no, o.state, o.state_desc, o.amount])).toEqual([
      ['A2', 'CLOSED', '已关闭', 100],
      ['A1', 'NOTPAY', '订单未支付', 2500],
    ])
    expect(s.orders[1]?.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/)
    const text = JSON.stringify(s)
    for (const secret of [sb.merchant.privateKey, sb.merchant.secret, sb.merchant.apiv3Key]) {
      expect(text).not.toContain(secret)
    }
  })

  it('masks the secrets of the env lines until asked', async () => {
    const sb = await sandbox()
    const masked = ((await (await fetch(api(sb, 'env'))).json()) as { lines: string[] }).lines
    const full = ((await (await fetch(api(sb, 'env?reveal=1'))).json()) as { lines: string[] }).lines
    expect(full).toEqual(envLines(sb))
    expect(masked).toHaveLength(full.length)
    expect(masked.filter((l) => l.endsWith('=••••••••')).map((l) => l.split('=')[0])).toEqual([
      'WECHATPAY_PRIVATE_KEY',
      'WECHATPAY_SECRET',
      'WECHATPAY_APIV3_KEY',
    ])
    const text = masked.join('\n')
    expect(text).not.toContain(sb.merchant.secret)
    expect(text).not.toContain(sb.merchant.apiv3Key)
    expect(text).not.toContain('PRIVATE KEY')
    expect(masked).toContain(`WECHATPAY_MCHID=${sb.merchant.mchid}`)
  })

  it('pays as sb.orders.pay() does: SUCCESS, the notification and its answer in the deliveries', async () => {
    const sb = await sandbox()
    const notifyUrl = await merchantApp()
    sb.orders.create({ out_trade_no: 'P1', amount: 888, notify_url: notifyUrl })
    const res = await post(sb, 'orders/P1/pay')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ out_trade_no: 'P1', state: 'SUCCESS' })
    expect(sb.orders.get('P1')).toMatchObject({
      state: 'SUCCESS',
      transaction_id: expect.stringMatching(/^4200\d{24}$/),
    })
    await sb.notifications.settled()
    expect(sb.notifications.map((a) => [a.event_type, a.url, a.status, a.ok, a.reply])).toEqual([
      ['TRANSACTION.SUCCESS', notifyUrl, 200, true, '{"code":"SUCCESS","message":"recorded"}'],
    ])
    const [delivery] = (await state(sb)).deliveries
    expect(delivery).toMatchObject({
      subject: 'P1',
      state: 'acknowledged',
      url: notifyUrl,
      attempts: [
        {
          attempt: 1,
          kind: 'delivery',
          status: 200,
          ok: true,
          reply: '{"code":"SUCCESS","message":"recorded"}',
        },
      ],
    })
    // paying twice is refused as sb.orders.pay() refuses it
    expect((await post(sb, 'orders/P1/pay')).status).toBe(400)

    // "deliver again now" on an acknowledged delivery: one more, manual attempt
    expect((await post(sb, `deliveries/${delivery!.id}/redeliver`)).status).toBe(204)
    await sb.notifications.settled()
    expect(sb.notifications.map((a) => [a.attempt, a.manual])).toEqual([
      [1, undefined],
      [2, true],
    ])
    expect((await post(sb, 'deliveries/none/redeliver')).status).toBe(400)
  })

  it('lets a payment fail: PAYERROR, no notification; only an unpaid order can fail', async () => {
    const sb = await sandbox()
    sb.orders.create({ out_trade_no: 'F1', notify_url: await merchantApp() })
    expect((await post(sb, 'orders/F1/fail')).status).toBe(200)
    expect(sb.orders.get('F1')?.state).toBe('PAYERROR')
    expect((await post(sb, 'orders/F1/fail')).status).toBe(400)
    expect((await post(sb, 'orders/F1/pay')).status).toBe(400)
    await sb.notifications.settled()
    expect(sb.notifications).toHaveLength(0)
    expect(() => sb.orders.fail('nope')).toThrow(/does not exist/)
  })

  it('refuses a request from another site and changes nothing', async () => {
    const sb = await sandbox()
    sb.orders.create({ out_trade_no: 'X1' })
    const evil = await post(sb, 'orders/X1/pay', { Origin: 'http://evil.example' })
    expect(evil.status).toBe(403)
    const crossSite = await fetch(new URL('sandbox/faults', sb.url), {
      method: 'POST',
      headers: { 'Sec-Fetch-Site': 'cross-site' },
      body: '{"badSignature":true}',
    })
    expect(crossSite.status).toBe(403)
    expect(sb.orders.get('X1')?.state).toBe('NOTPAY')
    expect(sb.faults.current()).toEqual({})
    // the page's own origin is welcome
    const own = await post(sb, 'orders/X1/pay', { Origin: new URL(sb.url).origin })
    expect(own.status).toBe(200)
  })

  it('renders the code_url of a Native order as an SVG QR code; other orders have none', async () => {
    const sb = await sandbox()
    const reply = await v3(sb, '/v3/pay/transactions/native', {
      appid: sb.merchant.appid,
      mchid: sb.merchant.mchid,
      description: 'QR',
      out_trade_no: 'N1',
      notify_url: 'https://example.com/notify',
      amount: { total: 1 },
    })
    const codeUrl = (reply.json() as { code_url: string }).code_url
    expect((await state(sb)).orders[0]?.placed).toEqual({ code_url: codeUrl })
    const svg = await fetch(api(sb, 'orders/N1/qr.svg'))
    expect(svg.headers.get('content-type')).toBe('image/svg+xml')
    expect(await svg.text()).toMatch(/^<svg [^>]*viewBox="0 0 \d+ \d+"[\s\S]*<path[\s\S]*<\/svg>\s*$/)
    sb.orders.create({ out_trade_no: 'J1' })
    expect((await fetch(api(sb, 'orders/J1/qr.svg'))).status).toBe(404)
  })

  it('rotates the platform certificate in certificate mode; a public-key merchant has none', async () => {
    const sb = await sandbox({ platformMode: 'certificate' })
    const res = await post(sb, 'platform/rotate')
    expect(res.status).toBe(201)
    const { serial } = (await res.json()) as { serial: string }
    expect(sb.platform.certificates().map((c) => c.serial)).toEqual([expect.any(String), serial])
    const certs = (await state(sb)).platform.certificates
    expect(certs.map((c) => [c.serial, c.signing])).toEqual([
      [sb.platform.certificates()[0]!.serial, false],
      [serial, true],
    ])
    const plain = await sandbox()
    expect((await post(plain, 'platform/rotate')).status).toBe(400)
  })

  it('pushes the state as server-sent events, again when something changes', async () => {
    const sb = await sandbox()
    const abort = new AbortController()
    cleanups.push(async () => abort.abort())
    const res = await fetch(api(sb, 'events'), { signal: abort.signal })
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
    let buffer = ''
    const nextEvent = async (): Promise<DashboardState> => {
      for (;;) {
        const end = buffer.indexOf('\n\n')
        if (end >= 0) {
          const event = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          expect(event).toMatch(/^event: state\n/)
          return JSON.parse(event.replace(/^event: state\ndata: /, '')) as DashboardState
        }
        const { value, done } = await reader.read()
        if (done) throw new Error('the stream ended')
        buffer += value
      }
    }
    expect((await nextEvent()).orders).toEqual([])
    sb.orders.create({ out_trade_no: 'S1' })
    expect((await nextEvent()).orders.map((o) => o.out_trade_no)).toEqual(['S1'])
  })
})
