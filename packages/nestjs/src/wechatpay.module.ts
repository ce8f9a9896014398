import { type DynamicModule, Module } from '@nestjs/common'
import { WechatpayValidationError } from '@wxpay/core'
import {
  type ASYNC_OPTIONS_TYPE,
  ConfigurableModuleClass,
  type OPTIONS_TYPE,
} from './wechatpay.module-definition'

/** Options of `WechatpayModule.forRoot()`: the core's `WechatpayOptions` plus `isGlobal` and `name`. */
export type WechatpayModuleOptions = typeof OPTIONS_TYPE

/** Options of `WechatpayModule.forRootAsync()`: `imports`, `inject`, `useFactory | useClass | useExisting`, `isGlobal`, `name`. */
export type WechatpayModuleAsyncOptions = typeof ASYNC_OPTIONS_TYPE

/**
 * Provides one `Wechatpay` client per registration, created once when the application boots;
 * a bad option fails the bootstrap with the core's `WechatpayValidationError`, which names it.
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [
 *     WechatpayModule.forRoot({ mchid, serial, privateKey, certs: { [platformSerial]: publicKey }, secret }),
 *   ],
 * })
 * export class AppModule {}
 * ```
 */
@Module({})
export class WechatpayModule extends ConfigurableModuleClass {
  /**
   * Registers a client from static options.
   *
   * @example
   * ```ts
   * WechatpayModule.forRoot({ mchid: '1230000109', serial, privateKey, certs, secret, isGlobal: true })
   * WechatpayModule.forRoot({ name: 'payouts', mchid: '1230000110', serial, privateKey, certs })
   * ```
   */
  static override forRoot(options: WechatpayModuleOptions): DynamicModule {
    if (!options || typeof options !== 'object')
      throw new WechatpayValidationError('options', 'must be an object')
    // biome-ignore lint/complexity/noThisInStatic: `super` keeps `this` = WechatpayModule, which becomes the dynamic module's `module`
    return super.forRoot(options)
  }

  /**
   * Registers a client whose options come from a factory, a class or an existing provider.
   *
   * @example
   * ```ts
   * WechatpayModule.forRootAsync({
   *   imports: [ConfigModule],
   *   inject: [ConfigService],
   *   useFactory: (config: ConfigService) => config.getOrThrow<WechatpayOptions>('wechatpay'),
   * })
   * ```
   */
  static override forRootAsync(options: WechatpayModuleAsyncOptions): DynamicModule {
    // biome-ignore lint/complexity/noThisInStatic: `super` keeps `this` = WechatpayModule, which becomes the dynamic module's `module`
    return super.forRootAsync(options)
  }
}
