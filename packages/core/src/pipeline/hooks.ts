/**
 * Observers of the one door (pipeline/send.ts). Events hold what goes on the request line and what
 * came back, never a header value, a body or a key: no secret, Authorization value, `sensitive()`
 * plaintext or encrypted field can reach a hook.
 */

/** Fields of every event. */
export interface HookEventBase {
  /** `GET`, `POST`, … */
  method: string
  /** The path template as called (`v3/pay/transactions/out-trade-no/{out_trade_no}`): bounded, for metrics. */
  path: string
  /** The URL this attempt went to, the query included. */
  url: string
  /** 1 for the first attempt, 2… for retries (a failover to the backup host is inside an attempt). */
  attempt: number
  /** The same number on every event of one call (attempts included), unique in this process. */
  callId: number
}

/** Before an attempt leaves. */
export type RequestEvent = HookEventBase

/**
 * An attempt that gave the call its result (a verified reply), or a reply (a 429 or a 5xx
 * SYSTEM_ERROR) about to be retried.
 */
export interface ResponseEvent extends HookEventBase {
  status: number
  /** WeChat Pay's `Request-ID` header, when there is one. */
  requestId: string | undefined
  /** Milliseconds of this attempt. */
  ms: number
  /** True when this reply (a 429 or a 5xx SYSTEM_ERROR) will be followed by another attempt. */
  willRetry: boolean
}

/**
 * An attempt that failed: without a reply (connection, timeout, abort, an oversized reply), or
 * with one the call refuses (`WechatpayApiError` of a non-2xx, a verification failure, …).
 */
export interface ErrorEvent extends HookEventBase {
  /** The error the call rejects with (or that led to a retry). */
  error: Error
  /** The reply's status, when there was a reply. */
  status?: number
  /** WeChat Pay's `Request-ID`, when there was a reply that had one. */
  requestId?: string | undefined
  ms: number
  /** True when another attempt follows. */
  willRetry: boolean
}

/**
 * `hooks` of `new Wechatpay()`: synchronous observers of every request the client makes (calls,
 * uploads, downloads, certificate downloads), one event per attempt. A hook that throws is ignored.
 *
 * @example
 * ```ts
 * new Wechatpay({ …, hooks: {
 *   response: (e) => logger.info({ path: e.path, status: e.status, requestId: e.requestId, ms: e.ms }),
 *   error: (e) => logger.warn({ path: e.path, code: (e.error as WechatpayError).code }),
 * } })
 * ```
 */
export interface Hooks {
  request?: (event: RequestEvent) => void
  response?: (event: ResponseEvent) => void
  error?: (event: ErrorEvent) => void
}

/** Calls one hook; what it throws never reaches the call. */
export function emit<E>(hook: ((event: E) => void) | undefined, event: E): void {
  if (!hook) return
  try {
    hook(event)
  } catch {
    // an observer must not break the call it observes
  }
}

/**
 * The `debug` option's hooks: one line per attempt, method, path template, status or error code,
 * Request-ID and milliseconds; nothing else (no header, no body, no query).
 */
export function debugHooks(print: (line: string) => void): Hooks {
  return {
    response(e) {
      print(
        `[wxpay] ${e.method} ${e.path} ${e.status} ${e.ms.toFixed(1)}ms attempt ${e.attempt}${e.requestId ? ` request-id ${e.requestId}` : ''}${e.willRetry ? ' (retrying)' : ''}`,
      )
    },
    error(e) {
      const code = (e.error as { code?: unknown }).code
      print(
        `[wxpay] ${e.method} ${e.path} failed ${typeof code === 'string' ? code : e.error.name} ${e.ms.toFixed(1)}ms attempt ${e.attempt}${e.willRetry ? ' (retrying)' : ''}`,
      )
    },
  }
}

/** Runs several hook sets as one. */
export function combineHooks(sets: Hooks[]): Hooks | undefined {
  const live = sets.filter((h) => h.request || h.response || h.error)
  if (live.length === 0) return undefined
  if (live.length === 1) return live[0]
  return {
    request: (e) => {
      for (const h of live) emit(h.request, e)
    },
    response: (e) => {
      for (const h of live) emit(h.response, e)
    },
    error: (e) => {
      for (const h of live) emit(h.error, e)
    },
  }
}
