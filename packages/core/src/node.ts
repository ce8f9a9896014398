/**
 * `@wxpay/core` on Node.js: the same API, with undici's keep-alive pools as the transport.
 * @module
 */
import { createWechatpayClass } from './client'
import { clientCertTransport, nodeTransport } from './transport/undici'

// The public surface of both entry points lives in one list (src/public.ts).
export * from './public'

/** The WeChat Pay client (transport: undici, or the `fetch` option). See {@link WechatpayClient}. */
export const Wechatpay = createWechatpayClass(nodeTransport, clientCertTransport)
export type Wechatpay = import('./client').Wechatpay
