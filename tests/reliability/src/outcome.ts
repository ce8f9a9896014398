// How a call ended, as data: accepted, refused with an exact SDK error class and code, or crashed
// (anything that is not a WechatpayError). Tables of cases compare these.
import {
  WechatpayApiError,
  WechatpayBusinessError,
  WechatpayError,
  WechatpaySignatureError,
  WechatpayTransportError,
  WechatpayValidationError,
} from '@wxpay/core'

export type ErrorClass =
  | 'WechatpayValidationError'
  | 'WechatpaySignatureError'
  | 'WechatpayApiError'
  | 'WechatpayBusinessError'
  | 'WechatpayTransportError'

export type Outcome =
  | { outcome: 'accepted' }
  | { outcome: 'refused'; error: ErrorClass; code: string }
  | { outcome: 'crashed'; error: string }

const CLASSES: Array<[ErrorClass, Function]> = [
  ['WechatpayValidationError', WechatpayValidationError],
  ['WechatpaySignatureError', WechatpaySignatureError],
  ['WechatpayApiError', WechatpayApiError],
  ['WechatpayBusinessError', WechatpayBusinessError],
  ['WechatpayTransportError', WechatpayTransportError],
]

/** The exact class (by prototype, not `instanceof`, so a subclass mix-up shows). */
export function classify(err: unknown): Outcome {
  if (err instanceof WechatpayError) {
    const proto = Object.getPrototypeOf(err) as { constructor?: unknown }
    const entry = CLASSES.find(([, cls]) => proto.constructor === cls)
    if (entry) return { outcome: 'refused', error: entry[0], code: err.code }
  }
  return { outcome: 'crashed', error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }
}

export interface Settled<T> {
  outcome: Outcome
  value?: T
  error?: unknown
  ms: number
}

/** Awaits a call (or a function that may throw synchronously) and classifies how it ended. */
export async function settle<T>(call: () => Promise<T> | T): Promise<Settled<T>> {
  const start = performance.now()
  try {
    const value = await call()
    return { outcome: { outcome: 'accepted' }, value, ms: performance.now() - start }
  } catch (error) {
    return { outcome: classify(error), error, ms: performance.now() - start }
  }
}

export const accepted: Outcome = { outcome: 'accepted' }
export const refused = (error: ErrorClass, code: string): Outcome => ({ outcome: 'refused', error, code })
export const SIGNATURE = refused('WechatpaySignatureError', 'SIGNATURE_INVALID')

export function describe(outcome: Outcome): string {
  if (outcome.outcome === 'accepted') return 'accepted'
  if (outcome.outcome === 'refused') return `${outcome.error} ${outcome.code}`
  return `CRASH ${outcome.error}`
}
