import { type Bytes, utf8, utf8Decoder } from '../encoding'
import { JSON_V2, NONCELESS_V2, QUERY_SIGNED_V2, UNSIGNED_V2, V2_UPLOADS } from '../endpoints/catalogue/table'
import {
  apiErrorOf,
  WechatpayBusinessError,
  WechatpaySignatureError,
  WechatpayValidationError,
} from '../errors'
import type { Config } from '../options'
import type { TransportResponse } from '../transport/types'
import type { WechatpayResponse } from '../types/call'
import { queryString } from '../uri-template'
import { MAY_HAVE_TAKEN_EFFECT } from '../v3/verify'
import { signFields } from './fields'
import { encodeV2Media } from './multipart'
import { type SignType, verifyV2 } from './sign'
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

/**
 * Prepares an APIv2 body: the fields checked ({@link checkedFields}), `nonce_str` added when
 * absent or empty (not on the endpoints of NONCELESS_V2), signed with `sign_type` (MD5 by
 * default), as XML. `template` is the endpoint's path template (`v2/…`).
 */
export async function prepareV2(
  config: Config,
  xml: unknown,
  hmacKey: () => Promise<CryptoKey>,
  template = '',
): Promise<{ body: Bytes; signType: SignType }> {
  const { fields, signType } = await signFields(config, xml, 'xml', hmacKey, !NONCELESS_V2.has(template))
  return { body: utf8.encode(buildXml(fields)), signType }
}

/** What an APIv2 request sends: its body (or none), headers, and for a query-signed GET the query. */
export interface PreparedV2 {
  body: Bytes | undefined
  signType: SignType
  contentType: string | undefined
  accept: string
  /** `?…` with the signed fields, replacing the call's query (the JSON_V2 endpoints). */
  query: string | undefined
}

/**
 * Prepares any APIv2 call by its endpoint's rules (the generated table): an XML body; a
 * multipart upload (V2_UPLOADS); or, for the GET endpoints of QUERY_SIGNED_V2, the fields and
 * their sign in the query string. Every check runs before any I/O.
 */
export async function prepareV2Call(
  config: Config,
  template: string,
  options: { xml?: unknown; query?: unknown; media?: unknown },
  hmacKey: () => Promise<CryptoKey>,
): Promise<PreparedV2> {
  const upload = V2_UPLOADS.get(template)
  if (upload) {
    const encoded = await encodeV2Media(config, upload, options.xml, options.media, hmacKey)
    const { body, contentType, signType } = encoded
    return { body, contentType, signType, accept: 'text/xml, application/xml', query: undefined }
  }
  if (options.media !== undefined)
    throw new WechatpayValidationError('media', `is for upload endpoints; ${template} takes \`xml\``)
  if (QUERY_SIGNED_V2.has(template)) {
    if (options.xml !== undefined)
      throw new WechatpayValidationError('xml', `${template} takes its fields in \`query\``)
    const nonceField = !NONCELESS_V2.has(template)
    const { fields, signType } = await signFields(config, options.query, 'query', hmacKey, nonceField)
    const accept = JSON_V2.has(template) ? 'application/json' : 'text/xml, application/xml'
    return { body: undefined, contentType: undefined, signType, accept, query: queryString(fields) }
  }
  const { body, signType } = await prepareV2(config, options.xml, hmacKey, template)
  return {
    body,
    signType,
    contentType: 'text/xml; charset=utf-8',
    accept: 'text/xml, application/xml',
    query: undefined,
  }
}

/** An unsigned JSON reply (JSON_V2): `retcode` 0 is success; another is a business error. */
function decodeJson(reply: TransportResponse): WechatpayResponse<unknown> {
  const { status, headers, body } = reply
  let data: unknown
  try {
    data = JSON.parse(utf8Decoder.decode(body))
  } catch {
    // refused below
  }
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw new WechatpaySignatureError('reply refused: not a JSON object', {
      status,
      requestId: headers['request-id'],
    })
  const { retcode, retmsg } = data as { retcode?: unknown; retmsg?: unknown }
  if (retcode !== 0 && retcode !== '0') {
    const failure: Record<string, string> = { return_code: 'FAIL', err_code: String(retcode) }
    if (typeof retmsg === 'string') failure.return_msg = retmsg
    throw new WechatpayBusinessError(status, failure)
  }
  return { status, headers, data }
}

/**
 * Decodes an APIv2 reply: XML parsed with every value a string; the `sign` verified (same sign
 * type, constant time) whenever `return_code` is SUCCESS — a missing sign is accepted on the
 * endpoints of UNSIGNED_V2 only, by `template`; the JSON_V2 endpoints' JSON parsed, unsigned; a FAIL becomes `WechatpayBusinessError`:
 * with the verified `err_code` after a `result_code` FAIL, with code `FAIL` after an (unsigned)
 * `return_code` FAIL.
 */
export async function decodeV2(
  config: Config,
  reply: TransportResponse,
  signType: SignType,
  hmacKey: () => Promise<CryptoKey>,
  download = false,
  template = '',
): Promise<WechatpayResponse<unknown>> {
  const { status, headers, body } = reply
  if (status < 200 || status > 299) throw apiErrorOf(reply)
  if (JSON_V2.has(template)) return decodeJson(reply)
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
    // The endpoints of UNSIGNED_V2 answer without a sign (red packets, 企业付款, …): a reply
    // without one is taken there, and only there; a sign that is present is verified everywhere.
    const unsigned = data.sign === undefined && UNSIGNED_V2.has(template)
    // prepareV2 has checked that the secret is there
    if (!unsigned && !(await verifyV2(data, config.secret!, signType, hmacKey))) {
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
