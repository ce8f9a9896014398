import { toHttpError, WechatpayError, type WechatpayErrorBody } from '@wxpay/core'
import type { ErrorHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'

export type { WechatpayErrorBody }

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
  const { status, body } = toHttpError(err)
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
