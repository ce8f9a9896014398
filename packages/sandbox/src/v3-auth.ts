import { type KeyObject, verify } from 'node:crypto'
import { STALE_CREDENTIALS_HINT } from './keys-file'

/** The only scheme APIv3 accepts (docs/protocol.md, "APIv3 request"). */
export const AUTH_SCHEME = 'WECHATPAY2-SHA256-RSA2048'
/** Requests whose timestamp is this many seconds or more away from the gateway clock are refused. */
export const MAX_CLOCK_SKEW_SECONDS = 300

/** The five pairs of an APIv3 `Authorization` header. */
export interface AuthorizationParams {
  mchid: string
  nonce_str: string
  signature: string
  timestamp: string
  serial_no: string
}

const REQUIRED = ['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no'] as const
const PAIR = /^\s*([a-z_]+)="([^"]*)"\s*(?:,|$)/

/**
 * Parses `WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",…`. The order of the pairs is not
 * significant; a missing, duplicated or unparsable pair makes the whole header invalid.
 *
 * @returns the pairs, or a string saying what is wrong
 */
export function parseAuthorization(header: string | undefined): AuthorizationParams | string {
  if (!header) return 'the Authorization header is missing'
  const space = header.indexOf(' ')
  if (space < 0 || header.slice(0, space) !== AUTH_SCHEME) {
    return `the Authorization scheme must be ${AUTH_SCHEME}`
  }
  const pairs = new Map<string, string>()
  let rest = header.slice(space + 1)
  while (rest.trim() !== '') {
    const match = PAIR.exec(rest)
    if (!match) return 'the Authorization header is not a list of key="value" pairs'
    const [whole, key, value] = match as unknown as [string, string, string]
    if (pairs.has(key)) return `the Authorization header repeats ${key}`
    pairs.set(key, value)
    rest = rest.slice(whole.length)
  }
  for (const key of REQUIRED) {
    if (!pairs.get(key)) return `the Authorization header lacks ${key}`
  }
  return Object.fromEntries(pairs) as unknown as AuthorizationParams
}

/** What a request must match to pass the APIv3 signature check. */
export interface V3AuthExpectation {
  mchid: string
  serial: string
  publicKey: KeyObject
  /** Gateway time, seconds. */
  nowSeconds: number
}

/** The request as it came off the wire. */
export interface V3RawRequest {
  method: string
  /** The request target exactly as received (path and query, percent-encoded as sent). */
  target: string
  authorization: string | undefined
  body: Uint8Array
}

/**
 * Checks an APIv3 request: header shape, merchant id, merchant serial, the 300 s window and the
 * SHA256withRSA signature over `METHOD\nPATH_AND_QUERY\nTIMESTAMP\nNONCE\nBODY\n` (raw body bytes).
 *
 * @returns `undefined` when the request is authentic, else the reason it is not
 */
export function checkV3Request(req: V3RawRequest, expect: V3AuthExpectation): string | undefined {
  const auth = parseAuthorization(req.authorization)
  if (typeof auth === 'string') return auth
  if (auth.mchid !== expect.mchid) return `mchid ${auth.mchid} is not this merchant`
  if (auth.serial_no !== expect.serial) {
    return `serial_no ${auth.serial_no} is not this sandbox's merchant API certificate serial: ${STALE_CREDENTIALS_HINT}`
  }
  if (!/^\d{1,12}$/.test(auth.timestamp)) return 'timestamp must be Unix seconds'
  // Go/Java fail at exactly 300 s, so the gateway is taken to refuse |Δ| >= 300 (docs/protocol.md)
  if (Math.abs(expect.nowSeconds - Number(auth.timestamp)) >= MAX_CLOCK_SKEW_SECONDS) {
    return `timestamp ${auth.timestamp} is ${MAX_CLOCK_SKEW_SECONDS} s or more away from gateway time ${expect.nowSeconds}`
  }
  const message = Buffer.concat([
    Buffer.from(`${req.method}\n${req.target}\n${auth.timestamp}\n${auth.nonce_str}\n`),
    req.body,
    Buffer.from('\n'),
  ])
  let valid = false
  try {
    valid = verify('sha256', message, expect.publicKey, Buffer.from(auth.signature, 'base64'))
  } catch {
    valid = false
  }
  return valid
    ? undefined
    : `the signature does not verify with this sandbox's merchant key: ${STALE_CREDENTIALS_HINT} (if not, the method, path, query or body changed after signing)`
}
