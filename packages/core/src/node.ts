/**
 * `@wxpay/core` on Node.js: the same API, with undici's keep-alive pools as the transport.
 * @module
 */
import { createWechatpayClass } from './client'
import { undiciTransport } from './transport/undici'

export type { Wechatpay as WechatpayClient } from './client'
export * from './common'
export { undiciTransport } from './transport/undici'

/** The WeChat Pay client (transport: undici). See {@link WechatpayClient}. */
export const Wechatpay = createWechatpayClass(() => undiciTransport())
export type Wechatpay = import('./client').Wechatpay
