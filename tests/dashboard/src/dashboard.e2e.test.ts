// End-to-end: the sandbox's dashboard in a real browser (Debian's chromium, driven by
// playwright-core, which never downloads one). Orders are placed through @wxpay/core; the
// merchant's notify_url is a real HTTP server on loopback that verifies each notification with
// @wxpay/core and answers. The QR code on the cashier page is read back with zbarimg (an
// independent decoder, on purpose). Any console error, page error or request to another host
// fails the test. With WXPAY_SCREENSHOTS=1 it writes the README's screenshots.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Wechatpay } from '@wxpay/core'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const CHROMIUM = '/usr/bin/chromium'
const haveChromium = existsSync(CHROMIUM)
const haveZbar = (() => {
  try {
    execFileSync('zbarimg', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()
if (!haveChromium || !haveZbar) {
  const missing = [
    haveChromium ? '' : `${CHROMIUM} (apt-get install -y chromium)`,
    haveZbar ? '' : 'zbarimg (apt-get install -y zbar-tools)',
  ]
    .filter(Boolean)
    .join(' and ')
  // under CI the browser test must run: a missing binary fails it (.ci/run installs both)
  if (process.env.CI) throw new Error(`the dashboard browser test needs ${missing}`)
  console.warn(`\n*** SKIPPING the dashboard browser test: ${missing} not found ***\n`)
}
const SCREENSHOTS = process.env.WXPAY_SCREENSHOTS === '1'
const DOCS = fileURLToPath(new URL('../../../packages/sandbox/docs/', import.meta.url))

let sb: Sandbox
let wxpay: Wechatpay
let app: Server
let notifyUrl: string
let context: BrowserContext
let page: Page
let profile: string
/** What the merchant app received, verified and decrypted by @wxpay/core. */
const verified: Array<{ event_type: string; out_trade_no?: string }> = []
/** Console errors, page errors, requests to another host. */
const problems: string[] = []

/** The merchant's app: verifies with @wxpay/core; its very first answer is a 500, then 200s. */
function merchantApp(): Server {
  let seen = 0
  return createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const first = seen++ === 0
      wxpay.notifications
        .parse({ headers: req.headers as IncomingHttpHeaders, body: Buffer.concat(chunks) })
        .then((event) => {
          const resource = event.resource as { out_trade_no?: string }
          verified.push({
            event_type: event.event_type,
            ...(resource.out_trade_no ? { out_trade_no: resource.out_trade_no } : {}),
          })
          if (first) {
            res.writeHead(500, { 'Content-Type': 'application/json' })
            res.end('{"code":"FAIL","message":"database busy, try again"}')
          } else {
            res.writeHead(200, { 'Content-Type': 'application/json' })
            res.end('{"code":"SUCCESS","message":"成功"}')
          }
        })
        .catch((err: unknown) => {
          res.writeHead(401, { 'Content-Type': 'application/json' })
          res.end(JSON.stringify({ code: 'FAIL', message: String(err) }))
        })
    })
  })
}

async function placeNative(no: string, total: number, description: string): Promise<string> {
  const { data } = await wxpay.v3.pay.transactions.native.post({
    json: {
      appid: sb.merchant.appid,
      mchid: sb.merchant.mchid,
      description,
      out_trade_no: no,
      notify_url: notifyUrl,
      amount: { total },
    },
  })
  return (data as { code_url: string }).code_url
}

async function placeJsapi(no: string, total: number, description: string): Promise<void> {
  await wxpay.v3.pay.transactions.jsapi.post({
    json: {
      appid: sb.merchant.appid,
      mchid: sb.merchant.mchid,
      description,
      out_trade_no: no,
      notify_url: notifyUrl,
      amount: { total },
      payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
    },
  })
}

/** Presses Tab until the element with `id` has the focus (the keyboard alone reaches it). */
async function tabTo(id: string): Promise<void> {
  for (let i = 0; i < 80; i++) {
    if ((await page.evaluate(() => document.activeElement?.id)) === id) return
    await page.keyboard.press('Tab')
  }
  throw new Error(`Tab never reached #${id}`)
}

async function shot(name: string): Promise<void> {
  if (!SCREENSHOTS) return
  await mkdir(DOCS, { recursive: true })
  await page.screenshot({ path: join(DOCS, name), fullPage: true })
}

/** Nothing sticks out sideways: the page is readable at this width without scrolling across. */
async function fitsWidth(): Promise<void> {
  const wide = await page.evaluate(() => {
    const width = document.documentElement.clientWidth
    return [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > width + 0.5)
      .map(
        (e) =>
          `${e.tagName.toLowerCase()}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().right)}px`,
      )
  })
  expect(wide).toEqual([])
  const [scroll, client] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    document.documentElement.clientWidth,
  ])
  expect(scroll).toBeLessThanOrEqual(client!)
}

