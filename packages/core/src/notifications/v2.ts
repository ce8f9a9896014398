import { md5 } from '@noble/hashes/legacy'
import { aesEcbDecrypt } from '../crypto/aes-ecb'
import { fromBase64, toHexUpper, utf8 } from '../encoding'
import { WechatpaySignatureError } from '../errors'
import { type SignType, verifyV2 } from '../v2/sign'
import { MAX_XML_BYTES, parseXml, XmlError } from '../v2/xml'
import { readBody } from './input'
import type { NotificationBody, V2Notification } from './types'

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

function fail(message: string): WechatpaySignatureError {
  return new WechatpaySignatureError(`v2 notification refused: ${message}`)
}

function parse(text: string, root: 'xml' | 'root', what: string): Record<string, string> {
  try {
    return parseXml(text, root)
  } catch (err) {
    if (err instanceof XmlError) throw fail(`${what}: ${err.message}`)
    throw err
  }
}

function decode(bytes: Uint8Array, what: string): string {
  try {
    return strictUtf8.decode(bytes)
  } catch {
    throw fail(`${what} is not UTF-8`)
  }
}

/**
 * The sign type of a notification: `sign_type` when present (MD5 or HMAC-SHA256, nothing else),
 * else by the sign's length as the official SDKs tell them apart (64 hex: HMAC-SHA256, 32: MD5).
 */
function signTypeOf(fields: Readonly<Record<string, string>>): SignType {
  const { sign_type: declared, sign = '' } = fields
  if (declared !== undefined) {
    if (declared === 'MD5' || declared === 'HMAC-SHA256') return declared
    throw fail('sign_type is neither MD5 nor HMAC-SHA256')
  }
  if (/^[0-9A-Fa-f]{64}$/.test(sign)) return 'HMAC-SHA256'
  if (/^[0-9A-Fa-f]{32}$/.test(sign)) return 'MD5'
  throw fail('sign is neither 32 nor 64 hex characters')
}

/**
 * Parses an APIv2 notification. A `sign` is checked with the APIv2 key (core's v2 sign module,
 * constant time, every field but `sign` included); a refund notification has no `sign`: its
 * `req_info` is decrypted with AES-256-ECB under the lowercase hex MD5 of the APIv2 key and must
 * be a `<root>` document. A notification with neither is refused, as is anything malformed.
 *
 * A `mch_id` (or `mchid`) other than the client's `mchid` is refused, as in a v2 request: it is
 * another merchant's notification (a shared APIv2 key, a misrouted `notify_url`). `sub_mch_id` is
 * not compared: the client has no sub-merchant (a service provider serves many with one client),
 * so the handler checks it against its own records.
 */
export async function parseNotificationV2(
  secret: string,
  hmacKey: () => Promise<CryptoKey>,
  body: NotificationBody,
  mchid: string,
): Promise<V2Notification> {
  const bytes = readBody(body, MAX_XML_BYTES)
  const data = parse(decode(bytes, 'the body'), 'xml', 'the body')
  const reqInfo = data.req_info
  if (data.sign === undefined && reqInfo === undefined) throw fail('it has neither sign nor req_info')
  if (data.sign !== undefined) {
    const signType = signTypeOf(data)
    if (!(await verifyV2(data, secret, signType, hmacKey))) throw fail(`sign does not verify (${signType})`)
  }
  for (const field of ['mch_id', 'mchid']) {
    const given = data[field]
    if (given !== undefined && given !== mchid) throw fail(`${field} ${given} is not this client's mchid`)
  }
  if (reqInfo === undefined) return { kind: 'signed', data }
  const sealed = fromBase64(reqInfo)
  if (!sealed) throw fail('req_info is not base64')
  // The key: the APIv2 key's MD5 as 32 lowercase hex characters, used as 32 ASCII bytes.
  const key = utf8.encode(toHexUpper(md5(utf8.encode(secret))).toLowerCase())
  const plain = aesEcbDecrypt(key, sealed)
  if (!plain) throw fail('req_info does not decrypt (wrong secret, or tampered)')
  const refund = parse(decode(plain, 'req_info'), 'root', 'req_info')
  if (Object.keys(refund).length === 0) throw fail('req_info holds no fields')
  return { kind: 'refund', data, refund }
}
