import { type DynamicModule, Module } from '@nestjs/common'
import { APP_FILTER } from '@nestjs/core'
import { WechatpayExceptionFilter, WechatpayModule } from '@wxpay/nestjs'
import type { ExampleConfig } from '../config'
import { MERCHANT } from './merchant'
import { OrdersController } from './orders.controller'

/** The example's root module class; {@link appModule} configures it. */
@Module({})
export class AppModule {}

/** The root module for a configuration: the client from `WechatpayModule`, the filter for every route. */
export function appModule(config: ExampleConfig): DynamicModule {
  return {
    module: AppModule,
    imports: [
      WechatpayModule.forRootAsync({
        // As an application would: options from a factory (here, the loaded configuration).
        useFactory: () => config.options,
      }),
    ],
    controllers: [OrdersController],
    providers: [
      { provide: MERCHANT, useValue: { mchid: config.options.mchid, appid: config.appid } },
      { provide: APP_FILTER, useClass: WechatpayExceptionFilter },
    ],
  }
}
