// The fields of an APIv2 request, checked and signed. Kept apart from the XML codec (v2/call.ts)
// so that page URLs, reachable from every client, do not pull the XML library into a v3-only bundle.
import { nonce } from '../encoding'
import { WechatpayValidationError } from '../errors'
import { refuseSensitive } from '../keys/sensitive'
import type { Config } from '../options'
import { type SignType, signV2 } from './sign'

/** Whitespace at either end of a value. */
const EDGE_WHITESPACE = /^\s|\s$/

/** Anything outside XML 1.0's `Char` production (https://www.w3.org/TR/xml/#charsets). */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u

/**
 * The fields of an APIv2 request, checked: names, string values XML (or a query) can carry,
 * `mch_id` equal to the client's `mchid`, no whitespace at either end; `sign` dropped (the SDK
 * signs). `option` names the container in errors (`xml`, `query`).
 */
export function checkedFields(
  config: Config,
  given: unknown,
  option: 'xml' | 'query',
): Record<string, string> {
  if (!given || typeof given !== 'object' || Array.isArray(given)) {
    throw new WechatpayValidationError(option, `APIv2 calls need an \`${option}\` object of fields`)
  }
  // No prototype: `fields.__proto__ = …` would silently drop the field from the body and the sign.
  const fields: Record<string, string> = Object.create(null)
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined || name === 'sign') continue
    const path = `${option}.${name}`
    refuseSensitive(path, value)
    if (!/^[A-Za-z_][\w.-]*$/.test(name))
      throw new WechatpayValidationError(path, 'is not a valid XML element name')
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
      throw new WechatpayValidationError(path, `must be a string or a number, got ${typeof value}`)
    }
    const text = String(value)
    // XML parsers turn \r\n into \n, even inside CDATA: the gateway would check another string.
    if (text.includes('\r')) throw new WechatpayValidationError(path, 'must not contain a carriage return')
    // A control character makes the XML malformed (the gateway refuses it after a round trip); a
    // lone surrogate would be sent, and signed, as U+FFFD: a value other than the one given.
    if (NOT_XML_CHAR.test(text)) {
      throw new WechatpayValidationError(
        path,
        'holds a character XML 1.0 cannot carry (a control character or a lone surrogate)',
      )
    }
    // WeChat Pay trims values before checking the sign: it would check another string than this one.
    if (EDGE_WHITESPACE.test(text))
      throw new WechatpayValidationError(path, 'must not start or end with whitespace')
    fields[name] = text
  }
  for (const idField of ['mch_id', 'mchid']) {
    const value = fields[idField]
    if (value !== undefined && value !== config.mchid) {
      throw new WechatpayValidationError(
        `${option}.${idField}`,
        `is ${value}, but this client is merchant ${config.mchid}`,
      )
    }
  }
  return fields
}

/**
 * Checks and signs APIv2 fields: `nonce_str` added when absent or empty unless the endpoint takes
 * none (`nonce: false`: the generated NONCELESS_V2, pages), `sign` with `sign_type` (MD5 by default).
 */
export async function signFields(
  config: Config,
  given: unknown,
  option: 'xml' | 'query',
  hmacKey: () => Promise<CryptoKey>,
  nonceField: boolean,
): Promise<{ fields: Record<string, string>; signType: SignType }> {
  const { secret } = config
  if (!secret) throw new WechatpayValidationError('secret', 'APIv2 calls need the APIv2 key')
  const fields = checkedFields(config, given, option)
  const signType = fields.sign_type ?? 'MD5'
  if (signType !== 'MD5' && signType !== 'HMAC-SHA256') {
    throw new WechatpayValidationError(`${option}.sign_type`, 'must be MD5 or HMAC-SHA256')
  }
  // An empty nonce_str is one not given (empty values are left out of the sign): generate it.
  if (!fields.nonce_str) {
    if (nonceField) fields.nonce_str = nonce()
    else delete fields.nonce_str
  }
  fields.sign = await signV2(fields, secret, signType, hmacKey)
  return { fields, signType }
}
