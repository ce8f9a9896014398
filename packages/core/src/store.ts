/**
 * The shared state of many instances (pods, serverless functions, Worker isolates): once-only
 * notifications and one platform-certificate download for the fleet. The core only defines the
 * contract; `@wxpay/store` implements it on Redis, PostgreSQL, Cloudflare and in memory.
 * @module
 */

/**
 * What a claim found: `claimed` (yours: run the handler, then `complete` or `release`),
 * `duplicate` (already applied) or `busy` (another holder is applying it right now).
 */
export type ClaimState = 'claimed' | 'duplicate' | 'busy'

/**
 * A `/v3/certificates` reply exactly as WeChat Pay sent it: still sealed (each certificate
 * encrypted with the APIv3 key) and signed. Whoever reads it from a store decrypts and verifies it
 * again, so the store never needs to be trusted.
 */
export interface SealedCertificates {
  /** The HTTP status (2xx: only verified replies are stored). */
  status: number
  /** The reply's headers, lowercase names (the `Wechatpay-*` signature headers among them). */
  headers: Record<string, string>
  /** The body, exactly as received (UTF-8 JSON text; the signature covers these bytes). */
  body: string
}

/**
 * Shared state for a fleet of `Wechatpay` clients, passed as the `store` option (certificates)
 * and to `wxpay.notifications.once` (claims). Every method may be called by many instances at
 * once; each must be atomic on the engine. Keys are plain strings; a store adds its own prefix.
 *
 * @example
 * ```ts
 * import { redisStore } from '@wxpay/store/redis'
 * const store = redisStore(redis)
 * const wxpay = new Wechatpay({ ...options, autoCertificates: true, store })
 * ```
 */
export interface WechatpayStore<Tx = undefined> {
  /** Milliseconds after which a claim whose holder vanished (crashed) expires. */
  readonly claimTtlMs: number
  /**
   * Claims `key` for applying it once: atomically `claimed` when nobody holds it and it was never
   * completed, `duplicate` when completed, `busy` while another holder has it.
   */
  claim(key: string, ttlMs?: number): Promise<ClaimState>
  /** Marks a claim of this instance applied: every later claim of `key` is `duplicate`. */
  complete(key: string): Promise<void>
  /** Gives a claim of this instance up (its handler failed): the next claim of `key` wins. */
  release(key: string): Promise<void>
  /**
   * What the handler of a held claim receives (PostgreSQL: the connection inside the claim's
   * transaction); `undefined` for stores without one.
   */
  transaction?(key: string): Tx
  /** The sealed certificates reply stored under `scope`, if any. */
  getCertificates(scope: string): Promise<SealedCertificates | undefined>
  /** Stores a sealed reply under `scope` (replacing the previous one). */
  putCertificates(scope: string, reply: SealedCertificates): Promise<void>
  /** Takes the lock `name` for `ttlMs` (it expires then, whoever held it): `true` when taken. */
  lock(name: string, ttlMs: number): Promise<boolean>
  /** Gives a lock of this instance back (no effect when it expired and someone else took it). */
  unlock(name: string): Promise<void>
}

const METHODS = [
  'claim',
  'complete',
  'release',
  'getCertificates',
  'putCertificates',
  'lock',
  'unlock',
] as const

/** Whether `value` has the shape of a {@link WechatpayStore}; the name of what is missing if not. */
export function storeProblem(value: unknown): string | undefined {
  if (!value || typeof value !== 'object')
    return 'must be a store (redisStore, postgresStore, memoryStore, …)'
  const record = value as Record<string, unknown>
  const missing = METHODS.filter((name) => typeof record[name] !== 'function')
  if (missing.length > 0) return `is not a store: it has no ${missing.join(', ')} method`
  const ttl = record.claimTtlMs
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0)
    return 'is not a store: claimTtlMs is not a positive number'
  return undefined
}
