import { type Bytes, nonce, utf8, utf8Decoder } from '../encoding'
import {
  apiErrorOf,
  WechatpayBusinessError,
  WechatpaySignatureError,
  WechatpayValidationError,
} from '../errors'
import { refuseSensitive } from '../keys/sensitive'
import type { Config } from '../options'
import type { TransportResponse } from '../transport/types'
import type { WechatpayResponse } from '../types/call'
import { MAY_HAVE_TAKEN_EFFECT } from '../v3/verify'
import { type SignType, signV2, verifyV2 } from './sign'
import { buildXml, MAX_XML_BYTES, parseXml, XmlError } from './xml'

export { MAX_XML_BYTES }

/** Whether a reply body starts (after whitespace) with `<`: XML, not a bill file. */
function looksLikeXml(body: Bytes): boolean {
  for (const byte of body) {
    if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) continue
    return byte === 0x3c
  }
  return false
}

/** Whitespace at either end of a value. */
const EDGE_WHITESPACE = /^\s|\s$/

/** Anything outside XML 1.0's `Char` production (https://www.w3.org/TR/xml/#charsets). */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u

/**
 * Prepares an APIv2 body: the fields checked (names, string values XML can carry, `mch_id` equal
 * to the client's `mchid`, no whitespace at either end), `nonce_str` added when absent or empty,
 * signed with `sign_type` (MD5 by default), as XML.
 */
export async function prepareV2(
  config: Config,
  xml: unknown,
  hmacKey: () => Promise<CryptoKey>,
): Promise<{ body: Bytes; signType: SignType }> {
  const { secret } = config
  if (!secret) throw new WechatpayValidationError('secret', 'APIv2 calls need the APIv2 key')
  if (!xml || typeof xml !== 'object' || Array.isArray(xml)) {
    throw new WechatpayValidationError('xml', 'APIv2 calls need an `xml` object of fields')
  }
  // No prototype: `fields.__proto__ = …` would silently drop the field from the body and the sign.
  const fields: Record<string, string> = Object.create(null)
  for (const [name, value] of Object.entries(xml)) {
    if (value === undefined || name === 'sign') continue
    const option = `xml.${name}`
    refuseSensitive(option, value)
    if (!/^[A-Za-z_][\w.-]*$/.test(name))
      throw new WechatpayValidationError(option, 'is not a valid XML element name')
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
      throw new WechatpayValidationError(option, `must be a string or a number, got ${typeof value}`)
    }
    const text = String(value)
    // XML parsers turn \r\n into \n, even inside CDATA: the gateway would check another string.
    if (text.includes('\r')) throw new WechatpayValidationError(option, 'must not contain a carriage return')
    // A control character makes the XML malformed (the gateway refuses it after a round trip); a
    // lone surrogate would be sent, and signed, as U+FFFD: a value other than the one given.
    if (NOT_XML_CHAR.test(text)) {
      throw new WechatpayValidationError(
        option,
        'holds a character XML 1.0 cannot carry (a control character or a lone surrogate)',
      )
    }
    // WeChat Pay trims values before checking the sign: it would check another string than this one.
    if (EDGE_WHITESPACE.test(text))
      throw new WechatpayValidationError(option, 'must not start or end with whitespace')
    fields[name] = text
  }
  for (const idField of ['mch_id', 'mchid']) {
    const given = fields[idField]
    if (given !== undefined && given !== config.mchid) {
      throw new WechatpayValidationError(
        `xml.${idField}`,
        `is ${given}, but this client is merchant ${config.mchid}`,
      )
    }
  }
  const signType = fields.sign_type ?? 'MD5'
  if (signType !== 'MD5' && signType !== 'HMAC-SHA256') {
    throw new WechatpayValidationError('xml.sign_type', 'must be MD5 or HMAC-SHA256')
  }
  // An empty nonce_str is one not given (empty values are left out of the sign): generate it.
  if (!fields.nonce_str) fields.nonce_str = nonce()
  fields.sign = await signV2(fields, secret, signType, hmacKey)
  return { body: utf8.encode(buildXml(fields)), signType }
}

/**
 * Decodes an APIv2 reply: XML parsed with every value a string; the `sign` verified (same sign
 * type, constant time) whenever `return_code` is SUCCESS; a FAIL becomes `WechatpayBusinessError`:
 * with the verified `err_code` after a `result_code` FAIL, with code `FAIL` after an (unsigned)
 * `return_code` FAIL.
 */
export async function decodeV2(
  config: Config,
  reply: TransportResponse,
  signType: SignType,
  hmacKey: () => Promise<CryptoKey>,
  download = false,
): Promise<WechatpayResponse<unknown>> {
  const { status, headers, body } = reply
  if (status < 200 || status > 299) throw apiErrorOf(reply)
  // v2 downloadbill / downloadfundflow: the file (CSV, or gzip with tar_type=GZIP) on success,
  // unsigned; an XML document (return_code FAIL) on failure, handled below like any reply.
  if (download && !looksLikeXml(body)) return { status, headers, data: body }
  const requestId = headers['request-id']
  let data: Record<string, string>
  try {
    data = parseXml(utf8Decoder.decode(body))
  } catch (err) {
    if (err instanceof XmlError)
      throw new WechatpaySignatureError(`reply refused: ${err.message}${MAY_HAVE_TAKEN_EFFECT}`, {
        status,
        requestId,
      })
    throw err
  }
  if (data.return_code === 'SUCCESS') {
    // prepareV2 has checked that the secret is there
    if (!(await verifyV2(data, config.secret!, signType, hmacKey))) {
      throw new WechatpaySignatureError(`reply sign does not verify (${signType})${MAY_HAVE_TAKEN_EFFECT}`, {
        status,
        requestId,
      })
    }
    if (data.result_code !== undefined && data.result_code !== 'SUCCESS')
      throw new WechatpayBusinessError(status, data)
    return { status, headers, data }
  }
  if (data.return_code === 'FAIL') {
    // Unsigned: whoever wrote it must not choose the error's code (an `err_code` such as ORDERPAID
    // would read as a verified business answer). Only return_code and return_msg are kept.
    const unverified: Record<string, string> = { return_code: 'FAIL' }
    if (data.return_msg) unverified.return_msg = data.return_msg
    throw new WechatpayBusinessError(status, unverified)
  }
  throw new WechatpaySignatureError(`reply has no return_code${MAY_HAVE_TAKEN_EFFECT}`, { status, requestId })
}
