import { rsaVerify } from '../crypto/signature'
import { type Bytes, fromBase64, utf8, utf8Decoder } from '../encoding'
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
  // A reply refused here answers a request WeChat Pay received: say so, the caller must not simply retry.
  const fail = (message: string) =>
    status === undefined
      ? new WechatpaySignatureError(message, { requestId })
      : new WechatpaySignatureError(`${message}${MAY_HAVE_TAKEN_EFFECT}`, { status, requestId })
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
  // A control character (CR, LF, NUL, …) is no part of any value WeChat Pay sends; in the nonce it
  // would even shift the lines of the signed message. Node's HTTP parser refuses most of them in a
  // reply, but notifications come through the application's framework, which may not.
  if (CONTROL.test(timestamp) || CONTROL.test(nonce) || CONTROL.test(signature) || CONTROL.test(serial)) {
    const name = CONTROL.test(timestamp)
      ? 'Wechatpay-Timestamp'
      : CONTROL.test(nonce)
        ? 'Wechatpay-Nonce'
        : CONTROL.test(signature)
          ? 'Wechatpay-Signature'
          : 'Wechatpay-Serial'
    throw fail(`${name} contains a control character`)
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
  const message = signedMessage(`${timestamp}\n${nonce}\n`, input.body)
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
  if (valid !== true)
    throw fail(
      `Wechatpay-Signature does not verify${subject === 'notification' ? reserialised(input.body) : ''}`,
    )
}

/** Appended to every refused reply: the request reached WeChat Pay before its reply was refused. */
export const MAY_HAVE_TAKEN_EFFECT =
  ' (the request reached WeChat Pay and may already have taken effect: query its state before sending it again)'

/**
 * A hint when a notification's body looks parsed and serialised again: WeChat Pay sends compact
 * JSON in the order id, create_time, resource_type, event_type, summary, resource; indentation,
 * spaces after `:` or `,`, or another key order mean the bytes are not the ones it signed.
 */
function reserialised(body: Bytes): string {
  const text = utf8Decoder.decode(body)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return ''
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return ''
  const spaced = /^\s|\n|":\s|,\s"/.test(text)
  const order = ['id', 'create_time', 'resource_type', 'event_type', 'summary', 'resource']
  const keys = Object.keys(parsed).filter((key) => order.includes(key))
  const reordered = keys.some((key, i) => i > 0 && order.indexOf(key) < order.indexOf(keys[i - 1] as string))
  if (!spaced && !reordered) return ''
  return `; the body looks ${spaced ? 'reformatted' : 'reordered'} (not WeChat Pay's compact JSON): pass the raw body bytes as received, not JSON.stringify() of a parsed body`
}

/**
 * `HEAD` + body + `\n` as bytes, in one allocation (three small ones cost more than the copying):
 * room for the head at its largest in UTF-8, the view cut to what was written.
 */
function signedMessage(head: string, body: Bytes): Bytes {
  const out = new Uint8Array(head.length * 3 + body.length + 1)
  const { written } = utf8.encodeInto(head, out)
  out.set(body, written)
  out[written + body.length] = 0x0a
  return out.subarray(0, written + body.length + 1)
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f]/

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
