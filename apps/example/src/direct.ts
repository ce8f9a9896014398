// Direct import: @wxpay/core alone, the three endpoints in all three call styles.
// `pnpm --filter @wxpay/example direct` runs it on its own (against the embedded sandbox unless
// WECHATPAY_* is set; with real credentials, set DIRECT_OUT_TRADE_NOS / DIRECT_OUT_RECHARGE_NOS).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pathToFileURL } from 'node:url'
import {
  acknowledge,
  Wechatpay,
  WechatpayError,
  type WechatpayOptions,
  WechatpaySignatureError,
} from '@wxpay/core'
import { type JsapiParams, jsapiParamsVerify } from './agree'
import { loadConfig } from './config'
import { NotificationBook } from './notifications'

export interface Row {
  integration: string
  endpoint: string
  style: string
  status: number | string
  result: string
  ms: number
}

/** Runs `call` and describes its outcome as a table row. */
export async function measure(
  integration: string,
  endpoint: string,
  style: string,
  call: () => Promise<{ status: number | string; result: string }>,
): Promise<Row> {
  const started = performance.now()
  try {
    const { status, result } = await call()
    return { integration, endpoint, style, status, result, ms: performance.now() - started }
  } catch (err) {
    const result = err instanceof WechatpayError ? `${err.name} ${err.code}` : String(err)
    const status = (err as { status?: number }).status ?? 'error'
    return { integration, endpoint, style, status, result, ms: performance.now() - started }
  }
}

export const SUB_MCHID = '1900001121'

/** The nine calls: three endpoints × three styles, each on its own order or recharge number. */
export async function runDirect(
  options: WechatpayOptions,
  appid: string,
  ids: { orders: string[]; recharges: string[] },
): Promise<Row[]> {
  const wxpay = new Wechatpay(options)
  const mchid = options.mchid
  const [o1, o2, o3, o4, o5, o6] = ids.orders as [string, string, string, string, string, string]
  const [r1, r2, r3] = ids.recharges as [string, string, string]
  const v3 = 'v3 close order'
  const v2 = 'v2 close order'
  const rc = 'v3 close recharge'
  const ok3 = (r: { status: number }) => ({ status: r.status, result: 'closed' })
  const ok2 = (r: { status: number; data: { result_code: string } }) => ({
    status: r.status,
    result: `result_code ${r.data.result_code}`,
  })
  const okR = (r: { status: number; data: { recharge_state: string } }) => ({
    status: r.status,
    result: r.data.recharge_state,
  })
  return [
    await measure('direct', v3, 'property chain', async () =>
      ok3(
        await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
          out_trade_no: o1,
          json: { mchid },
        }),
      ),
    ),
    await measure('direct', v3, 'chain()', async () =>
      ok3(
        await wxpay
          .chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close')
          .post({ out_trade_no: o2, json: { mchid } }),
      ),
    ),
    await measure('direct', v3, "['…']", async () =>
      ok3(
        await wxpay['v3/pay/transactions/out-trade-no/{out_trade_no}/close'].post({
          out_trade_no: o3,
          json: { mchid },
        }),
      ),
    ),
    await measure('direct', `${v2} (MD5)`, 'property chain', async () =>
      ok2(await wxpay.v2.pay.closeorder.post({ xml: { appid, mch_id: mchid, out_trade_no: o4 } })),
    ),
    await measure('direct', `${v2} (HMAC-SHA256)`, 'chain()', async () =>
      ok2(
        await wxpay
          .chain('v2/pay/closeorder')
          .post({ xml: { appid, mch_id: mchid, out_trade_no: o5, sign_type: 'HMAC-SHA256' } }),
      ),
    ),
    await measure('direct', `${v2} (HMAC-SHA256)`, "['…']", async () =>
      ok2(
        await wxpay['v2/pay/closeorder'].post({
          xml: { appid, mch_id: mchid, out_trade_no: o6, sign_type: 'HMAC-SHA256' },
        }),
      ),
    ),
    await measure('direct', rc, 'property chain', async () =>
      okR(
        await wxpay.v3.platsolution.ecommerce.recharges.outRechargeNo._out_recharge_no_.close.post({
          out_recharge_no: r1,
          query: { sub_mchid: SUB_MCHID },
        }),
      ),
    ),
    await measure('direct', rc, 'chain()', async () =>
      okR(
        await wxpay
          .chain('v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close')
          .post({ out_recharge_no: r2, query: { sub_mchid: SUB_MCHID } }),
      ),
    ),
    await measure('direct', rc, "['…']", async () =>
      okR(
        await wxpay['v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close'].post({
          out_recharge_no: r3,
          query: { sub_mchid: SUB_MCHID },
        }),
      ),
    ),
  ]
}

/**
 * The direct-import way to receive notifications: node:http, the raw body, `notifications.parse`,
 * `acknowledge`. POST /wechatpay/notify records into a book; GET /notifications shows it.
 */
