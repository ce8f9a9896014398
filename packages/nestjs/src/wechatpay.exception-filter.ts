import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus, Inject, Optional } from '@nestjs/common'
import { HttpAdapterHost } from '@nestjs/core'
import {
  WechatpayApiError,
  WechatpayBusinessError,
  WechatpayError,
  WechatpaySignatureError,
  WechatpayTransportError,
  WechatpayValidationError,
} from '@wxpay/core'

/** The JSON body the filter answers with. Never holds `cause`, options, stack or any key. */
export interface WechatpayErrorBody {
  /** The HTTP status of this response. */
  statusCode: number
  /** The core error's class name, e.g. `WechatpayApiError`. */
  error: string
  /** The core error's stable code: WeChat Pay's own (`ORDER_PAID`, `ORDERPAID`…) or the SDK's. */
  code: string
  message: string
  /** WeChat Pay's `Request-ID`, when the gateway sent one: quote it to WeChat Pay support. */
  requestId?: string
  /** The HTTP status WeChat Pay answered with (APIv3 errors). */
  upstreamStatus?: number
}

function statusOf(err: WechatpayError): number {
  if (err instanceof WechatpayValidationError) return HttpStatus.BAD_REQUEST
  if (err instanceof WechatpayTransportError) {
    // No usable answer from WeChat Pay (timeout, refused, reset, aborted) is a gateway timeout, as
    // the issue asks; a reply that arrived but was too large to read is a bad gateway reply.
    return err.code === 'RESPONSE_TOO_LARGE' ? HttpStatus.BAD_GATEWAY : HttpStatus.GATEWAY_TIMEOUT
  }
  if (
    err instanceof WechatpayApiError ||
    err instanceof WechatpayBusinessError ||
    err instanceof WechatpaySignatureError
  ) {
    return HttpStatus.BAD_GATEWAY
  }
  return HttpStatus.INTERNAL_SERVER_ERROR
}

/**
 * The status and body `WechatpayExceptionFilter` answers a core error with, for applications that
 * write their own filter: validation → 400; WeChat Pay API error, APIv2 FAIL, signature failure
 * and an oversized reply → 502; timeout and other transport failures → 504; anything else → 500.
 *
 * @example
 * ```ts
 * const { status, body } = mapWechatpayError(err) // 502, { statusCode: 502, code: 'ORDER_PAID', … }
 * ```
 */
export function mapWechatpayError(err: WechatpayError): { status: number; body: WechatpayErrorBody } {
  const status = statusOf(err)
  // Fields are picked one by one: the error itself may hold a `cause` or a decoded reply.
  const body: WechatpayErrorBody = {
    statusCode: status,
    error: err.name,
    code: err.code,
    message: err.message,
  }
  if (
    (err instanceof WechatpayApiError || err instanceof WechatpaySignatureError) &&
    err.requestId !== undefined
  ) {
    body.requestId = err.requestId
  }
  if (err instanceof WechatpayApiError) body.upstreamStatus = err.status
  return { status, body }
}

interface ExpressLikeResponse {
  status(code: number): { json(body: unknown): unknown }
}
interface FastifyLikeReply {
  code(code: number): { send(body: unknown): unknown }
}

/**
 * An opt-in HTTP exception filter that turns the core's errors into JSON responses (see
 * {@link mapWechatpayError} for the mapping). Works with the Express and the Fastify platform.
 *
 * @example
 * ```ts
 * // app.module.ts: for the whole application, with dependency injection
 * providers: [{ provide: APP_FILTER, useClass: WechatpayExceptionFilter }]
 * // or main.ts
 * app.useGlobalFilters(new WechatpayExceptionFilter(app.get(HttpAdapterHost)))
 * // or one controller
 * @UseFilters(WechatpayExceptionFilter)
 * ```
 */
@Catch(WechatpayError)
export class WechatpayExceptionFilter implements ExceptionFilter<WechatpayError> {
  // An explicit token: this package is built without decorator metadata.
  constructor(@Optional() @Inject(HttpAdapterHost) private readonly adapterHost?: HttpAdapterHost) {}

  catch(err: WechatpayError, host: ArgumentsHost): void {
    // RPC, WebSocket and GraphQL contexts have no HTTP response: leave the error to them.
    if (host.getType() !== 'http') throw err
    const { status, body } = mapWechatpayError(err)
    const response: unknown = host.switchToHttp().getResponse()
    const adapter = this.adapterHost?.httpAdapter
    if (adapter) {
      adapter.reply(response, body, status)
    } else if (typeof (response as Partial<ExpressLikeResponse>).status === 'function') {
      ;(response as ExpressLikeResponse).status(status).json(body)
    } else {
      ;(response as FastifyLikeReply).code(status).send(body)
    }
  }
}
