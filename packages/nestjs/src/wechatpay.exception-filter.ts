import { type ArgumentsHost, Catch, type ExceptionFilter, Inject, Optional } from '@nestjs/common'
import { HttpAdapterHost } from '@nestjs/core'
import { type WechatpayErrorBody as CoreErrorBody, toHttpError, WechatpayError } from '@wxpay/core'

/**
 * The JSON body the filter answers with: the core's {@link toHttpError} body plus `statusCode`, as
 * Nest's own error bodies have. Never holds `cause`, options, stack or any key.
 */
export interface WechatpayErrorBody extends CoreErrorBody {
  /** The HTTP status of this response. */
  statusCode: number
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
  const { status, body } = toHttpError(err)
  return { status, body: { statusCode: status, ...body } }
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
