import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common'
import type { WechatpayStore } from '@wxpay/core'
import { WechatpayEvent, type WechatpayNotification } from '@wxpay/nestjs'
import { NotificationBook, type NotificationsView } from '../notifications'

/**
 * WeChat Pay's notifications. `@WechatpayEvent()` verifies the raw body (the app is created with
 * `rawBody: true`), decrypts the resource and answers for the method: 204 when it returns, 401 FAIL
 * for a forgery or a `WECHATPAY/SIGNTEST/` probe (the method never runs; Nest's logger warns),
 * 500 FAIL when it throws (WeChat Pay sends it again).
 */
@Controller()
export class NotifyController {
  constructor(@Inject(NotificationBook) private readonly book: NotificationBook) {}

  /** The `notify_url`: records the event once per id (a re-delivery changes nothing). */
  @Post('wechatpay/notify')
  notify(@WechatpayEvent() event: WechatpayNotification): void {
    this.book.record(event)
  }

  /** What the app recorded. */
  @Get('notifications')
  @HttpCode(200)
  notifications(): NotificationsView {
    return this.book.view()
  }
}

/**
 * The same routes for an app running as several instances behind one store: `@WechatpayEvent({ once })`
 * claims each event in `store` before the method runs, so a duplicate (here or at another instance)
 * is answered 204 without recording it again. The decorator takes the store when the class is
 * defined, hence a class per store.
 */
export function onceNotifyController(store: WechatpayStore<unknown>) {
  @Controller()
  class OnceNotifyController {
    constructor(@Inject(NotificationBook) readonly book: NotificationBook) {}

    @Post('wechatpay/notify')
    notify(@WechatpayEvent({ once: store }) event: WechatpayNotification): void {
      this.book.record(event)
    }

    @Get('notifications')
    @HttpCode(200)
    notifications(): NotificationsView {
      return this.book.view()
    }
  }
  return OnceNotifyController
}
