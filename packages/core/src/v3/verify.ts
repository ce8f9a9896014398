import { rsaVerify } from '../crypto/keys'
import { type Bytes, concatBytes, fromBase64, utf8 } from '../encoding'
import { WechatpaySignatureError } from '../errors'

/** Replies whose timestamp is this far (or farther) from now, in either direction, are refused. */
export const MAX_SKEW_SECONDS = 300

/** Finds the key of a serial, possibly asynchronously (the key store refreshes on an unknown serial). */
export interface KeyResolver {
  resolve(serial: string): Promise<CryptoKey | undefined>
}

export interface VerifyInput {
  /** The reply's HTTP status; none for a notification. */
  status?: number
  /** What is verified, as error messages name it. Default `reply`. */
  subject?: 'reply' | 'notification'
  headers: Record<string, string>
  body: Bytes
  /** Serial → imported platform key: a map, or the client's key store (which may download on a miss). */
  keys: ReadonlyMap<string, Promise<CryptoKey>> | KeyResolver
  /** Current time in ms. */
  now?: number
}

/**
 * Verifies an APIv3 reply or notification: the four `Wechatpay-*` headers must be present, the
 * timestamp within {@link MAX_SKEW_SECONDS} of now, the serial configured, and the signature over
 * `TIMESTAMP\nNONCE\nBODY\n` (the raw body bytes, before any parsing) valid. Fails closed: every
 * failure, including WeChat Pay's deliberate `WECHATPAY/SIGNTEST/` probes, throws.
 */
export async function verifyReply(input: VerifyInput): Promise<void> {
  const { headers, status, subject = 'reply' } = input
  const requestId = headers['request-id']
  const fail = (message: string) =>
    new WechatpaySignatureError(message, status === undefined ? { requestId } : { status, requestId })
  const timestamp = fieldValue(headers['wechatpay-timestamp'])
  const nonce = fieldValue(headers['wechatpay-nonce'])
  const signature = fieldValue(headers['wechatpay-signature'])
  const serial = fieldValue(headers['wechatpay-serial'])
  if (!timestamp || !nonce || !signature || !serial) {
    const missing = [
      ['Wechatpay-Timestamp', timestamp],
      ['Wechatpay-Nonce', nonce],
      ['Wechatpay-Signature', signature],
      ['Wechatpay-Serial', serial],
    ]
      .filter(([, value]) => !value)
      .map(([name]) => name)
    throw fail(`${subject} is missing ${missing.join(', ')}`)
  }
  if (!/^\d{1,12}$/.test(timestamp)) throw fail('Wechatpay-Timestamp is not a Unix time in seconds')
  // Whole seconds, as the official SDKs compare: a reply stamped 300 s away is refused.
  const skew = Math.abs(Math.floor((input.now ?? Date.now()) / 1000) - Number(timestamp))
  if (!(skew < MAX_SKEW_SECONDS)) throw fail(`Wechatpay-Timestamp is ${Math.round(skew)} s away from now`)
  const { keys } = input
  const key = 'resolve' in keys ? await keys.resolve(serial) : keys.get(serial)
  if (!key)
    throw fail(
      `Wechatpay-Serial ${JSON.stringify(serial)} is not among the configured certs or downloaded certificates`,
    )
  if (signature.startsWith('WECHATPAY/SIGNTEST/'))
    throw fail(`${subject} carries a WECHATPAY/SIGNTEST/ probe signature`)
  const signatureBytes = fromBase64(signature)
  if (!signatureBytes) throw fail('Wechatpay-Signature is not base64')
  const message = concatBytes(utf8.encode(`${timestamp}\n${nonce}\n`), input.body, NEWLINE)
  // A key Web Crypto refused rejects with the WechatpayValidationError naming it (options.ts): a
  // misconfiguration, not a bad signature. It still throws, so verification fails closed.
  const cryptoKey = await key
  let valid = false
  try {
    const answer = rsaVerify(cryptoKey, signatureBytes, message)
    valid = typeof answer === 'boolean' ? answer : await answer
  } catch {
    valid = false
  }
  if (valid !== true) throw fail('Wechatpay-Signature does not verify')
}

const NEWLINE = new Uint8Array([0x0a])

const OWS = /^[ \t]+|[ \t]+$/g

/**
 * A header's value without the optional whitespace around it (RFC 9110 §5.5: it is not part of
 * the value). Transports differ: fetch and undici drop the leading whitespace but keep trailing.
 */
function fieldValue(value: string | undefined): string | undefined {
  if (!value) return value
  const first = value.charCodeAt(0)
  const last = value.charCodeAt(value.length - 1)
  // Most values have none: skip the regex.
  if (first !== 32 && first !== 9 && last !== 32 && last !== 9) return value
  return value.replace(OWS, '')
}
