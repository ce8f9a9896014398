// Run as a child process by leak.ts: a batch of calls under every kind of fault, on both
// transports, against a sandbox in the parent. It never calls process.exit: if the SDK left a
// socket or a timer behind, this process would stay alive and the parent would see it.
import { request } from 'node:http'
import { Wechatpay, WechatpayError } from '@wxpay/core'

interface Env {
  url: string
  backupUrl: string
  merchant: { mchid: string; appid: string; serial: string; privateKey: string; secret: string }
  platform: { serial: string; publicKey: string }
}
const env = JSON.parse(process.env.WXPAY_SANDBOX ?? '') as Env

/** A control-route call on a connection that closes at once (agent: false): it leaves nothing behind. */
function control(method: string, path: string, body?: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, env.backupUrl),
      { method, agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume()
        res.on('end', () => resolve())
      },
    )
    req.on('error', reject)
    req.end(body === undefined ? undefined : JSON.stringify(body))
  })
}

const outcomes = new Map<string, number>()
let settled = 0
const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1)

async function call(run: () => Promise<unknown>): Promise<void> {
  try {
    await run()
    count('ok')
  } catch (err) {
    count(err instanceof WechatpayError ? `${err.name} ${err.code}` : `UNTYPED ${String(err)}`)
  }
  settled++
}

const started = performance.now()
let n = 0
for (const transport of ['undici', 'fetch'] as const) {
  const wxpay = new Wechatpay({
    mchid: env.merchant.mchid,
    serial: env.merchant.serial,
    privateKey: env.merchant.privateKey,
    certs: { [env.platform.serial]: env.platform.publicKey },
    secret: env.merchant.secret,
    baseUrl: env.url,
    backupBaseUrl: env.backupUrl,
    // The default 10 s timeout: a timer the SDK forgot to clear would hold this process for 10 s.
    ...(transport === 'fetch' ? { fetch: globalThis.fetch } : {}),
  })
  const close = async (timeout: number) => {
    const out_trade_no = `L${++n}`
    await control('POST', '/sandbox/orders', { out_trade_no })
    await call(() =>
      wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
        out_trade_no,
        json: { mchid: env.merchant.mchid },
        timeout,
      }),
    )
  }
  const v2 = async (timeout: number) => {
    const out_trade_no = `L${++n}`
    await control('POST', '/sandbox/orders', { out_trade_no })
    await call(() =>
      wxpay.v2.pay.closeorder.post({
        xml: { appid: env.merchant.appid, mch_id: env.merchant.mchid, out_trade_no },
        timeout,
      }),
    )
  }
  const faults: object[] = [
    {},
    { latencyMs: { value: 1_500, count: 2 } },
    { resetConnection: { count: 2 } },
    { resetConnection: { count: 1 } },
    { status: { value: 503, count: 2 } },
    { badSignature: { count: 2 } },
    { signtestProbe: { count: 1 } },
    { primaryDown: true },
  ]
  for (const fault of faults) {
    await control('POST', '/sandbox/faults', fault)
    const timeout = 'latencyMs' in fault ? 300 : 10_000
    await Promise.all([close(timeout), close(timeout), v2(timeout)])
    await control('DELETE', '/sandbox/faults')
  }
  // Aborts: one before sending, one in flight.
  await call(() =>
    wxpay
      .chain('v3/pay/transactions/out-trade-no/{x}/close' as string)
      .post({ x: 'A', signal: AbortSignal.abort() }),
  )
  await control('POST', '/sandbox/faults', { latencyMs: { value: 1_500, count: 1 } })
  await call(() =>
    wxpay.chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close').post({
      out_trade_no: 'A2',
      json: { mchid: env.merchant.mchid },
      signal: AbortSignal.timeout(50),
    }),
  )
  await control('DELETE', '/sandbox/faults')
}

console.log(`calls settled: ${settled}`)
console.log(`outcomes: ${JSON.stringify(Object.fromEntries([...outcomes].sort()))}`)
console.log(`done after ${Math.round(performance.now() - started)} ms`)
// What could still keep this process alive (diagnosis only; the parent decides).
setImmediate(() => console.log(`active resources: ${JSON.stringify(process.getActiveResourcesInfo())}`))
