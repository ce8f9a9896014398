// APIv3 test doubles with node:crypto: the reply signer (the sandbox's own), a reply verifier,
// and both sides of the request Authorization header.
import { createPublicKey, type KeyObject, randomBytes, sign, verify } from 'node:crypto'
import { alnum } from '../random'
import { AUTH_SCHEME, checkV3Request, MAX_CLOCK_SKEW_SECONDS } from '../v3-auth'
import { signedReplyHeaders } from '../v3-reply'

/** The five `Wechatpay-*` headers of a signed APIv3 reply or notification. */
export interface WechatpayHeaders extends Record<string, string> {
  'Wechatpay-Timestamp': string
  'Wechatpay-Nonce': string
  'Wechatpay-Signature': string
  'Wechatpay-Serial': string
  'Wechatpay-Signature-Type': string
}

export interface SignV3ReplyOptions {
  /** The platform (WeChat Pay public key) private key, PEM or parsed. */
  privateKey: string | KeyObject
  /** `Wechatpay-Serial`: the `PUB_KEY_ID_…` id or certificate serial the client knows the key by. */
  serial: string
  /** The raw body, as sent (empty for a 204). */
  body: string | Uint8Array
  /** Unix seconds, or any string to sign a malformed timestamp as sent (default: now). */
  timestamp?: number | string
  /** Default: 32 random alphanumerics. */
  nonce?: string
}

/**
 * Signs an APIv3 reply as WeChat Pay does: SHA256withRSA over `TIMESTAMP\nNONCE\nBODY\n` (raw body
 * bytes), base64. Returns the five `Wechatpay-*` headers. Same code as the sandbox's replies.
 */
export function signV3Reply(options: SignV3ReplyOptions): WechatpayHeaders {
  return signedReplyHeaders(
    options.body,
    options.timestamp ?? Math.floor(Date.now() / 1000),
    { serial: options.serial, privateKey: options.privateKey },
    'none',
    options.nonce ?? alnum(32),
  ) as WechatpayHeaders
}

export interface VerifyV3ReplyOptions {
  /** Reply headers (names in any case). */
  headers: Headers | Record<string, string | string[] | undefined>
  body: string | Uint8Array
  /** The serial the key is known by: a reply naming another serial does not verify. */
  serial: string
  /** The platform public key, SPKI PEM (or a certificate, or parsed). */
  publicKey: string | KeyObject
  /** Unix seconds: when given, a timestamp 300 s or more away does not verify. */
  now?: number
}

function header(headers: VerifyV3ReplyOptions['headers'], name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1]
  return Array.isArray(entry) ? undefined : entry
}

/**
 * Whether an APIv3 reply (or notification) verifies with node:crypto: the four headers present,
 * the serial the one expected, the signature over `TIMESTAMP\nNONCE\nBODY\n` valid.
 */
export function verifyV3Reply(options: VerifyV3ReplyOptions): boolean {
  const timestamp = header(options.headers, 'wechatpay-timestamp')
  const nonce = header(options.headers, 'wechatpay-nonce')
  const signature = header(options.headers, 'wechatpay-signature')
  if (!timestamp || !nonce || !signature) return false
  if (header(options.headers, 'wechatpay-serial') !== options.serial) return false
  if (options.now !== undefined && Math.abs(options.now - Number(timestamp)) >= MAX_CLOCK_SKEW_SECONDS)
    return false
  const body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body
  const message = Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`), body, Buffer.from('\n')])
  try {
    return verify('sha256', message, options.publicKey, Buffer.from(signature, 'base64'))
  } catch {
    return false
  }
}

export interface V3AuthorizationOptions {
  /** The merchant API private key, PEM or parsed. */
  privateKey: string | KeyObject
  mchid: string
  /** The merchant API certificate serial. */
  serial: string
  method: string
  /** Path and query exactly as sent, e.g. `/v3/pay/transactions/out-trade-no/T1/close`. */
  target: string
  body?: string
  /** Unix seconds (default: now). */
  timestamp?: number
  /** Default: 32 random hex digits. */
  nonce?: string
}

/** An APIv3 request `Authorization` header, made with node:crypto (a client-side double). */
export function v3Authorization(options: V3AuthorizationOptions): string {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000)
  const nonce = options.nonce ?? randomBytes(16).toString('hex')
  const message = `${options.method}\n${options.target}\n${timestamp}\n${nonce}\n${options.body ?? ''}\n`
  const signature = sign('sha256', Buffer.from(message), options.privateKey).toString('base64')
  return (
    `${AUTH_SCHEME} mchid="${options.mchid}",nonce_str="${nonce}",` +
    `signature="${signature}",timestamp="${timestamp}",serial_no="${options.serial}"`
  )
}

export interface CheckV3AuthorizationOptions {
  mchid: string
  /** The merchant API certificate serial the header must name. */
  serial: string
  /** The merchant public key (SPKI PEM or parsed). */
  publicKey: string | KeyObject
  /** Gateway time, Unix seconds (default: now). */
  now?: number
}

/**
 * Checks an APIv3 request's `Authorization` header as the gateway does (the sandbox's own check):
 * scheme and pairs, mchid, serial, the 300 s window, SHA256withRSA over
 * `METHOD\nTARGET\nTIMESTAMP\nNONCE\nBODY\n`.
 *
 * @returns `undefined` when the request is authentic, else the reason it is not
 */
export function checkV3Authorization(
  request: { method: string; target: string; authorization: string | undefined; body: string | Uint8Array },
  expected: CheckV3AuthorizationOptions,
): string | undefined {
  return checkV3Request(
    {
      method: request.method,
      target: request.target,
      authorization: request.authorization,
      body: typeof request.body === 'string' ? Buffer.from(request.body) : request.body,
    },
    {
      mchid: expected.mchid,
      serial: expected.serial,
      publicKey:
        typeof expected.publicKey === 'string' ? createPublicKey(expected.publicKey) : expected.publicKey,
      nowSeconds: expected.now ?? Math.floor(Date.now() / 1000),
    },
  )
}
