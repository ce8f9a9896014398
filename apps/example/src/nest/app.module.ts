import { type DynamicModule, Module } from '@nestjs/common'
import { APP_FILTER } from '@nestjs/core'
import { WechatpayExceptionFilter, WechatpayModule } from '@wxpay/nestjs'
import type { ExampleConfig } from '../config'
import { MERCHANT } from './merchant'
import { OrdersController } from './orders.controller'

/** The example's root module: the client from `WechatpayModule`, the filter for every route. */
// biome-ignore lint/complexity/noStaticOnlyClass: Nest modules are classes; register() is the dynamic-module idiom.
@Module({})
export class AppModule {
  static register(config: ExampleConfig): DynamicModule {
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
}
