// Load with faults: many v3 closes at a fixed concurrency against the sandbox while it injects a
// seeded ~5 % mix of resets, 503s, bad signatures and latency past the client's timeout. Every
// reply the client receives is also checked by a node:crypto verifier independent of the SDK's
// Web Crypto code (a `fetch` wrapper), so "no forged reply accepted" is counted call by call.
import { Wechatpay, WechatpayError } from '@wxpay/core'
import type { FaultKind, Sandbox } from '@wxpay/sandbox'
import { verifyV3Reply } from '@wxpay/sandbox/testing'
import { sandboxOptions } from './bad-input'

export interface LoadOptions {
  calls: number
  concurrency: number
  /** Total share of requests that get a fault, split evenly over the four kinds. */
  faultRate: number
  seed: number
  /** Client timeout (ms); the latency fault is 1.5 × this. */
  timeoutMs: number
  transport: 'fetch+oracle' | 'fetch' | 'undici'
}

export const LOAD_FAULTS = ['resetConnection', 'status', 'badSignature', 'latencyMs'] as const

export interface LoadResult {
  options: LoadOptions
  settled: number
  /** Outcome → count: `204`, or `<ErrorClass> <code>`; anything untyped is `UNTYPED …`. */
  outcomes: Map<string, number>
  /** Faults the sandbox actually fired (from its own counters). */
  fired: Record<(typeof LOAD_FAULTS)[number], number>
  /** Replies the independent verifier found forged (fetch+oracle only). */
  forgedSeen: number
  /** Calls that resolved although their reply was forged: must be 0. */
  forgedAccepted: number
  /** Forged replies refused with WechatpaySignatureError. */
  forgedRefused: number
  /** WechatpaySignatureErrors on replies the verifier found genuine: must be 0. */
  genuineRefused: number
  /** Orders the sandbox closed, vs calls that resolved with 204. */
  sandboxClosed: number
  heapBefore: number
  heapAfter: number
  ms: number
}

const BIG = 1_000_000_000
const gc = (globalThis as { gc?: () => void }).gc

function heap(): number {
  gc?.()
  gc?.()
  return process.memoryUsage().heapUsed
}

/** Whether a v3 reply is genuine, checked with node:crypto instead of the SDK's Web Crypto. */
function genuine(sb: Sandbox, headers: Headers, body: Buffer): boolean {
  const { serial, publicKey } = sb.platform
  return verifyV3Reply({ headers, body, serial, publicKey, now: Math.floor(Date.now() / 1000) })
}

export async function runLoad(sb: Sandbox, options: LoadOptions): Promise<LoadResult> {
  const prefix = `LD${options.seed}${options.transport[0]}`
  for (let i = 0; i < options.calls; i++) sb.orders.create({ out_trade_no: `${prefix}${i}` })
  /** out_trade_no → whether the last reply it got was forged (2xx only: non-2xx are not signed). */
  let forgedBy: Map<string, boolean> | undefined = new Map()
  const oracle: typeof fetch = async (input, init) => {
    const response = await fetch(input, init)
    const body = Buffer.from(await response.arrayBuffer())
    const no = /out-trade-no\/([^/]+)\/close/.exec(String(input))?.[1] ?? ''
    if (response.status >= 200 && response.status < 300)
      forgedBy?.set(no, !genuine(sb, response.headers, body))
    return new Response(response.status === 204 ? null : body, {
      status: response.status,
      headers: response.headers,
    })
  }
  const wxpay = new Wechatpay(
    sandboxOptions(sb, {
      backupBaseUrl: sb.backupUrl,
      timeout: options.timeoutMs,
      ...(options.transport === 'fetch+oracle' ? { fetch: oracle } : {}),
      ...(options.transport === 'fetch' ? { fetch: globalThis.fetch } : {}),
    }),
  )
  const rate = options.faultRate / LOAD_FAULTS.length
  const rule = { probability: rate, count: BIG }
  sb.faults.seed(options.seed)
  sb.requests.clear()
  const heapBefore = heap()
  await sb.faults.set({
    resetConnection: rule,
    status: { ...rule, value: 503 },
    badSignature: rule,
    latencyMs: { ...rule, value: Math.round(options.timeoutMs * 1.5) },
  })

  const result: LoadResult = {
    options,
    settled: 0,
    outcomes: new Map(),
    fired: { resetConnection: 0, status: 0, badSignature: 0, latencyMs: 0 },
    forgedSeen: 0,
    forgedAccepted: 0,
    forgedRefused: 0,
    genuineRefused: 0,
    sandboxClosed: 0,
    heapBefore,
    heapAfter: 0,
    ms: 0,
  }
  const count = (key: string) => result.outcomes.set(key, (result.outcomes.get(key) ?? 0) + 1)
  const started = performance.now()
  let next = 0
  const worker = async () => {
    while (next < options.calls) {
      const out_trade_no = `${prefix}${next++}`
      let outcome: string
      let resolved = false
      try {
        const reply = await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
          out_trade_no,
          json: { mchid: sb.merchant.mchid },
        })
        outcome = String(reply.status)
        resolved = true
      } catch (err) {
        outcome = err instanceof WechatpayError ? `${err.name} ${err.code}` : `UNTYPED ${String(err)}`
      }
      result.settled++
      count(outcome)
      const forged = forgedBy?.get(out_trade_no)
      forgedBy?.delete(out_trade_no)
      if (forged) result.forgedSeen++
      if (forged && resolved) result.forgedAccepted++
      if (forged && outcome.startsWith('WechatpaySignatureError')) result.forgedRefused++
      if (forged === false && outcome.startsWith('WechatpaySignatureError')) result.genuineRefused++
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, worker))
  result.ms = performance.now() - started
  const left = sb.faults.current() as Partial<Record<FaultKind, { count?: number }>>
  await sb.faults.clear()
  for (const kind of LOAD_FAULTS) result.fired[kind] = BIG - (left[kind]?.count ?? BIG)
  for (let i = 0; i < options.calls; i++)
    if (sb.orders.get(`${prefix}${i}`)?.state === 'CLOSED') result.sandboxClosed++
  sb.requests.clear()
  forgedBy = undefined
  result.heapAfter = heap()
  return result
}
