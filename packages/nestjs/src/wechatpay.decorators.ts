import { Inject } from '@nestjs/common'
import { getWechatpayToken } from './wechatpay.constants'

/**
 * Injects the `Wechatpay` client registered by `WechatpayModule` (the default one, or the one
 * registered under `name`). Type the parameter as `Wechatpay` to keep the typed endpoints.
 *
 * @example
 * ```ts
 * import type { Wechatpay } from '@wxpay/core'
 *
 * @Injectable()
 * export class OrdersService {
 *   constructor(
 *     @InjectWechatpay() private readonly wxpay: Wechatpay,
 *     @InjectWechatpay('payouts') private readonly payouts: Wechatpay,
 *   ) {}
 * }
 * ```
 */
export function InjectWechatpay(name?: string): PropertyDecorator & ParameterDecorator {
  return Inject(getWechatpayToken(name))
}
