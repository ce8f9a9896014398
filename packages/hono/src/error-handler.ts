import {
  WechatpayApiError,
  WechatpayBusinessError,
  WechatpayError,
  WechatpaySignatureError,
  WechatpayTransportError,
  WechatpayValidationError,
} from '@wxpay/core'
import type { ErrorHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** The JSON body of a mapped error. Built from the error's public fields only: never a secret. */
export interface WechatpayErrorBody {
  /** The error class, e.g. `WechatpayApiError`. */
  error: string
  /** The core's stable code: WeChat Pay's own (`ORDER_PAID`), or `SIGNATURE_INVALID`, `TIMEOUT`, … */
  code: string
  message: string
  /** WeChat Pay's `Request-ID`, when the gateway answered with one. */
  requestId?: string
}

/**
 * The status a core error maps to, as in the NestJS filter: bad input 400; the gateway said no
 * (v3 error, v2 FAIL) or its reply failed verification 502; the gateway could not be reached in
 * time 504.
 */
function statusOf(err: WechatpayError): ContentfulStatusCode {
  if (err instanceof WechatpayValidationError) return 400
  if (err instanceof WechatpayApiError || err instanceof WechatpayBusinessError) return 502
  if (err instanceof WechatpaySignatureError) return 502
  if (err instanceof WechatpayTransportError) return 504 // TIMEOUT, and also CONNECTION, NETWORK, …
  return 500
}

/**
 * Turns a `@wxpay/core` error into an `HTTPException` whose response is JSON
 * `{ error, code, message, requestId? }`; `undefined` for any other error.
 *
 * @example
 * ```ts
 * app.onError((err, c) => {
 *   const mapped = toHTTPException(err)
 *   if (mapped) return mapped.getResponse()
 *   return c.text('Internal Server Error', 500)
 * })
 * ```
 */
export function toHTTPException(err: unknown): HTTPException | undefined {
  if (!(err instanceof WechatpayError)) return undefined
  const status = statusOf(err)
  const body: WechatpayErrorBody = { error: err.name, code: err.code, message: err.message }
  const requestId =
    err instanceof WechatpayApiError || err instanceof WechatpaySignatureError ? err.requestId : undefined
  if (requestId) body.requestId = requestId
  return new HTTPException(status, {
    res: Response.json(body, { status }),
    message: err.message,
    cause: err,
  })
}

/**
 * An `app.onError` handler: core errors become JSON answers (400, 502, 504, see
 * {@link toHTTPException}), an `HTTPException` answers its own response, anything else is logged
 * and answers a plain 500, as Hono's default handler does.
 *
 * @example
 * ```ts
 * import { wechatpayErrorHandler } from '@wxpay/hono'
 * app.onError(wechatpayErrorHandler)
 * // a paid order → 502 { "error": "WechatpayApiError", "code": "ORDER_PAID", "message": "…", "requestId": "…" }
 * ```
 */
export const wechatpayErrorHandler: ErrorHandler = (err, c) => {
  if (err instanceof HTTPException) return err.getResponse()
  const mapped = toHTTPException(err)
  if (mapped) return mapped.getResponse()
  console.error(err)
  return c.text('Internal Server Error', 500)
}
