// pnpm demo: the whole product, offline, from one command. Starts @wxpay/sandbox, seeds orders and
// recharges, starts the NestJS app and the Hono app on free loopback ports, drives every route
// over HTTP plus the direct-import script, has a simulated payer pay one order per app (the
// sandbox notifies the app, with a SIGNTEST probe before and a duplicate after), prints a table,
// stops everything, and exits 0 — or 1 if any row is not what it should be or the sandbox and the
// apps disagree. The demo always uses its own embedded sandbox (it seeds state there);
// `pnpm start` is the one that honours WECHATPAY_* for a real integration.
import { startSandbox } from '@wxpay/sandbox'
import { type CheckedRow, type Expected, notificationRows } from './agree'
import type { ExampleConfig } from './config'
import { measure, printTable, runDirect, SUB_MCHID } from './direct'
import { startHono } from './hono/node'
import { startWorker } from './hono/workerd'
import { startNest } from './nest/main'
import type { NotificationsView } from './notifications'

async function post(url: string): Promise<{ status: number; result: string }> {
  const res = await fetch(url, { method: 'POST' })
  const text = await res.text()
  const body = text ? (JSON.parse(text) as Record<string, unknown>) : {}
  const result =
    res.status === 204
      ? 'closed'
      : typeof body.code === 'string'
        ? `error ${body.code}`
        : typeof body.result_code === 'string'
          ? `result_code ${body.result_code}`
          : String(body.recharge_state)
  return { status: res.status, result }
}

async function main(): Promise<number> {
  const started = performance.now()
  // Retries scaled 10,000× down (the whole 24 h schedule in 9 s, should an app fail to acknowledge);
  // the apps keep 5 real seconds to answer each delivery.
  const sandbox = await startSandbox({ notifyTimeScale: 0.0001, notifyTimeoutMs: 5000 })
  const config: ExampleConfig = { options: sandbox.clientOptions(), appid: sandbox.merchant.appid, sandbox }
  // Nest's logger would warn about the refused SIGNTEST probe; the table shows the refusal instead
  const nest = await startNest(config, 0, ['error'])
  const hono = await startHono(config)
  const worker = await startWorker(config)
  const rows: CheckedRow[] = []
  const problems: string[] = []
  try {
    for (const [integration, base, styles] of [
      ['NestJS', nest.url.endsWith('/') ? nest.url : `${nest.url}/`, ['property chain', 'chain()', "['…']"]],
      ['Hono (Node)', hono.url, ["['…']", 'property chain', 'chain()']],
      ['Hono (workerd)', worker.url, ["['…']", 'property chain', 'chain()']],
    ] as const) {
      const tag = integration === 'Hono (workerd)' ? 'W' : integration.slice(0, 1)
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
      for (const [endpoint, style, path, expected] of calls) {
        rows.push({ ...(await measure(integration, endpoint, style, () => post(base + path))), expected })
      }
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
    // A simulated payer pays one order per app; the sandbox notifies the app at the order's
    // notify_url: a WECHATPAY/SIGNTEST/ probe first (refused), then the notification (recorded),
    // then the same notification once more (recorded already: nothing changes).
    await sandbox.faults.set({ notifyProbe: true, notifyDuplicate: true })
    const receivers = [
      ['NestJS', nest.url.endsWith('/') ? nest.url : `${nest.url}/`, '@WechatpayEvent()', 'N'],
      ['Hono (Node)', hono.url, 'wechatpayNotification()', 'H'],
      ['Hono (workerd)', worker.url, 'wechatpayNotification()', 'W'],
    ] as const
    for (const [, base, , tag] of receivers) {
      sandbox.orders.create({
        out_trade_no: `${tag}PAY`,
        amount: 2500,
        notify_url: `${base}wechatpay/notify`,
      })
      await sandbox.orders.pay(`${tag}PAY`)
    }
    await sandbox.notifications.settled()
    await sandbox.faults.set({ notifyProbe: null, notifyDuplicate: null })
    for (const [integration, base, style, tag] of receivers) {
      const view = (await (await fetch(`${base}notifications`)).json()) as NotificationsView
      const order = sandbox.orders.get(`${tag}PAY`)
      if (!order) throw new Error(`order ${tag}PAY vanished from the sandbox`)
      const url = `${base}wechatpay/notify`
      const checked = notificationRows(sandbox.notifications, { integration, style, url, view, order })
      rows.push(...checked.rows)
      problems.push(...checked.problems)
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

    const wrong = rows.filter((r) => r.status !== r.expected.status || r.result !== r.expected.result)
    const marked = rows.map((r) =>
      wrong.includes(r)
        ? { ...r, result: `${r.result} ✗ expected ${r.expected.status} ${r.expected.result}` }
        : r,
    )
    console.log(printTable(marked))
    const deliveries = sandbox.notifications.length
    console.log(
      `\n${rows.length - deliveries} calls through 4 integrations and ${deliveries} notification deliveries ` +
        `to 3 apps, against @wxpay/sandbox at ${sandbox.url}; the "(paid)" rows are the expected failure: ` +
        `closing a paid order → 502 with WeChat Pay's code; the probe is refused with 401.`,
    )
    problems.unshift(
      ...wrong.map((r) => `${r.integration} ${r.endpoint}: got ${r.status} ${r.result}`),
      ...unclosed.map((no) => `order ${no} is not CLOSED in the sandbox`),
      ...unclosedRecharges.map((no) => `recharge ${no} is not CLOSED in the sandbox`),
      ...(stillPaid.length === tags.length ? [] : ['a paid order changed state']),
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
    await sandbox.close()
  }
}

process.exitCode = await main()
