/**
 * `@wxpay/core` on Node.js: the same API, with undici's keep-alive pools as the transport.
 * @module
 */
import { createWechatpayClass } from './client'
import { installNativeCrypto } from './crypto/backend'
import { nodeBase64, nodeNativeCrypto } from './crypto/node'
import { clientCertTransport, nodeTransport } from './transport/undici'

// Reply and notification signatures, AES-256-GCM resources and base64 on node:crypto and Buffer
// (see crypto/node.ts); edge builds stay on Web Crypto and the portable codec.
installNativeCrypto(nodeNativeCrypto, nodeBase64)

// The public surface of both entry points lives in one list (src/public.ts).
export * from './public'

/** The WeChat Pay client (transport: undici, or the `fetch` option). See {@link WechatpayClient}. */
export const Wechatpay = createWechatpayClass(nodeTransport, clientCertTransport)
export type Wechatpay = import('./client').Wechatpay
