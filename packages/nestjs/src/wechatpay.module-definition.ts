import {
  ConfigurableModuleBuilder,
  type ConfigurableModuleOptionsFactory,
  type Provider,
} from '@nestjs/common'
import { Wechatpay, type WechatpayOptions } from '@wxpay/core'
import { getWechatpayToken, WECHATPAY_MODULE_OPTIONS } from './wechatpay.constants'

/** Module-level settings, beside the client's own `WechatpayOptions`. */
export interface WechatpayModuleExtras {
  /** Register the client in the global scope, so feature modules need not import the module. */
  isGlobal?: boolean
  /** Register a named client, injected with `@InjectWechatpay(name)`; omit for the default one. */
  name?: string | undefined
}

/** What `useClass` / `useExisting` of `forRootAsync` must implement. */
export type WechatpayOptionsFactory = ConfigurableModuleOptionsFactory<
  WechatpayOptions,
  'createWechatpayOptions'
>

/** Creates the client; a bad option throws the core's `WechatpayValidationError` and fails bootstrap. */
function createClient(options: WechatpayOptions): Wechatpay {
  return new Wechatpay(options)
}

/*
 * Several merchants in one application. The builder gives every registration the same options
 * token, but that provider never leaves the dynamic module it is declared in: each `forRoot` /
 * `forRootAsync` call returns a new dynamic module object, which Nest instantiates as a module of
 * its own with its own options provider. So the options token may stay shared; only what a
 * registration exports must differ, and that is the client, provided and exported under the token
 * of its `name`. Two registrations with different names therefore coexist (and with `isGlobal`
 * too), while the builder keeps writing the forRoot/forRootAsync providers (useFactory, useClass,
 * useExisting, imports, inject) for us. (Token descriptions carry the name, so even Nest's
 * optional 'deep-hash' module ids tell the registrations apart.)
 */
export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<WechatpayOptions>({ optionsInjectionToken: WECHATPAY_MODULE_OPTIONS })
    .setClassMethodName('forRoot')
    .setFactoryMethodName('createWechatpayOptions')
    // every extras key needs a default: the builder strips exactly these keys from forRoot's options
    .setExtras<WechatpayModuleExtras>({ isGlobal: false, name: undefined }, (definition, extras) => {
      const token = getWechatpayToken(extras.name)
      const client: Provider = {
        provide: token,
        useFactory: createClient,
        inject: [WECHATPAY_MODULE_OPTIONS],
      }
      return {
        ...definition,
        global: extras.isGlobal === true,
        providers: [...(definition.providers ?? []), client],
        exports: [token],
      }
    })
    .build()
