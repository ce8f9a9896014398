import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Inject,
  Logger,
} from '@nestjs/common'
import { HttpAdapterHost } from '@nestjs/core'
import { NotificationRefusal, replyFor } from './wechatpay.notification.interceptor'

const logger = new Logger('WechatpayNotification')

/** The status of the FAIL answer to anything but a refusal: an HttpException's own 4xx/5xx, else 500. */
function statusOf(err: unknown): number {
  if (err instanceof HttpException) {
    const status = err.getStatus()
    if (status >= 400 && status <= 599) return status
  }
  return 500
}

/**
 * Answers a notification route's failures with WeChat Pay's FAIL answer (v3: 4xx/5xx
 * `{"code":"FAIL","message":"失败"}`; v2: the FAIL XML), which says nothing about why; the reason
 * goes to the log. Method-scoped by `@WechatpayEvent()`, so it is consulted before any global
 * exception filter.
 */
@Catch()
export class WechatpayNotificationFilter implements ExceptionFilter {
  protected readonly version: 'v3' | 'v2' = 'v3'

  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  catch(err: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw err
    let status: number
    if (err instanceof NotificationRefusal) {
      status = err.status
      if (err.level === 'warn') logger.warn(err.message)
      else logger.error(err.message, err.cause instanceof Error ? err.cause.stack : undefined)
    } else {
      status = statusOf(err)
      logger.error(
        `the notification handler failed; answered ${this.version === 'v2' ? 'FAIL' : status} so that WeChat Pay sends it again`,
        err instanceof Error ? err.stack : String(err),
      )
    }
    const adapter = this.adapterHost.httpAdapter
    const res: unknown = host.switchToHttp().getResponse()
    if (adapter.isHeadersSent(res)) return
    const reply = replyFor(this.version, status)
    for (const [name, value] of Object.entries(reply.headers)) adapter.setHeader(res, name, value)
    adapter.reply(res, reply.body, reply.status)
  }
}

/** {@link WechatpayNotificationFilter} for APIv2 routes: the FAIL XML. */
@Catch()
export class WechatpayNotificationV2Filter extends WechatpayNotificationFilter {
  protected override readonly version = 'v2'
}
