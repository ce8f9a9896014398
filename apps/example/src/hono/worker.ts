// The Hono app as a Cloudflare Worker (wrangler.toml): every option comes from the Worker's
// bindings (WECHATPAY_MCHID, WECHATPAY_SERIAL, WECHATPAY_PRIVATE_KEY, WECHATPAY_CERTS,
// WECHATPAY_SECRET, WECHATPAY_BASE_URL, WECHATPAY_APPID). The bundle gets @wxpay/core's
// Web Crypto + fetch entry: no `node:` module.
import { createApp } from './app'

export default createApp()
