import type { Bytes } from '../encoding'
import { oversizedReplyError, WechatpayValidationError } from '../errors'
import { checkTimeout } from '../options'

export { checkTimeout }

import { type Exchange, exchange } from '../transport/exchange'
import type { Transport, TransportResponse } from '../transport/types'
import { VERSION } from '../version'
import { emit, type Hooks } from './hooks'
import {
  backoff,
  NO_RETRY,
  pause,
  type RetryPolicy,
  retryAfterMs,
  retryableFailure,
  retryableReply,
} from './retry'

/** The one User-Agent of every request a client makes. */
export const USER_AGENT = `wxpay/${VERSION} (${runtime()})`

function runtime(): string {
  const g = globalThis as { process?: { versions?: { node?: string } }; navigator?: { userAgent?: string } }
  if (g.process?.versions?.node) return `Node.js/${g.process.versions.node}`
  return g.navigator?.userAgent ?? 'unknown-runtime'
}

/** What the door needs of a client: transports, hosts, observers and the retry policy. */
export interface Door {
  transport: Transport
  /** The mutual-TLS transport (APIv2 certificate endpoints), when there is one. */
  certTransport: Transport | undefined
  bases: { baseUrl: URL; backupBaseUrl: URL | undefined }
  timeout: number
  hooks: Hooks | undefined
  retry: RetryPolicy
}

/** One signed request, ready to leave. */
export interface Outbound {
  method: string
  /** The path template as called, for hooks (never expanded: it may hold ids). */
  path: string
  /** What goes on the request line (and was signed). */
  pathAndQuery: string
  headers: Record<string, string>
  body: Bytes | undefined
  maxBytes: number
  /** Milliseconds for the whole call, retries and their waits included; default the client's. */
  timeout?: number | undefined
  signal?: AbortSignal | undefined
  /** Hosts other than the client's (an endpoint served elsewhere). */
  bases?: { baseUrl: URL; backupBaseUrl: URL | undefined }
  /** Over the mutual-TLS transport. */
  mtls?: boolean
  /** Hand a 2xx body over as a stream (downloads larger than memory). */
  stream?: boolean
  /** Whether sending it again cannot act twice (GET, or an endpoint keyed by the merchant's id). */
  idempotent: boolean
}

/** The `signal` rule of every entry point, checked before any I/O (`timeout`: {@link checkTimeout}). */
export function checkSignal(value: unknown): AbortSignal | undefined {
  if (value !== undefined && !(value instanceof AbortSignal))
    throw new WechatpayValidationError('signal', 'must be an AbortSignal')
  return value
}

let calls = 0

/**
 * The one door: every request a client makes leaves here. It sets the User-Agent, bounds the whole
 * call by `timeout`, honours `signal`, picks the transport (mutual TLS or not; one failover to the
 * backup host inside `exchange`), retries what may be retried (opt-in `retry`, idempotent requests
 * only: after a failure before any reply, a 429 or a 5xx SYSTEM_ERROR), hands the reply to
 * `decode` (verify and parse: the caller's), and tells the hooks how each attempt ended: exactly
 * one `response` (a result, or a reply about to be retried) or `error` per attempt.
 */
export async function send<T>(
  door: Door,
  out: Outbound,
  decode: (reply: TransportResponse) => T | Promise<T>,
): Promise<T> {
  const timeout = out.timeout === undefined ? door.timeout : checkTimeout(out.timeout)
  const signal = checkSignal(out.signal)
  out.headers['user-agent'] ??= USER_AGENT
  const transport = out.mtls ? door.certTransport : door.transport
  if (!transport) throw new WechatpayValidationError('clientCert', 'this request needs mutual TLS')
  const bases = out.bases ?? door.bases
  // Built field by field: a spread of `out` costs a slow, shape-changing copy on every call.
  const request: Exchange = {
    method: out.method,
    pathAndQuery: out.pathAndQuery,
    headers: out.headers,
    body: out.body,
    timeout,
    signal,
    maxBytes: out.maxBytes,
    stream: out.stream === true,
  }
  const { hooks } = door
  const policy = out.idempotent ? door.retry : NO_RETRY
  // Fast path: no observers and no retry, one exchange (the hot path of a plain call).
  if (!hooks && policy.retries === 0) return decode(await attempt(transport, bases, request))
  const callId = ++calls
  const deadline = Date.now() + timeout
  const url = bases.baseUrl.origin + out.pathAndQuery
  for (let n = 1; ; n++) {
    const base = { method: out.method, path: out.path, url, attempt: n, callId }
    if (hooks) emit(hooks.request, base)
    const started = performance.now()
    if (n > 1) request.timeout = deadline - Date.now()
    let reply: TransportResponse
    try {
      reply = await attempt(transport, bases, request)
    } catch (err) {
      const wait =
        n <= policy.retries && retryableFailure(err) ? nextWait(policy, n, undefined, deadline) : -1
      if (hooks)
        emit(hooks.error, {
          ...base,
          error: err as Error,
          ms: performance.now() - started,
          willRetry: wait >= 0,
        })
      if (wait < 0) throw err
      await pause(wait, signal)
      continue
    }
    const answered = { ...base, status: reply.status, requestId: reply.headers['request-id'] }
    const wait =
      n <= policy.retries && !reply.stream && retryableReply(reply.status, reply.body)
        ? nextWait(policy, n, reply.headers['retry-after'], deadline)
        : -1
    if (wait >= 0) {
      if (hooks) emit(hooks.response, { ...answered, ms: performance.now() - started, willRetry: true })
      await pause(wait, signal)
      continue
    }
    let result: T
    try {
      result = await decode(reply)
    } catch (err) {
      if (hooks)
        emit(hooks.error, {
          ...answered,
          error: err as Error,
          ms: performance.now() - started,
          willRetry: false,
        })
      throw err
    }
    if (hooks) emit(hooks.response, { ...answered, ms: performance.now() - started, willRetry: false })
    return result
  }
}

/** One exchange (with its failover); a non-2xx reply too large to read becomes an API error. */
async function attempt(
  transport: Transport,
  bases: Door['bases'],
  request: Exchange,
): Promise<TransportResponse> {
  try {
    return await exchange(transport, bases, request)
  } catch (err) {
    throw oversizedReplyError(err)
  }
}

/** The wait before the next attempt, or -1 when it would not fit before the deadline. */
function nextWait(
  policy: RetryPolicy,
  attempt: number,
  retryAfter: string | undefined,
  deadline: number,
): number {
  const asked = retryAfterMs(retryAfter)
  // A server asking for longer than the policy allows: give up now rather than wait.
  if (asked !== undefined && asked > policy.maxDelayMs) return -1
  const wait = Math.max(backoff(policy, attempt), asked ?? 0)
  // Leave the next attempt some time of its own (at least 100 ms) within the whole call's timeout.
  return Date.now() + wait + 100 < deadline ? wait : -1
}
