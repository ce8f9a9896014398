import { WechatpayTransportError, WechatpayValidationError } from '../errors'

/** `retry` of `new Wechatpay()`: a number of retries, or the whole policy. */
export interface RetryOptions {
  /** Retries after the first attempt (0 to 10). Default 2 when `retry` is an object. */
  retries?: number
  /** The first backoff, in milliseconds, doubled each retry (with jitter). Default 200. */
  minDelayMs?: number
  /** The longest backoff, in milliseconds; a longer `Retry-After` gives up instead. Default 5 000. */
  maxDelayMs?: number
}

/** The validated policy. */
export interface RetryPolicy {
  retries: number
  minDelayMs: number
  maxDelayMs: number
}

export const NO_RETRY: RetryPolicy = { retries: 0, minDelayMs: 200, maxDelayMs: 5_000 }

function count(option: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new WechatpayValidationError(option, `must be an integer from ${min} to ${max}`)
  return value
}

/** Checks the `retry` option at construction. */
export function retryPolicy(value: unknown): RetryPolicy {
  if (value === undefined || value === false) return NO_RETRY
  if (typeof value === 'number') return { ...NO_RETRY, retries: count('retry', value, 0, 10) }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new WechatpayValidationError(
      'retry',
      'must be a number of retries or { retries, minDelayMs, maxDelayMs }',
    )
  const given = value as RetryOptions
  const policy = {
    retries: given.retries === undefined ? 2 : count('retry.retries', given.retries, 0, 10),
    minDelayMs: given.minDelayMs === undefined ? 200 : count('retry.minDelayMs', given.minDelayMs, 1, 60_000),
    maxDelayMs:
      given.maxDelayMs === undefined ? 5_000 : count('retry.maxDelayMs', given.maxDelayMs, 1, 600_000),
  }
  if (policy.maxDelayMs < policy.minDelayMs)
    throw new WechatpayValidationError('retry.maxDelayMs', 'must be at least minDelayMs')
  return policy
}

/**
 * Backoff before retry `n` (1-based): exponential from `minDelayMs`, capped at `maxDelayMs`, with
 * "equal jitter" (half fixed, half random) so that a fleet does not retry in step.
 */
export function backoff(policy: RetryPolicy, n: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** (n - 1))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

/** `Retry-After` (delta-seconds or an HTTP date) in milliseconds from `now`, or undefined. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  // An HTTP date names its day and month; anything else ("-5", "1.5") is not a Retry-After.
  const date = /[a-z]/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/**
 * Whether a reply says "try again": 429 (`FREQUENCY_LIMITED`), or a 5xx whose body is WeChat Pay's
 * `SYSTEM_ERROR` (its error tables: retry with the same parameters). Another 4xx never is, nor a
 * 5xx that names another code.
 */
export function retryableReply(status: number, body: Uint8Array): boolean {
  if (status === 429) return true
  if (status < 500 || status > 599) return false
  // A short look at the body's code, without a full parse of large bodies.
  const head = new TextDecoder().decode(body.subarray(0, 512))
  return /"code"\s*:\s*"SYSTEM_ERROR"/.test(head)
}

/** Whether a failure happened before any reply (the server never had the request). */
export function retryableFailure(err: unknown): boolean {
  return err instanceof WechatpayTransportError && err.retryable
}

/** Waits `ms`, or rejects with ABORTED as soon as `signal` aborts. */
export function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted())
    const onAbort = () => {
      clearTimeout(timer)
      reject(aborted())
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

function aborted(): WechatpayTransportError {
  return new WechatpayTransportError('ABORTED', 'the call was aborted while waiting to retry')
}
