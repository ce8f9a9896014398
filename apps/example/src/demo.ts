// pnpm demo: the whole product, offline, from one command. Starts @wxpay/sandbox, seeds orders and
// recharges, starts the NestJS app and the Hono app (on Node, and inside workerd) on free loopback
// ports, drives every route over HTTP plus the direct-import script, and runs the payment
// lifecycle through each: place an order, a simulated payer pays it (the sandbox notifies the app,
// with a SIGNTEST probe before and a duplicate after), query it, refund part of it (notified
// too). Then issue 19's per-endpoint rules (endpoints.ts) and issue 20's fleet: NestJS and Hono
// twice each behind one Redis or PostgreSQL store (fleet.ts). Prints a table, stops everything, and exits 0 — or 1 if any row is not what it should be
// or the sandbox's state, its delivery log and the apps' records disagree. The demo always uses
// its own embedded sandbox (it seeds state there); `pnpm start` is the one that honours
// WECHATPAY_* for a real integration.
import { Wechatpay } from '@wxpay/core'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import {
  bookProblems,
  type CheckedRow,
  type Expected,
  type ExpectedNotification,
  type JsapiParams,
  notificationRows,
  type Receiver,
} from './agree'
import type { ExampleConfig } from './config'
import {
  measure,
  OPENID,
  placedResult,
  printTable,
  type Row,
  runDirect,
  runDirectLifecycle,
  SUB_MCHID,
  startDirectReceiver,
} from './direct'
import { perEndpoint } from './endpoints'
import { fleet } from './fleet'
import { startHono } from './hono/node'
import { startWorker } from './hono/workerd'
import { startNest } from './nest/main'
import type { NotificationsView } from './notifications'

/** The lifecycle's amounts, fen: an order of 25.00 yuan, 10.00 refunded. */
const TOTAL = 2500
const REFUND = 1000
const REFUND_ROW = `v3 refund (${REFUND} of ${TOTAL} fen)`

/** What the lifecycle rows should show, by endpoint. */
const LIFECYCLE: Record<string, Expected> = {
  'v3 place order (JSAPI)': { status: 200, result: 'prepay_id, paySign verifies' },
  'v3 query order': { status: 200, result: 'SUCCESS' },
  [REFUND_ROW]: { status: 200, result: 'PROCESSING' },
  'v3 query refund': { status: 200, result: 'SUCCESS' },
}

async function call(
  method: 'GET' | 'POST',
  url: string,
  json?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, {
    method,
    ...(json === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) }),
  })
  const text = await res.text()
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }
}

/** A close route's answer as a row result. */
async function close(url: string): Promise<{ status: number; result: string }> {
  const { status, body } = await call('POST', url)
  const result =
    status === 204
      ? 'closed'
      : typeof body.code === 'string'
        ? `error ${body.code}`
        : typeof body.result_code === 'string'
          ? `result_code ${body.result_code}`
          : String(body.recharge_state)
  return { status, result }
}

/** A lifecycle route's answer as a row result: `field` of the reply, or the error code. */
async function lifecycle(
  method: 'GET' | 'POST',
  url: string,
  json: unknown,
  field: string,
): Promise<{ status: number; result: string }> {
  const { status, body } = await call(method, url, json)
  return { status, result: typeof body.code === 'string' ? `error ${body.code}` : String(body[field]) }
}

/**
 * A certificate-mode merchant (issue: merchants that verify WeChat Pay with downloaded platform
 * certificates): a second sandbox in `platformMode: 'certificate'`, clients configured with no
 * WeChat Pay key at all (`autoCertificates: true`, empty `certs`), the direct client and the Worker
 * from a cold start; then the sandbox rotates its certificate mid-run. The Worker meets the new
 * certificate on a notification, the direct client on a reply; each downloads `/v3/certificates`
 * once more and carries on. Every download is counted from the sandbox's request log.
 */