describe.skipIf(!haveChromium || !haveZbar)('the sandbox dashboard in Chromium', () => {
  beforeAll(async () => {
    // certificate mode: platform certificates served by /v3/certificates, which can be rotated
    sb = await startSandbox({ platformMode: 'certificate' })
    wxpay = new Wechatpay({ ...sb.clientOptions(), backupBaseUrl: false })
    app = merchantApp()
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve))
    notifyUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/wxpay/notify`
    profile = await mkdtemp(join(tmpdir(), 'wxpay-chromium-'))
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 800 },
    })
    page = context.pages()[0] ?? (await context.newPage())
    const origin = new URL(sb.url).origin
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`)
    })
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
    context.on('request', (r) => {
      const url = new URL(r.url())
      if (url.protocol !== 'data:' && url.origin !== origin)
        problems.push(`request to another host: ${r.url()}`)
    })
  })

  afterAll(async () => {
    // the browser first: its event stream must not outlive the sandbox (a reconnect would log errors)
    await context?.close()
    await sb?.close()
    await new Promise<void>((resolve) => (app ? app.close(() => resolve()) : resolve()))
    if (profile) await rm(profile, { recursive: true, force: true })
  })

  it('shows orders live, pays one from the cashier by keyboard, shows the app answering, rotates the certificate', async () => {
    await page.goto(sb.url)
    await expect.poll(() => page.textContent('#connection')).toMatch(/^Live/)

    // orders placed through @wxpay/core appear without a reload
    await placeJsapi('JS-1', 1800, 'Tea, 100 g')
    await wxpay.v3.pay.transactions.h5.post({
      json: {
        appid: sb.merchant.appid,
        mchid: sb.merchant.mchid,
        description: 'Mug',
        out_trade_no: 'H5-1',
        notify_url: notifyUrl,
        amount: { total: 999 },
        scene_info: { payer_client_ip: '127.0.0.1', h5_info: { type: 'Wap' } },
      },
    })
    await wxpay.v3.pay.transactions.app.post({
      json: {
        appid: sb.merchant.appid,
        mchid: sb.merchant.mchid,
        description: 'Grinder',
        out_trade_no: 'APP-1',
        notify_url: notifyUrl,
        amount: { total: 4200 },
      },
    })
    const codeUrl = await placeNative('NAT-1', 2500, 'Coffee beans, 250 g')
    await page.waitForSelector('#order-NAT-1')
    expect(await page.locator('#orders tbody tr').count()).toBe(4)
    expect(await page.locator('#orders tbody tr', { hasText: 'NAT-1' }).textContent()).toContain('订单未支付')

    // the cashier, reached and used with the keyboard alone
    await tabTo('order-NAT-1')
    await page.keyboard.press('Enter')
    await page.waitForSelector('#pay')
    expect(page.url()).toMatch(/#\/order\/NAT-1$/)
    // the QR code on the page decodes (zbarimg, not the library that drew it) to the order's code_url
    const png = join(profile, 'qr.png')
    await writeFile(png, await page.locator('figure img').screenshot())
    expect(execFileSync('zbarimg', ['--raw', '-q', png], { encoding: 'utf8' }).trim()).toBe(codeUrl)
    await tabTo('pay')
    await page.keyboard.press('Enter')

    // paid as sb.orders.pay() pays: state, notification; the app's 500 and the retry ahead are shown
    await expect.poll(() => sb.orders.get('NAT-1')?.state).toBe('SUCCESS')
    const first = page.locator('article.delivery')
    await first.getByText('database busy, try again').waitFor()
    expect(await first.textContent()).toMatch(
      /Next: attempt 2 at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d; then after 15 s, 30 s, 3 min, 10 min, 20 min, 30 min, 30 min, 30 min, 1 h, 3 h, 3 h, 3 h, 6 h, 6 h\./,
    )
    expect(await page.textContent('#message')).toContain('Paid: NAT-1 is SUCCESS')
    expect(verified).toEqual([{ event_type: 'TRANSACTION.SUCCESS', out_trade_no: 'NAT-1' }])

    // "deliver again now", by keyboard (Space on the button): attempt 2 is acknowledged
    const id = sb.notifications[0]!.id
    await tabTo(`redeliver-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`)
    await page.keyboard.press('Space')
    await first.getByText('{"code":"SUCCESS","message":"成功"}').waitFor()
    expect(sb.notifications.map((a) => [a.attempt, a.status, a.ok])).toEqual([
      [1, 500, false],
      [2, 200, true],
    ])
    expect(await first.locator('tbody tr').count()).toBe(2)
    await shot('dashboard-cashier.png')

    // another order's payment fails from its cashier: PAYERROR, no notification
    await page.goto(`${sb.url}#/order/JS-1`)
    await page.click('#fail')
    await expect.poll(() => sb.orders.get('JS-1')?.state).toBe('PAYERROR')
    await page.getByText('支付失败').first().waitFor()

    // the buyer walks away from a third: back to the list, the order stays NOTPAY
    await page.goto(`${sb.url}#/order/H5-1`)
    await page.waitForSelector('#leave')
    await tabTo('leave')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.url()).toMatch(/#\/orders$/)
    expect(await page.textContent('#message')).toBe('The buyer left the cashier: H5-1 stays unpaid.')
    expect(sb.orders.get('H5-1')?.state).toBe('NOTPAY')

    // a refund through @wxpay/core shows up with its notification; the state filter
    await wxpay.chain('v3/refund/domestic/refunds').post({
      json: {
        out_trade_no: 'NAT-1',
        out_refund_no: 'NAT-1-R1',
        notify_url: notifyUrl,
        amount: { refund: 1000, total: 2500, currency: 'CNY' },
      },
    })
    await page.goto(`${sb.url}#/orders`)
    await page.waitForSelector('#refunds')
    await page.locator('#refunds').getByText('SUCCESS').waitFor()
    await page.selectOption('#state-filter', 'PAYERROR')
    expect(await page.locator('#orders tbody tr').allTextContents()).toEqual([
      expect.stringContaining('JS-1'),
    ])
    await page.selectOption('#state-filter', '')
    expect(await page.locator('#orders tbody tr').count()).toBe(4)
    await shot('dashboard-orders.png')

    // the duplicate fault as a toggle, by keyboard; then a payment gets a duplicate delivery
    await page.goto(`${sb.url}#/notifications`)
    await page.waitForSelector('#fault-notifyDuplicate')
    await tabTo('fault-notifyDuplicate')
    await page.keyboard.press('Space')
    await expect.poll(() => sb.faults.current()).toEqual({ notifyDuplicate: { value: true } })
    await sb.orders.pay('APP-1')
    await sb.notifications.settled()
    await page.locator('article.delivery', { hasText: 'APP-1' }).getByText('duplicate').waitFor()
    await page.locator('article.delivery', { hasText: 'REFUND.SUCCESS' }).waitFor()
    await shot('dashboard-notifications.png')
    await tabTo('fault-notifyDuplicate')
    await page.keyboard.press('Space')
    await expect.poll(() => sb.faults.current()).toEqual({})

    // credentials masked until asked; the certificate rotated from the page
    await page.goto(`${sb.url}#/merchant`)
    await page.waitForSelector('#env')
    await expect.poll(() => page.textContent('#env')).toContain('WECHATPAY_APIV3_KEY=••••••••')
    expect(await page.textContent('#env')).not.toContain(sb.merchant.apiv3Key)
    await page.click('#reveal')
    await expect.poll(() => page.textContent('#env')).toContain(`WECHATPAY_APIV3_KEY=${sb.merchant.apiv3Key}`)
    await page.click('#reveal')
    await expect.poll(() => page.textContent('#env')).toContain('WECHATPAY_APIV3_KEY=••••••••')
    const before = sb.platform.certificates().map((c) => c.serial)
    await tabTo('rotate')
    await page.keyboard.press('Enter')
    await expect.poll(() => sb.platform.certificates().length).toBe(2)
    const rotated = sb.platform.certificates()[1]!.serial
    expect(before).not.toContain(rotated)
    await page.locator('#certificates').getByText(rotated).waitFor()
    // the client follows the rotation: the reply to the next order is signed with the new certificate
    await placeJsapi('JS-2', 500, 'Biscuits')
    await page.getByText('Signs with').waitFor()
    await shot('dashboard-merchant.png')

    // readable at 320 px: no view sticks out sideways
    await page.setViewportSize({ width: 320, height: 720 })
    for (const hash of ['#/orders', '#/order/NAT-1', '#/notifications', '#/merchant']) {
      await page.goto(`${sb.url}${hash}`)
      await page.waitForSelector('main h2')
      await fitsWidth()
    }
    await page.goto(`${sb.url}#/order/H5-1`)
    await page.waitForSelector('#pay')
    await shot('dashboard-cashier-320.png')

    expect(problems).toEqual([])
  })
})
