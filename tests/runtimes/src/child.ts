// Runs inside Bun or Deno (started by runtimes.e2e.test.ts): @wxpay/core as a user imports it,
// against the sandbox the test started. Prints one JSON line with what happened; the test asserts.
import { Wechatpay, type WechatpayOptions, WechatpaySignatureError } from '@wxpay/core'

declare const Deno: { env: { get(name: string): string | undefined }; version: { deno: string } } | undefined
declare const Bun: { version: string } | undefined

export interface ChildInput {
  /** `sb.clientOptions()` of the sandbox. */
  options: WechatpayOptions
  /** The sandbox's base URL, for its `/sandbox/faults` control route. */
  url: string
  appid: string
  /** Orders the test created, all NOTPAY. */
  orders: { v3: string; v2: string; forgedV3: string; forgedV2: string }
}

/** One step: what the call resolved to, or the error it rejected with. */
export type Outcome =
  | { ok: true; status: number; data: unknown }
  | { ok: false; name: string; code: string | undefined; signatureError: boolean; message: string }

export interface ChildResult {
  runtime: string
  version: string
  /** The file `@wxpay/core` resolved to in this runtime. */
  resolved: string
  v3Close: Outcome
  v2Close: Outcome
  forgedV3: Outcome
  forgedV2: Outcome
}

function env(name: string): string | undefined {
  return typeof Deno !== 'undefined' ? Deno.env.get(name) : process.env[name]
}

async function outcome(call: () => Promise<{ status: number; data: unknown }>): Promise<Outcome> {
  try {
    const { status, data } = await call()
    return { ok: true, status, data }
  } catch (err) {
    const e = err as Error & { code?: string }
    return {
      ok: false,
      name: e.name,
      code: e.code,
      signatureError: err instanceof WechatpaySignatureError,
      message: e.message,
    }
  }
}

/** Spoils the next signed reply: a well-formed signature made with another key. */
async function forgeNextReply(url: string): Promise<void> {
  const reply = await fetch(new URL('sandbox/faults', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ badSignature: { count: 1 } }),
  })
  if (!reply.ok) throw new Error(`setting the fault failed: ${reply.status}`)
}

const input = JSON.parse(env('WXPAY_RUNTIME_INPUT') ?? '{}') as ChildInput
const wxpay = new Wechatpay(input.options)
const mchid = input.options.mchid
const v2 = (out_trade_no: string) => () =>
  wxpay.v2.pay.closeorder.post({
    xml: { appid: input.appid, mch_id: mchid, out_trade_no, sign_type: 'HMAC-SHA256' },
  })
const v3 = (out_trade_no: string) => () =>
  wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({ out_trade_no, json: { mchid } })

const result: ChildResult = {
  runtime: typeof Deno !== 'undefined' ? 'deno' : typeof Bun !== 'undefined' ? 'bun' : 'other',
  version: typeof Deno !== 'undefined' ? Deno.version.deno : typeof Bun !== 'undefined' ? Bun.version : '',
  resolved: import.meta.resolve('@wxpay/core'),
  v3Close: await outcome(v3(input.orders.v3)),
  v2Close: await outcome(v2(input.orders.v2)),
  forgedV3: await forgeNextReply(input.url).then(() => outcome(v3(input.orders.forgedV3))),
  forgedV2: await forgeNextReply(input.url).then(() => outcome(v2(input.orders.forgedV2))),
}
console.log(JSON.stringify(result))