async function certificateMerchant(rows: CheckedRow[], problems: string[]): Promise<void> {
  const sb = await startSandbox({
    platformMode: 'certificate',
    notifyTimeScale: 0.0001,
    notifyTimeoutMs: 5000,
  })
  const options = sb.clientOptions()
  if (Object.keys(options.certs).length || options.autoCertificates !== true)
    problems.push('the certificate merchant was given keys: it must start from none')
  const worker = await startWorker({ options, appid: sb.merchant.appid, sandbox: sb })
  const wxpay = new Wechatpay(options)
  let counted = 0
  /** Downloads of /v3/certificates since the last look. */
  const downloads = () => {
    const total = sb.requests.filter((r) => r.path === '/v3/certificates').length
    const since = total - counted
    counted = total
    return since
  }
  const closed = (n: number) =>
    n === 0 ? 'closed' : n === 1 ? 'closed, certificates downloaded' : `closed, ${n} downloads`
  const fresh = { status: 204, result: 'closed, certificates downloaded' }
  const directClose = (no: string) => async () => {
    sb.orders.create({ out_trade_no: no })
    const { status, headers } = await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
      out_trade_no: no,
      json: { mchid: options.mchid },
    })
    const signer = headers['wechatpay-serial']
    if (signer !== sb.platform.certificates().at(-1)?.serial)
      problems.push(`direct: the reply to closing ${no} was signed by ${signer}, not the newest certificate`)
    return { status, result: closed(downloads()) }
  }
  const workerClose = (no: string) => async () => {
    sb.orders.create({ out_trade_no: no })
    const { status, result } = await close(`${worker.url}orders/${no}/close`)
    return { status, result: status === 204 ? closed(downloads()) : result }
  }
  try {
    const cold = 'v3 close order (cert merchant, cold start)'
    const later = 'v3 close order (cert merchant, rotated)'
    rows.push({ ...(await measure('direct', cold, 'property chain', directClose('CERT1'))), expected: fresh })
    rows.push({ ...(await measure('Hono (workerd)', cold, "['…']", workerClose('CERT2'))), expected: fresh })
    const rotated = await sb.platform.rotate()
    // the first thing the Worker sees signed by the new certificate: a payment notification
    sb.orders.create({ out_trade_no: 'CERTPAY', amount: TOTAL, notify_url: `${worker.url}wechatpay/notify` })
    await sb.orders.pay('CERTPAY', { openid: OPENID })
    await sb.notifications.settled()
    const order = sb.orders.get('CERTPAY')
    const view = (await (await fetch(`${worker.url}notifications`)).json()) as NotificationsView
    const receiver = {
      integration: 'Hono (workerd)',
      style: 'wechatpayNotification()',
      url: `${worker.url}wechatpay/notify`,
      view,
    }
    const checked = notificationRows(sb.notifications, receiver, {
      event_type: 'TRANSACTION.SUCCESS',
      subject: 'CERTPAY',
      state: 'SUCCESS',
      amount: order?.amount ?? -1,
      transaction_id: order?.transaction_id ?? '?',
      faulted: false,
    })
    rows.push(...checked.rows.map((r) => ({ ...r, endpoint: `${r.endpoint} (cert merchant, rotated)` })))
    problems.push(...checked.problems, ...bookProblems(sb.notifications, receiver))
    const refreshed = downloads()
    if (refreshed !== 1)
      problems.push(
        `the Worker downloaded certificates ${refreshed} times on meeting ${rotated.serial}; expected once`,
      )
    rows.push({
      ...(await measure('direct', later, 'property chain', directClose('CERT3'))),
      expected: fresh,
    })
    // the Worker has the new certificate already (from the notification): nothing to download
    const known = { status: 204, result: 'closed' }
    rows.push({ ...(await measure('Hono (workerd)', later, "['…']", workerClose('CERT4'))), expected: known })
    for (const no of ['CERT1', 'CERT2', 'CERT3', 'CERT4'])
      if (sb.orders.get(no)?.state !== 'CLOSED')
        problems.push(`order ${no} is not CLOSED in the certificate sandbox`)
  } finally {
    await worker.close()
    await sb.close()
  }
}

/**
 * Beyond JSON, with `@wxpay/core` alone: an image uploaded (multipart, only `meta` signed; the
 * sandbox keeps the bytes it parsed), today's trade bill downloaded and checked against its SHA-1
 * digest (and refused once the sandbox corrupts a byte: its `corruptDownload` fault), and an APIv2
 * refund over mutual TLS (the sandbox's HTTPS listener requires a client certificate from its test
 * CA; the client presents the PEM pair).
 */
