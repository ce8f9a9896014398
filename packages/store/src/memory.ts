import type { ClaimState, SealedCertificates, WechatpayStore } from '@wxpay/core'
import { DEFAULT_CLAIM_TTL_MS, DEFAULT_DONE_TTL_MS, milliseconds, type StoreOptions } from './options'

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions extends StoreOptions {
  /** How long a completed claim is remembered, milliseconds. Default 30 days. */
  doneTtlMs?: number
  /** The clock, for tests. Default `Date.now`. */
  now?: () => number
}

interface Entry {
  state: 'held' | 'done'
  expires: number
}

/**
 * A store in this process's memory: once-only notifications and certificates for ONE instance
 * (what the client does on its own anyway, made explicit). Nothing is shared across processes or
 * survives a restart: with more than one instance use Redis, PostgreSQL or Cloudflare.
 *
 * @example
 * ```ts
 * import { memoryStore } from '@wxpay/store'
 * const store = memoryStore()
 * await wxpay.notifications.once(event, store, async () => { await markPaid(event.resource.out_trade_no) })
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): WechatpayStore {
  const claimTtlMs = milliseconds('claimTtlMs', options.claimTtlMs, DEFAULT_CLAIM_TTL_MS)
  const doneTtlMs = milliseconds('doneTtlMs', options.doneTtlMs, DEFAULT_DONE_TTL_MS)
  const now = options.now ?? Date.now
  const claims = new Map<string, Entry>()
  const locks = new Map<string, number>()
  const certificates = new Map<string, SealedCertificates>()
  const live = (entry: Entry | undefined) => (entry && entry.expires > now() ? entry : undefined)

  return {
    claimTtlMs,
    async claim(key: string, ttlMs = claimTtlMs): Promise<ClaimState> {
      const entry = live(claims.get(key))
      if (entry) return entry.state === 'done' ? 'duplicate' : 'busy'
      claims.set(key, { state: 'held', expires: now() + ttlMs })
      return 'claimed'
    },
    async complete(key: string): Promise<void> {
      claims.set(key, { state: 'done', expires: now() + doneTtlMs })
    },
    async release(key: string): Promise<void> {
      if (claims.get(key)?.state === 'held') claims.delete(key)
    },
    async getCertificates(scope: string) {
      const entry = certificates.get(scope)
      return entry && structuredClone(entry)
    },
    async putCertificates(scope: string, reply: SealedCertificates): Promise<void> {
      certificates.set(scope, structuredClone(reply))
    },
    async lock(name: string, ttlMs: number): Promise<boolean> {
      if ((locks.get(name) ?? 0) > now()) return false
      locks.set(name, now() + ttlMs)
      return true
    },
    async unlock(name: string): Promise<void> {
      locks.delete(name)
    },
  }
}
