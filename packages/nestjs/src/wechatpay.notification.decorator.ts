import {
  createParamDecorator,
  type ExecutionContext,
  HttpCode,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common'
import { WechatpayNotificationFilter, WechatpayNotificationV2Filter } from './wechatpay.notification.filter'
import {
  claimTransactions,
  NOTIFICATION_ROUTE,
  type NotificationRoute,
  verifiedEvents,
  type WechatpayEventOptions,
  WechatpayNotificationInterceptor,
} from './wechatpay.notification.interceptor'

const eventParam = createParamDecorator((_data: unknown, ctx: ExecutionContext) => {
  const req = ctx.switchToHttp().getRequest<object>()
  // the interceptor stores it before the handler runs; nothing else reaches the handler
  if (!verifiedEvents.has(req))
    throw new Error('@WechatpayEvent(): no verified notification for this request')
  return verifiedEvents.get(req)
})

const transactionParam = createParamDecorator((_data: unknown, ctx: ExecutionContext) =>
  claimTransactions.get(ctx.switchToHttp().getRequest<object>()),
)

/**
 * Injects the transaction of the claim `@WechatpayEvent({ once: store })` holds while the method
 * runs: with `postgresStore`, the connection inside the claim's transaction (it has `query`), so
 * that what the method writes through it commits with the claim or rolls back with it. `undefined`
 * with other stores, or without `once`.
 *
 * @example
 * ```ts
 * @Post('notify')
 * async notify(
 *   @WechatpayEvent({ once: store }) event: WechatpayNotification,
 *   @WechatpayTransaction() tx: PostgresQueryable,
 * ) {
 *   if (event.event_type === 'TRANSACTION.SUCCESS')
 *     await tx.query('UPDATE orders SET paid = true WHERE out_trade_no = $1', [event.resource.out_trade_no])
 * }
 * ```
 */
export function WechatpayTransaction(): ParameterDecorator {
  return transactionParam()
}

function notificationRoute(version: 'v3' | 'v2', options: WechatpayEventOptions = {}): ParameterDecorator {
  if (!options || typeof options !== 'object')
    throw new TypeError('@WechatpayEvent(): options must be an object')
  const { name } = options
  if (name !== undefined && (typeof name !== 'string' || name === ''))
    throw new TypeError(
      '@WechatpayEvent(): `name` must be a non-empty string, or omitted for the default client',
    )
  const { once } = options
  if (once !== undefined && (!once || typeof (once as { claim?: unknown }).claim !== 'function'))
    throw new TypeError(
      '@WechatpayEvent(): `once` must be a store of @wxpay/store (redisStore, postgresStore, …)',
    )
  const route: NotificationRoute = { version, name, once }
  return (target, key, index) => {
    if (key === undefined) throw new TypeError('@WechatpayEvent() goes on a parameter of a route method')
    const method = (target as Record<string | symbol, unknown>)[key]
    const descriptor = { value: method }
    eventParam()(target, key, index)
    Reflect.defineMetadata(NOTIFICATION_ROUTE, route, method as object)
    // the success status; a failure is answered by the filter, which sets its own
    HttpCode(version === 'v2' ? 200 : 204)(target, key, descriptor)
    UseInterceptors(WechatpayNotificationInterceptor)(target, key, descriptor)
    UseFilters(version === 'v2' ? WechatpayNotificationV2Filter : WechatpayNotificationFilter)(
      target,
      key,
      descriptor,
    )
  }
}

/**
 * Makes a `@Post()` method the receiver of WeChat Pay's APIv3 notifications and injects the
 * verified, decrypted event into this parameter. Before the method runs, the notification is
 * verified over the exact raw body (the application needs `rawBody: true`) with the client of
 * `WechatpayModule` (or the one registered under `name`); the method then sees only genuine
 * events. The answer is automatic: 204 when the method returns; `{"code":"FAIL","message":"失败"}`
 * with 401 when verification fails (a forgery, a `WECHATPAY/SIGNTEST/` probe, a stale timestamp)
 * or 500 when the method throws (WeChat Pay then sends it again). The answer never says why; the
 * reason is logged (`WechatpayNotification` context). With `{ once: store }` (a store of
 * `@wxpay/store`), each notification is applied once across every instance sharing the store: a
 * duplicate is answered 204 without running the method.
 *
 * @example
 * ```ts
 * // main.ts
 * const app = await NestFactory.create(AppModule, { rawBody: true })
 *
 * // notify.controller.ts
 * import type { WechatpayNotification } from '@wxpay/core'
 *
 * @Controller('wechatpay')
 * export class NotifyController {
 *   @Post('notify')
 *   async notify(@WechatpayEvent() event: WechatpayNotification) {
 *     if (event.event_type === 'TRANSACTION.SUCCESS') await this.orders.markPaid(event.resource.out_trade_no)
 *   }
 * }
 * ```
 */
export function WechatpayEvent(options?: WechatpayEventOptions): ParameterDecorator {
  return notificationRoute('v3', options)
}

/**
 * {@link WechatpayEvent} for APIv2 (XML) notifications: verified with the APIv2 key (`secret`),
 * the parameter is the core's `V2Notification`; the answers are the SUCCESS and FAIL XML (status 200).
 *
 * @example
 * ```ts
 * import type { V2Notification } from '@wxpay/core'
 *
 * @Post('notify/v2')
 * async notifyV2(@WechatpayEventV2() n: V2Notification) {
 *   if (n.kind === 'signed' && n.data.result_code === 'SUCCESS') await this.orders.markPaid(n.data.out_trade_no)
 * }
 * ```
 */
export function WechatpayEventV2(options?: WechatpayEventOptions): ParameterDecorator {
  return notificationRoute('v2', options)
}
