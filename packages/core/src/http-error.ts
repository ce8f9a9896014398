import {
  WechatpayApiError,
  WechatpayBusinessError,
  type WechatpayError,
  WechatpaySignatureError,
  WechatpayTransportError,
  WechatpayValidationError,
} from './errors'

/** What an application answers its own caller when a WeChat Pay call failed. Never holds a secret. */
export interface WechatpayErrorBody {
  /** The error class, e.g. `WechatpayApiError`. */
  error: string
  /** The stable code: WeChat Pay's own (`ORDER_PAID`, `ORDERPAID`, …) or the SDK's (`SIGNATURE_INVALID`, `TIMEOUT`, …). */
  code: string
  message: string
  /** WeChat Pay's `Request-ID`, when the gateway sent one: quote it to WeChat Pay support. */
  requestId?: string
  /** The HTTP status WeChat Pay answered with (APIv3 errors). */
  upstreamStatus?: number
}

/**
 * The HTTP answer for a failed call, shared by the NestJS filter and the Hono error handler:
 * bad input → 400; WeChat Pay said no (v3 error, v2 FAIL), its reply failed verification, or the
 * reply was too large to read → 502; no usable answer in time (timeout, refused, reset, aborted)
 * → 504; anything else → 500. The body's fields are picked one by one: an error may hold a `cause`
 * or a decoded reply, which are not for the caller.
 *
 * @example
 * ```ts
 * const { status, body } = toHttpError(err) // 502, { error: 'WechatpayApiError', code: 'ORDER_PAID', … }
 * ```
 */
export function toHttpError(err: WechatpayError): {
  status: 400 | 500 | 502 | 504
  body: WechatpayErrorBody
} {
  const body: WechatpayErrorBody = { error: err.name, code: err.code, message: err.message }
  if (
    (err instanceof WechatpayApiError || err instanceof WechatpaySignatureError) &&
    err.requestId !== undefined
  ) {
    body.requestId = err.requestId
  }
  if (err instanceof WechatpayApiError) body.upstreamStatus = err.status
  return { status: statusOf(err), body }
}

function statusOf(err: WechatpayError): 400 | 500 | 502 | 504 {
  if (err instanceof WechatpayValidationError) return 400
  if (err instanceof WechatpayTransportError) return err.code === 'RESPONSE_TOO_LARGE' ? 502 : 504
  if (
    err instanceof WechatpayApiError ||
    err instanceof WechatpayBusinessError ||
    err instanceof WechatpaySignatureError
  ) {
    return 502
  }
  return 500
}
