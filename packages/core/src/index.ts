/**
 * `@wxpay/core` for edge runtimes, browsers, Deno and Bun: Web Crypto and global `fetch`,
 * no `node:` import anywhere on this path.
 * @module
 */
import { createWechatpayClass } from './client'
import { fetchTransport } from './transport/fetch'

export type { Wechatpay as WechatpayClient } from './client'
export * from './common'

/** The WeChat Pay client (transport: global `fetch`). See {@link WechatpayClient}. */
export const Wechatpay = createWechatpayClass(() => fetchTransport())
export type Wechatpay = import('./client').Wechatpay
