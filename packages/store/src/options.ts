import { WechatpayValidationError } from '@wxpay/core'

/** The default time-to-live of a claim: 10 minutes (a handler that runs longer may run twice). */
export const DEFAULT_CLAIM_TTL_MS = 600_000

/** The default time a completed claim is remembered by stores that forget (Redis, memory): 30 days. */
export const DEFAULT_DONE_TTL_MS = 30 * 24 * 60 * 60 * 1000

/** Options every store takes. */
export interface StoreOptions {
  /**
   * Milliseconds after which the claim of a holder that crashed (or hangs) expires and the next
   * delivery may run the handler again. Default 600 000 (10 minutes). Longer than your slowest
   * handler: a claim that expires while its handler still runs lets a duplicate run it too.
   */
  claimTtlMs?: number
}

/** A positive whole number of milliseconds, or the default; else a validation error naming it. */
export function milliseconds(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)
    throw new WechatpayValidationError(option, 'must be a positive whole number of milliseconds')
  return value
}

/** A random token that tells this holder's claim or lock from another's. */
export function token(): string {
  // A random UUID (122 random bits) is a holder's token without a hex encoder of our own.
  return crypto.randomUUID()
}

/** Checks a sealed reply read back from an engine has the shape of one; anything else is absent. */
export function sealedOrUndefined(value: unknown) {
  if (!value || typeof value !== 'object') return undefined
  const { status, headers, body } = value as Record<string, unknown>
  if (typeof status !== 'number' || typeof body !== 'string' || !headers || typeof headers !== 'object')
    return undefined
  return { status, headers: headers as Record<string, string>, body }
}