async function beyondJson(sandbox: Sandbox, rows: CheckedRow[], problems: string[]): Promise<void> {
  const options = sandbox.clientOptions()
  const wxpay = new Wechatpay({ ...options, backupBaseUrl: false })
  const image = new Uint8Array(2048).map((_, i) => (i * 37) & 0xff)
  rows.push({
    ...(await measure('direct', 'v3 media upload (image)', 'property chain', async () => {
      const { status, data } = await wxpay.v3.merchant.media.upload.post({
        media: { filename: 'receipt.png', data: image },
      })
      const { media_id } = data as { media_id: string }
      const kept = sandbox.uploads.find((u) => u.media_id === media_id)
      const same = kept !== undefined && Buffer.compare(kept.data, Buffer.from(image)) === 0
      return { status, result: same ? 'media_id; the sandbox has the same bytes' : 'bytes differ' }
    })),
    expected: { status: 200, result: 'media_id; the sandbox has the same bytes' },
  })
  // bill dates are China Standard Time days
  const billDate = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
  const bill = async () => {
    const { data } = await wxpay.v3.bill.tradebill.get({ query: { bill_date: billDate } })
    return data as { download_url: string; hash_type: string; hash_value: string }
  }
  rows.push({
    ...(await measure('direct', 'v3 trade bill, downloaded', 'download()', async () => {
      const { download_url, hash_type, hash_value } = await bill()
      const bytes = await wxpay.download(download_url, { hash_type, hash_value })
      const csv = new TextDecoder().decode(bytes)
      // the lifecycle's direct order was paid today: the bill lists it (WeChat prefixes ids with `)
      return {
        status: 200,
        result: csv.includes('`DLC,') ? `${hash_type} verified, lists DLC` : 'DLC missing',
      }
    })),
    expected: { status: 200, result: 'SHA1 verified, lists DLC' },
  })
  rows.push({
    ...(await measure('direct', 'v3 trade bill, one byte corrupted', 'download()', async () => {
      const { download_url, hash_type, hash_value } = await bill()
      await sandbox.faults.set({ corruptDownload: true })
      try {
        await wxpay.download(download_url, { hash_type, hash_value })
        return { status: 200, result: 'accepted' }
      } catch (err) {
        return { status: 200, result: `refused ${(err as { code?: string }).code}` }
      } finally {
        await sandbox.faults.set({ corruptDownload: null })
      }
    })),
    expected: { status: 200, result: 'refused DIGEST_MISMATCH' },
  })
  const mtls = sandbox.mtls
  if (!mtls) {
    problems.push('the sandbox has no mutual TLS listener')
    return
  }
  sandbox.orders.create({ out_trade_no: 'DMTLS', amount: 800 })
  const { transaction_id = '' } = await sandbox.orders.pay('DMTLS')
  const tls = new Wechatpay({
    ...options,
    baseUrl: mtls.url,
    backupBaseUrl: false,
    clientCert: { ...mtls.clientCert, ca: mtls.ca },
  })
  rows.push({
    ...(await measure('direct', 'v2 refund over mutual TLS', 'property chain', async () => {
      const { status, data } = await tls.v2.secapi.pay.refund.post({
        xml: {
          appid: sandbox.merchant.appid,
          mch_id: sandbox.merchant.mchid,
          transaction_id,
          out_trade_no: 'DMTLS',
          out_refund_no: 'DMTLSRF',
          total_fee: '800',
          refund_fee: '300',
        },
      })
      return { status, result: `result_code ${data.result_code}` }
    })),
    expected: { status: 200, result: 'result_code SUCCESS' },
  })
  const refunds = sandbox.refunds.list('DMTLS')
  if (refunds.length !== 1 || refunds[0]?.refund !== 300 || refunds[0]?.protocol !== 'v2')
    problems.push(`order DMTLS: the sandbox has ${JSON.stringify(refunds)}; expected one 300-fen v2 refund`)
  if (!sandbox.requests.some((r) => r.listener === 'mtls'))
    problems.push('the v2 refund did not reach the mutual TLS listener')
}

