// Faults injected by the sandbox, end to end through the client: timeouts and aborts (with the
// measured overshoot), failover to the backup, resets, 5xx without retries, 202 USER_PAYING.
import type { FaultSpec, Listener, OrderState, Sandbox } from '@wxpay/sandbox'
import { sandboxOptions } from './bad-input'
import { CLOSE_PATH, makeClient, type TransportName } from './clients'
import { accepted, describe, type Outcome, refused, SIGNATURE, settle } from './outcome'

export interface FaultScenario {
  name: string
  fault: FaultSpec
  /** Client timeout (ms); default 5 000. */
  timeout?: number
  /** Abort the call this many ms after the sandbox logged the request (so it is surely in flight). */
  abortAfter?: number
  /** Order state before the call (default NOTPAY). */
  state?: OrderState
  protocol?: 'v3' | 'v2'
  expected: Outcome
  /** Which listeners the sandbox logged, in order: the retry policy made visible. */
  listeners: Listener[]
  /** Order state after the call (the sandbox's own record). */
  after: OrderState
  /** Expected reply status and data, for accepted calls. */
  reply?: { status: number; data?: unknown }
}

// 1 s, not less: on a loaded machine a shorter timer can fire before the request is even sent
export const TIMEOUT_MS = 1_000

export function faultScenarios(): FaultScenario[] {
  return [
    {
      name: `latency 3 s beyond a ${TIMEOUT_MS} ms timeout`,
      fault: { latencyMs: { value: 3_000, count: 1 } },
      timeout: TIMEOUT_MS,
      expected: refused('WechatpayTransportError', 'TIMEOUT'),
      listeners: ['primary'],
      after: 'NOTPAY',
    },
    {
      name: 'aborted by the caller 100 ms into 3 s of latency',
      fault: { latencyMs: { value: 3_000, count: 1 } },
      abortAfter: 100,
      expected: refused('WechatpayTransportError', 'ABORTED'),
      listeners: ['primary'],
      after: 'NOTPAY',
    },
    {
      name: 'primary down → success on the backup (v3)',
      fault: { primaryDown: true },
      expected: accepted,
      listeners: ['backup'],
      after: 'CLOSED',
      reply: { status: 204 },
    },
    {
      name: 'primary down → success on the backup (v2)',
      fault: { primaryDown: true },
      protocol: 'v2',
      expected: accepted,
      listeners: ['backup'],
      after: 'CLOSED',
      reply: { status: 200, data: { return_code: 'SUCCESS', result_code: 'SUCCESS' } },
    },
    {
      name: 'connection reset once → one retry on the backup, success',
      fault: { resetConnection: { count: 1 } },
      expected: accepted,
      listeners: ['primary', 'backup'],
      after: 'CLOSED',
      reply: { status: 204 },
    },
    {
      name: 'connection reset on both → a typed error after exactly one retry',
      fault: { resetConnection: { count: 2 } },
      expected: refused('WechatpayTransportError', 'CONNECTION'),
      listeners: ['primary', 'backup'],
      after: 'NOTPAY',
    },
    {
      name: '503 → WechatpayApiError, no retry',
      fault: { status: { value: 503 } },
      expected: refused('WechatpayApiError', 'SERVICE_UNAVAILABLE'),
      listeners: ['primary'],
      after: 'NOTPAY',
    },
    {
      name: '500 → WechatpayApiError, no retry',
      fault: { status: { value: 500 } },
      expected: refused('WechatpayApiError', 'SYSTEM_ERROR'),
      listeners: ['primary'],
      after: 'NOTPAY',
    },
    {
      name: '503 on v2 → WechatpayApiError, no retry',
      fault: { status: { value: 503 } },
      protocol: 'v2',
      expected: refused('WechatpayApiError', 'HTTP_503'),
      listeners: ['primary'],
      after: 'NOTPAY',
    },
    {
      name: 'user paying → 202 USER_PAYING surfaced',
      fault: {},
      state: 'USERPAYING',
      expected: accepted,
      listeners: ['primary'],
      after: 'USERPAYING',
      reply: { status: 202, data: { code: 'USER_PAYING' } },
    },
    {
      name: 'WECHATPAY/SIGNTEST/ probe → refused, state as the gateway left it',
      fault: { signtestProbe: { count: 1 } },
      expected: SIGNATURE,
      listeners: ['primary'],
      after: 'CLOSED',
    },
  ]
}

export interface FaultResult {
  outcome: Outcome
  ms: number
  listeners: Listener[]
  after: OrderState | undefined
  value: unknown
  /** From the abort to the typed error (abort scenarios). */
  sinceAbortMs?: number
  /** Every expectation met. */
  ok: boolean
  detail: string
}

let sequence = 0

export async function runFault(
  sb: Sandbox,
  transport: TransportName,
  s: FaultScenario,
): Promise<FaultResult> {
  const out_trade_no = `F${++sequence}${transport[0]}`
  sb.orders.create({ out_trade_no, state: s.state ?? 'NOTPAY' })
  const client = makeClient(
    transport,
    sandboxOptions(sb, { backupBaseUrl: sb.backupUrl, timeout: s.timeout ?? 5_000 }),
  )
  await sb.faults.set(s.fault)
  sb.requests.clear()
  // A fixed timer from the call's start could fire before a loaded machine even sends the request
  // (the client then settles without I/O, a different path): abort only once the sandbox has it.
  const controller = new AbortController()
  let abortedAt: number | undefined
  const abortAfter = s.abortAfter
  const watch =
    abortAfter === undefined
      ? undefined
      : setInterval(() => {
          if (sb.requests.length === 0) return
          clearInterval(watch)
          setTimeout(() => {
            abortedAt = performance.now()
            controller.abort()
          }, abortAfter)
        }, 5)
  const signal = abortAfter === undefined ? undefined : controller.signal
  const result = await settle<unknown>(() =>
    s.protocol === 'v2'
      ? client.v2.pay.closeorder.post({
          xml: { appid: sb.merchant.appid, mch_id: sb.merchant.mchid, out_trade_no },
          ...(signal ? { signal } : {}),
        })
      : client
          .chain(CLOSE_PATH)
          .post({ out_trade_no, json: { mchid: sb.merchant.mchid }, ...(signal ? { signal } : {}) }),
  )
  const settledAt = performance.now()
  clearInterval(watch)
  await sb.faults.clear()
  const listeners = sb.requests.map((r) => r.listener)
  const after = sb.orders.get(out_trade_no)?.state
  const reply = result.value as { status: number; data: unknown } | undefined
  const replyOk =
    !s.reply ||
    (reply?.status === s.reply.status &&
      (s.reply.data === undefined ||
        JSON.stringify({ ...(reply.data as object), ...(s.reply.data as object) }) ===
          JSON.stringify(reply.data)))
  const ok =
    JSON.stringify(result.outcome) === JSON.stringify(s.expected) &&
    JSON.stringify(listeners) === JSON.stringify(s.listeners) &&
    after === s.after &&
    replyOk
  return {
    outcome: result.outcome,
    ms: result.ms,
    listeners,
    after,
    value: result.value,
    ...(abortedAt === undefined ? {} : { sinceAbortMs: settledAt - abortedAt }),
    ok,
    detail: `${describe(result.outcome)}; listeners ${listeners.join(',') || 'none'}; state ${after}; ${Math.round(result.ms)} ms`,
  }
}
