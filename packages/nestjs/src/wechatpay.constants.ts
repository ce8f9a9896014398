/**
 * Injection token of the default (unnamed) `Wechatpay` client. Registered in the global symbol
 * registry, so that the ESM and the CommonJS build of this package agree on it even when an
 * application loads both.
 *
 * @example
 * ```ts
 * constructor(@Inject(WECHATPAY) private readonly wxpay: Wechatpay) {}
 * ```
 */
export const WECHATPAY: symbol = Symbol.for('@wxpay/nestjs:WECHATPAY')

/** Injection token of the options of one `WechatpayModule` registration; private to that module. */
export const WECHATPAY_MODULE_OPTIONS: symbol = Symbol('WECHATPAY_MODULE_OPTIONS')

/**
 * The injection token of the client registered under `name` (`WECHATPAY` when `name` is omitted):
 * the same symbol on every call, for use with `@Inject()`, `moduleRef.get()` or test overrides.
 *
 * @example
 * ```ts
 * const payouts = app.get<Wechatpay>(getWechatpayToken('payouts'))
 * ```
 */
export function getWechatpayToken(name?: string): symbol {
  if (name === undefined) return WECHATPAY
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(
      'WechatpayModule: `name` must be a non-empty string, or omitted for the default client',
    )
  }
  return Symbol.for(`@wxpay/nestjs:WECHATPAY:${name}`)
}
