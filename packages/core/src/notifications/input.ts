import { type Bytes, utf8 } from '../encoding'
import { WechatpaySignatureError, WechatpayValidationError } from '../errors'
import type { NotificationBody, NotificationHeaders } from './types'

/** Notifications larger than this are refused before anything else (real ones are a few KiB). */
export const MAX_NOTIFICATION_BYTES = 1024 * 1024

/** The headers the verifier reads; every other header is ignored. */
const READ = [
  'wechatpay-timestamp',
  'wechatpay-nonce',
  'wechatpay-signature',
  'wechatpay-serial',
  'wechatpay-signature-type',
  'request-id',
]

function isHeaders(value: object): value is Headers {
  return typeof (value as Headers).get === 'function' && typeof (value as Headers).forEach === 'function'
}

/**
 * The headers the verifier reads, lowercased. A header given twice (an array of two values, or
 * two spellings of one name in a plain object) is refused: which copy was signed is unknowable.
 */
export function readHeaders(headers: NotificationHeaders): Record<string, string> {
  if (!headers || typeof headers !== 'object')
    throw new WechatpayValidationError('headers', 'must be the request headers (an object or a Headers)')
  const out: Record<string, string> = Object.create(null)
  const take = (name: string, value: unknown) => {
    const lower = name.toLowerCase()
    if (!READ.includes(lower) || value === undefined) return
    let text: unknown = value
    if (Array.isArray(value)) {
      if (value.length !== 1) throw new WechatpaySignatureError(`notification has ${lower} more than once`)
      text = value[0]
    }
    if (typeof text !== 'string') throw new WechatpayValidationError(`headers.${name}`, 'must be a string')
    if (lower in out) throw new WechatpaySignatureError(`notification has ${lower} more than once`)
    out[lower] = text
  }
  if (isHeaders(headers)) {
    headers.forEach((value, name) => {
      take(name, value)
    })
  } else {
    // for…in over own names: Object.entries would allocate a pair per header of the request.
    const record = headers as Record<string, unknown>
    for (const name in record) if (Object.hasOwn(record, name)) take(name, record[name])
  }
  return out
}

/**
 * The body's bytes, copied (what is verified can no longer change under us). Text is encoded as
 * UTF-8: pass the exact text received. Over {@link MAX_NOTIFICATION_BYTES}: refused.
 */
export function readBody(body: NotificationBody, limit = MAX_NOTIFICATION_BYTES): Bytes {
  const tooLarge = () => new WechatpaySignatureError(`notification body is larger than ${limit} bytes`)
  if (typeof body === 'string') {
    // UTF-8 never takes fewer bytes than UTF-16 code units: a longer string is too large unencoded.
    if (body.length > limit) throw tooLarge()
    const bytes = utf8.encode(body)
    if (bytes.length > limit) throw tooLarge()
    return bytes
  }
  if (body instanceof ArrayBuffer) {
    if (body.byteLength > limit) throw tooLarge()
    return new Uint8Array(body.slice(0))
  }
  if (ArrayBuffer.isView(body) && body instanceof Uint8Array) {
    if (body.length > limit) throw tooLarge()
    // One block copy (Uint8Array.from goes through the iterator, byte by byte).
    const copy = new Uint8Array(body.length)
    copy.set(body)
    return copy
  }
  throw new WechatpayValidationError(
    'body',
    'must be the raw body as received (Uint8Array, Buffer, ArrayBuffer or string), not a parsed object: the signature covers the exact bytes',
  )
}
