/**
 * `@wxpay/nestjs`: a NestJS module that injects a ready, typed `@wxpay/core` client.
 *
 * @example
 * ```ts
 * @Module({ imports: [WechatpayModule.forRoot({ mchid, serial, privateKey, certs, secret })] })
 * export class AppModule {}
 *
 * @Injectable()
 * export class OrdersService {
 *   constructor(@InjectWechatpay() private readonly wxpay: Wechatpay) {}
 * }
 * ```
 *
 * @packageDocumentation
 */
export type {
  V2Notification,
  Wechatpay,
  WechatpayNotification,
  WechatpayOptions,
} from '@wxpay/core'
export { getWechatpayToken, WECHATPAY } from './wechatpay.constants'
export { InjectWechatpay } from './wechatpay.decorators'
export {
  mapWechatpayError,
  type WechatpayErrorBody,
  WechatpayExceptionFilter,
} from './wechatpay.exception-filter'
export {
  WechatpayModule,
  type WechatpayModuleAsyncOptions,
  type WechatpayModuleOptions,
} from './wechatpay.module'
export type { WechatpayModuleExtras, WechatpayOptionsFactory } from './wechatpay.module-definition'
export { WechatpayEvent, WechatpayEventV2, WechatpayTransaction } from './wechatpay.notification.decorator'
export {
  WechatpayNotificationFilter,
  WechatpayNotificationV2Filter,
} from './wechatpay.notification.filter'
export {
  type WechatpayEventOptions,
  WechatpayNotificationInterceptor,
} from './wechatpay.notification.interceptor'
