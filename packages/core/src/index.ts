/**
 * `@wxpay/core` for edge runtimes, browsers, Deno and Bun: Web Crypto and global `fetch`,
 * no `node:` import anywhere on this path.
 * @module
 */
import { createWechatpayClass } from './client'
import { fetchTransport } from './transport/fetch'

// The public surface of both entry points lives in one list (src/public.ts).
export * from './public'

/** The WeChat Pay client (transport: global `fetch`, or the `fetch` option). See {@link WechatpayClient}. */
export const Wechatpay = createWechatpayClass(() => fetchTransport())
export type Wechatpay = import('./client').Wechatpay