export async function startDirectReceiver(
  options: WechatpayOptions,
): Promise<{ url: string; close(): Promise<void> }> {
  const wxpay = new Wechatpay(options)
  const book = new NotificationBook()
  const server = createServer(async (req, res) => {
    if (req.method === 'GET' && req.url === '/notifications') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(book.view()))
      return
    }
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    let reply = acknowledge.success()
    try {
      // the exact bytes received: the signature covers them
      book.record(await wxpay.notifications.parse({ headers: req.headers, body: Buffer.concat(chunks) }))
    } catch (err) {
      if (err instanceof WechatpaySignatureError) book.refuse()
      else console.error('[direct] notification not handled:', err)
      reply = acknowledge.failure(err instanceof WechatpaySignatureError ? 401 : 500)
    }
    res.writeHead(reply.status, reply.headers).end(reply.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

export const OPENID = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o'

/**
 * The payment lifecycle with `@wxpay/core` alone: place a JSAPI order (and sign the front end's
 * parameters), let `pay` happen (a payer, or the sandbox's simulated one), query the order,
 * refund part of it, let `settle` happen, query the refund.
 */
export async function runDirectLifecycle(
  options: WechatpayOptions,
  appid: string,
  ids: { out_trade_no: string; out_refund_no: string; notify_url: string; total: number; refund: number },
  hooks: { pay(): Promise<void>; settle(): Promise<void>; emit?(row: Row): void },
): Promise<Row[]> {
  const wxpay = new Wechatpay(options)
  const { mchid } = options
  const { out_trade_no, out_refund_no, notify_url, total, refund } = ids
  const rows: Row[] = []
  // each row is handed to `emit` as soon as it is made, so a caller can put its own rows between
  const push = (row: Row) => {
    rows.push(row)
    hooks.emit?.(row)
  }
  push(
    await measure('direct', 'v3 place order (JSAPI)', 'property chain', async () => {
      const { status, data } = await wxpay.v3.pay.transactions.jsapi.post({
        json: {
          appid,
          mchid,
          description: 'wxpay demo',
          out_trade_no,
          notify_url,
          amount: { total, currency: 'CNY' },
          payer: { openid: OPENID },
        },
      })
      const pay = await wxpay.paySign.jsapi({ appId: appid, prepayId: data.prepay_id })
      return { status, result: placedResult(pay, data.prepay_id, appid, options.privateKey) }
    }),
  )
  await hooks.pay()
  push(
    await measure('direct', 'v3 query order', 'chain()', async () => {
      const { status, data } = await wxpay
        .chain('v3/pay/transactions/out-trade-no/{out_trade_no}')
        .get({ out_trade_no, query: { mchid } })
      return { status, result: String(data.trade_state) }
    }),
  )
  push(
    await measure('direct', `v3 refund (${refund} of ${total} fen)`, "['…']", async () => {
      const { status, data } = await wxpay['v3/refund/domestic/refunds'].post({
        json: { out_trade_no, out_refund_no, notify_url, amount: { refund, total, currency: 'CNY' } },
      })
      return { status, result: data.status }
    }),
  )
  await hooks.settle()
  push(
    await measure('direct', 'v3 query refund', 'property chain', async () => {
      const { status, data } = await wxpay.v3.refund.domestic.refunds._out_refund_no_.get({ out_refund_no })
      return { status, result: data.status }
    }),
  )
  return rows
}

/** The result of a place-order row: `prepay_id, paySign verifies` when the JSAPI parameters are right. */
export function placedResult(pay: JsapiParams, prepayId: string, appid: string, privateKey?: string): string {
  if (!/^wx\w+$/.test(prepayId)) return `prepay_id ${prepayId}?`
  if (!privateKey) return 'prepay_id'
  return jsapiParamsVerify(pay, prepayId, appid, privateKey)
    ? 'prepay_id, paySign verifies'
    : 'prepay_id, paySign does not verify'
}

export function printTable(rows: Row[]): string {
  const header = ['integration', 'endpoint', 'call style', 'HTTP status', 'result', 'ms']
  const cells = rows.map((r) => [
    r.integration,
    r.endpoint,
    r.style,
    String(r.status),
    r.result,
    r.ms.toFixed(1),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)))
  const line = (c: string[]) =>
    `| ${c.map((v, i) => (i >= 3 && i !== 4 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join(' | ')} |`
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n')
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const config = await loadConfig()
  const orders = (process.env.DIRECT_OUT_TRADE_NOS ?? '').split(',').filter(Boolean)
  const recharges = (process.env.DIRECT_OUT_RECHARGE_NOS ?? '').split(',').filter(Boolean)
  const stamp = Date.now().toString(36)
  if (config.sandbox) {
    for (let i = 1; i <= 6; i++)
      orders.push(config.sandbox.orders.create({ out_trade_no: `D${stamp}${i}` }).out_trade_no)
    for (let i = 1; i <= 3; i++) {
      recharges.push(
        config.sandbox.recharges.create({ out_recharge_no: `DR${stamp}${i}`, sub_mchid: SUB_MCHID })
          .out_recharge_no,
      )
    }
  }
  const rows = await runDirect(config.options, config.appid, { orders, recharges })
  console.log(printTable(rows))
  await config.sandbox?.close()
}