/** A progress line on stderr (the table goes to stdout): the first seconds would look idle otherwise. */
function step(text: string): void {
  process.stderr.write(`demo: ${text}…\n`)
}

async function main(): Promise<number> {
  const started = performance.now()
  step('starting the sandbox (with its mutual TLS listener)')
  // Retries scaled 10,000× down (the whole 24 h schedule in 9 s, should an app fail to acknowledge);
  // the apps keep 5 real seconds to answer each delivery.
  // `mtls: true`: an HTTPS listener that requires a client certificate, for the v2 refund
  const sandbox = await startSandbox({ notifyTimeScale: 0.0001, notifyTimeoutMs: 5000, mtls: true })
  const config: ExampleConfig = { options: sandbox.clientOptions(), appid: sandbox.merchant.appid, sandbox }
  const { privateKey } = sandbox.merchant
  // Nest's logger would warn about the refused SIGNTEST probe; the table shows the refusal instead
  step('starting the NestJS app')
  const nest = await startNest(config, 0, ['error'])
  step('starting the Hono app on Node')
  const hono = await startHono(config)
  step('bundling the Hono Worker (esbuild) and starting it in workerd')
  const worker = await startWorker(config)
  const direct = await startDirectReceiver(config.options)
  step('calling every route, then the payment lifecycle through each integration')
  const rows: CheckedRow[] = []
  const problems: string[] = []
  const receivers: Array<Receiver & { base: string }> = []

  /** The notification rows of one event at an app, checked against the sandbox's state. */
  const notified = async (
    r: { integration: string; style: string; base: string },
    expected: ExpectedNotification,
  ) => {
    const view = (await (await fetch(`${r.base}notifications`)).json()) as NotificationsView
    const receiver = { ...r, url: `${r.base}wechatpay/notify`, view }
    const checked = notificationRows(sandbox.notifications, receiver, expected)
    rows.push(...checked.rows)
    problems.push(...checked.problems)
  }
  /** A simulated payer pays; the app's notify route gets a probe, the notification and a duplicate. */
  const payAndCheck = async (r: { integration: string; style: string; base: string }, no: string) => {
    await sandbox.faults.set({ notifyProbe: true, notifyDuplicate: true })
    await sandbox.orders.pay(no, { openid: OPENID })
    await sandbox.notifications.settled()
    await sandbox.faults.set({ notifyProbe: null, notifyDuplicate: null })
    const order = sandbox.orders.get(no)
    await notified(r, {
      event_type: 'TRANSACTION.SUCCESS',
      subject: no,
      state: 'SUCCESS',
      amount: order?.amount ?? -1,
      transaction_id: order?.transaction_id ?? '?',
      faulted: true,
    })
  }
  /** The refund succeeds (the sandbox's autoRefund); REFUND.SUCCESS reaches the app once. */
  const refundedAndCheck = async (r: { integration: string; style: string; base: string }, no: string) => {
    await sandbox.notifications.settled()
    const refund = sandbox.refunds.get(no)
    await notified(r, {
      event_type: 'REFUND.SUCCESS',
      subject: no,
      state: 'SUCCESS',
      amount: refund?.refund ?? -1,
      transaction_id: refund?.transaction_id ?? '?',
      faulted: false,
    })
  }

  try {
    const apps = [
      [
        'NestJS',
        nest.url.endsWith('/') ? nest.url : `${nest.url}/`,
        ['property chain', 'chain()', "['…']"],
        '@WechatpayEvent()',
        'N',
      ],
      ['Hono (Node)', hono.url, ["['…']", 'property chain', 'chain()'], 'wechatpayNotification()', 'H'],
      ['Hono (workerd)', worker.url, ["['…']", 'property chain', 'chain()'], 'wechatpayNotification()', 'W'],
    ] as const
    for (const [integration, base, styles, style, tag] of apps) {
      const order = sandbox.orders.create({ out_trade_no: `${tag}V3` }).out_trade_no
      const v2order = sandbox.orders.create({ out_trade_no: `${tag}V2` }).out_trade_no
      const paid = sandbox.orders.create({ out_trade_no: `${tag}PAID`, state: 'SUCCESS' }).out_trade_no
      const recharge = sandbox.recharges.create({
        out_recharge_no: `${tag}CZ`,
        sub_mchid: SUB_MCHID,
      }).out_recharge_no
      const calls: Array<[string, string, string, Expected]> = [
        ['v3 close order', styles[0], `orders/${order}/close`, { status: 204, result: 'closed' }],
        [
          'v2 close order (HMAC-SHA256)',
          styles[1],
          `v2/orders/${v2order}/close`,
          { status: 200, result: 'result_code SUCCESS' },
        ],
        [
          'v3 close recharge',
          styles[2],
          `recharges/${recharge}/close?sub_mchid=${SUB_MCHID}`,
          { status: 200, result: 'CLOSED' },
        ],
        [
          'v3 close order (paid)',
          styles[0],
          `orders/${paid}/close`,
          { status: 502, result: 'error ORDER_PAID' },
        ],
      ]
      for (const [endpoint, callStyle, path, expected] of calls) {
        rows.push({
          ...(await measure(integration, endpoint, callStyle, () => close(base + path))),
          expected,
        })
      }

      // The lifecycle: the app places the order with its own notify route as notify_url.
      const app = { integration, style, base }
      receivers.push({ ...app, url: `${base}wechatpay/notify`, view: { deliveries: 0, records: [] } })
      const no = `${tag}LC`
      const refundNo = `${tag}RF`
      const step = async (
        endpoint: string,
        callStyle: string,
        run: () => Promise<{ status: number; result: string }>,
      ) =>
        rows.push({
          ...(await measure(integration, endpoint, callStyle, run)),
          expected: LIFECYCLE[endpoint]!,
        })
      await step('v3 place order (JSAPI)', styles[0], async () => {
        const placed = { out_trade_no: no, total: TOTAL, description: 'wxpay demo', openid: OPENID }
        const { status, body } = await call('POST', `${base}orders`, placed)
        if (typeof body.code === 'string') return { status, result: `error ${body.code}` }
        const pay = body.pay as JsapiParams
        return { status, result: placedResult(pay, String(body.prepay_id), config.appid, privateKey) }
      })
      await payAndCheck(app, no)
      await step('v3 query order', styles[1], () =>
        lifecycle('GET', `${base}orders/${no}`, undefined, 'trade_state'),
      )
      await step(REFUND_ROW, styles[2], () =>
        lifecycle(
          'POST',
          `${base}orders/${no}/refunds`,
          { out_refund_no: refundNo, refund: REFUND, total: TOTAL },
          'status',
        ),
      )
      await refundedAndCheck(app, refundNo)
    }

    const orders = Array.from(
      { length: 6 },
      (_, i) => sandbox.orders.create({ out_trade_no: `DIRECT${i + 1}` }).out_trade_no,
    )
    const recharges = Array.from(
      { length: 3 },
      (_, i) =>
        sandbox.recharges.create({ out_recharge_no: `DIRECTCZ${i + 1}`, sub_mchid: SUB_MCHID })
          .out_recharge_no,
    )
    for (const row of await runDirect(config.options, config.appid, { orders, recharges })) {
      const expected = row.endpoint.startsWith('v3 close order')
        ? { status: 204, result: 'closed' }
        : row.endpoint.startsWith('v2')
          ? { status: 200, result: 'result_code SUCCESS' }
          : { status: 200, result: 'CLOSED' }
      rows.push({ ...row, expected })
    }
    // The direct lifecycle; its notify_url is a node:http receiver using notifications.parse().
    const directApp = { integration: 'direct', style: 'notifications.parse()', base: direct.url }
    receivers.push({
      ...directApp,
      url: `${direct.url}wechatpay/notify`,
      view: { deliveries: 0, records: [] },
    })
    await runDirectLifecycle(
      config.options,
      config.appid,
      {
        out_trade_no: 'DLC',
        out_refund_no: 'DRF',
        notify_url: `${direct.url}wechatpay/notify`,
        total: TOTAL,
        refund: REFUND,
      },
      {
        pay: () => payAndCheck(directApp, 'DLC'),
        settle: () => refundedAndCheck(directApp, 'DRF'),
        emit: (row: Row) => {
          rows.push({ ...row, expected: LIFECYCLE[row.endpoint] ?? { status: 0, result: 'unknown row' } })
        },
      },
    )

    await beyondJson(sandbox, rows, problems)
    await perEndpoint(sandbox, rows, problems)
    await certificateMerchant(rows, problems)
    await fleet(rows, problems)

    // Each app's records as a whole against the sandbox's delivery log.
    for (const r of receivers) {
      const view = (await (await fetch(`${r.base}notifications`)).json()) as NotificationsView
      problems.push(...bookProblems(sandbox.notifications, { ...r, view }))
    }

    // The gateway's own state must agree with what the clients were told.
    const tags = ['N', 'H', 'W']
    const unclosed = [...orders, ...tags.flatMap((t) => [`${t}V3`, `${t}V2`])].filter(
      (no) => sandbox.orders.get(no)?.state !== 'CLOSED',
    )
    const unclosedRecharges = [...recharges, ...tags.map((t) => `${t}CZ`)].filter(
      (no) => sandbox.recharges.get(no)?.state !== 'CLOSED',
    )
    const stillPaid = tags.filter((t) => sandbox.orders.get(`${t}PAID`)?.state === 'SUCCESS')
    const lifecycleProblems = [...tags, 'D'].flatMap((t) => {
      const order = sandbox.orders.get(`${t}LC`)
      const refunds = sandbox.refunds.list(`${t}LC`)
      const refund = refunds[0]
      if (order?.state !== 'REFUND') return [`order ${t}LC is ${order?.state} in the sandbox, not REFUND`]
      if (
        refunds.length !== 1 ||
        refund?.status !== 'SUCCESS' ||
        refund.refund !== REFUND ||
        refund.total !== TOTAL
      )
        return [
          `order ${t}LC: the sandbox has ${JSON.stringify(refunds)}; expected one ${REFUND}-fen refund, SUCCESS`,
        ]
      return []
    })

    const wrong = rows.filter((r) => r.status !== r.expected.status || r.result !== r.expected.result)
    const marked = rows.map((r) =>
      wrong.includes(r)
        ? { ...r, result: `${r.result} ✗ expected ${r.expected.status} ${r.expected.result}` }
        : r,
    )
    console.log(printTable(marked))
    const fleetRows = rows.filter((r) => r.integration.startsWith('fleet'))
    const single = rows.filter((r) => !fleetRows.includes(r))
    const deliveries = single.filter((r) => /^(TRANSACTION|REFUND)\./.test(r.endpoint)).length
    console.log(
      `\n${single.length - deliveries} calls through 4 integrations and ${deliveries} notification deliveries, ` +
        `against @wxpay/sandbox (a public-key merchant at ${sandbox.url}, then a certificate merchant on a ` +
        `second sandbox, rotated mid-run); the "(paid)" rows are the expected failure: closing a paid order → ` +
        `502 with WeChat Pay's code; the SIGNTEST probes are refused with 401. The ${fleetRows.length} fleet ` +
        `rows: NestJS ×2 and Hono (Node) ×2 sharing one store (${fleetRows[0]?.integration.slice(7, -1)}) ` +
        `against a third sandbox in certificate mode, each notification delivered twice through a ` +
        `round-robin balancer.`,
    )
    problems.unshift(
      ...wrong.map((r) => `${r.integration} ${r.endpoint}: got ${r.status} ${r.result}`),
      ...unclosed.map((no) => `order ${no} is not CLOSED in the sandbox`),
      ...unclosedRecharges.map((no) => `recharge ${no} is not CLOSED in the sandbox`),
      ...(stillPaid.length === tags.length ? [] : ['a paid order changed state']),
      ...lifecycleProblems,
    )
    if (problems.length) {
      console.error(`\nDEMO FAILED:\n${problems.join('\n')}`)
      return 1
    }
    console.log(
      `every row as expected; sandbox state agrees, and so do the apps' records and its delivery log (${((performance.now() - started) / 1000).toFixed(1)} s)`,
    )
    return 0
  } finally {
    await nest.app.close()
    await hono.close()
    await worker.close()
    await direct.close()
    await sandbox.close()
  }
}

process.exitCode = await main()
