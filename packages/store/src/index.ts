/**
 * `@wxpay/store`: shared state for many WeChat Pay instances. The root exports the in-memory
 * store; each engine has its own subpath (`@wxpay/store/redis`, `/postgres`, `/cloudflare`).
 * @module
 */
export type { ClaimState, SealedCertificates, WechatpayStore } from '@wxpay/core'
export { type MemoryStoreOptions, memoryStore } from './memory'
export { DEFAULT_CLAIM_TTL_MS, DEFAULT_DONE_TTL_MS, type StoreOptions } from './options'
