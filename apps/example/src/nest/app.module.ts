import { type DynamicModule, Module } from '@nestjs/common'
import { APP_FILTER } from '@nestjs/core'
import { WechatpayExceptionFilter, WechatpayModule } from '@wxpay/nestjs'
import type { ExampleConfig } from '../config'
import { NotificationBook } from '../notifications'
import { MERCHANT } from './merchant'
import { NotifyController, onceNotifyController } from './notify.controller'
import { OrdersController } from './orders.controller'

/** The example's root module class; {@link appModule} configures it. */
@Module({})
export class AppModule {}

/**
 * The root module for a configuration: the client from `WechatpayModule` (its `apiv3Key` verifies
 * notifications), the filter for every route, the notification book.
 */
export function appModule(config: ExampleConfig): DynamicModule {
  return {
    module: AppModule,
    imports: [
      WechatpayModule.forRootAsync({
        // As an application would: options from a factory (here, the loaded configuration).
        useFactory: () => config.options,
      }),
    ],
    controllers: [OrdersController, config.once ? onceNotifyController(config.once) : NotifyController],
    providers: [
      { provide: MERCHANT, useValue: { mchid: config.options.mchid, appid: config.appid } },
      // one book per app: the notifications this app recorded
      { provide: NotificationBook, useValue: new NotificationBook() },
      { provide: APP_FILTER, useClass: WechatpayExceptionFilter },
    ],
  }
}
