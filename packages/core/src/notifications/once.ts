import { WechatpayValidationError } from '../errors'
import { storeProblem, type WechatpayStore } from '../store'
import type { V2Notification, WechatpayNotification } from './types'

/** Options of `notifications.once`. */
export interface OnceOptions {
  /**
   * While another instance holds the claim, how long to wait for it (milliseconds, default
   * 10 000): it completes (then this is a duplicate), or fails and releases its claim (then this
   * delivery claims it and runs the handler). Still held after the wait: a duplicate.
   */
  waitMs?: number
}

/** What `once` keys a notification by (see {@link onceKey}). */
export type OnceEvent = WechatpayNotification | V2Notification | string

/** The default of {@link OnceOptions.waitMs}. */
export const DEFAULT_ONCE_WAIT_MS = 10_000

/**
 * The key a notification is applied once under: an APIv3 event by its `id` (WeChat Pay re-sends
 * with the same id); an APIv2 pay result by its `transaction_id`; an APIv2 refund notification by
 * its `refund_id` and `refund_status` (WeChat's own refund id, unique across merchants, and the
 * final state it reports); a string as it is (your own key).
 */
export function onceKey(event: OnceEvent): string {
  if (typeof event === 'string') {
    if (event === '') throw new WechatpayValidationError('event', 'an empty key cannot be applied once')
    return event
  }
  if (!event || typeof event !== 'object')
    throw new WechatpayValidationError('event', 'must be a parsed notification or a key string')
  if ('kind' in event) {
    if (event.kind === 'refund') {
      const { refund_id, refund_status } = event.refund
      if (!refund_id)
        throw new WechatpayValidationError('event', 'this v2 refund notification has no refund_id')
      return `v2:refund:${refund_id}:${refund_status ?? ''}`
    }
    const id = event.data.transaction_id
    if (!id)
      throw new WechatpayValidationError(
        'event',
        'this v2 notification has no transaction_id: pass your own key string instead',
      )
    return `v2:pay:${id}`
  }
  if (typeof event.id !== 'string' || event.id === '')
    throw new WechatpayValidationError('event', 'this notification has no id')
  return `v3:${event.id}`
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Runs `handler` once for `event` across every instance sharing `store`: `true` when it ran here,
 * `false` for a duplicate (applied already, or still held by another instance after `waitMs`).
 * A handler that throws releases the claim and its error is rethrown (WeChat Pay's retry then
 * runs it again); a claim whose holder crashed expires after the store's `claimTtlMs`.
 */
export async function runOnce<Tx>(
  event: OnceEvent,
  store: WechatpayStore<Tx>,
  handler: (tx: Tx) => unknown,
  options: OnceOptions = {},
): Promise<boolean> {
  const problem = storeProblem(store)
  if (problem) throw new WechatpayValidationError('store', problem)
  if (typeof handler !== 'function') throw new WechatpayValidationError('handler', 'must be a function')
  const waitMs = options.waitMs ?? DEFAULT_ONCE_WAIT_MS
  if (typeof waitMs !== 'number' || !Number.isFinite(waitMs) || waitMs < 0)
    throw new WechatpayValidationError('waitMs', 'must be a number of milliseconds, 0 or more')
  const key = onceKey(event)
  const deadline = Date.now() + waitMs
  let pause = 25
  for (;;) {
    const state = await store.claim(key, store.claimTtlMs)
    if (state === 'duplicate') return false
    if (state === 'claimed') break
    if (Date.now() >= deadline) return false
    await sleep(Math.min(pause, Math.max(0, deadline - Date.now())))
    pause = Math.min(pause * 2, 500)
  }
  try {
    await handler(store.transaction?.(key) as Tx)
  } catch (err) {
    // The handler's error is what the caller needs; a failing release only delays the retry
    // until the claim expires.
    await store.release(key).catch(() => {})
    throw err
  }
  try {
    await store.complete(key)
  } catch (err) {
    // Not recorded as applied (PostgreSQL: the commit failed, the handler's writes rolled back).
    await store.release(key).catch(() => {})
    throw err
  }
  return true
}
