import { type Bytes, utf8, utf8Decoder } from '../encoding'
import { DOWNLOADS, STATEMENTS } from '../endpoints/catalogue/table'
import { apiErrorOf, WechatpayApiError, WechatpayValidationError } from '../errors'
import { encryptSensitive, stringifyJson } from '../keys/sensitive'
import type { Config } from '../options'
import type { TransportResponse } from '../transport/types'
import type { WechatpayResponse } from '../types/call'
import { authorization } from './authorization'
import { verifyReply } from './verify'

/** v3 replies larger than this are refused (the largest documented JSON replies are far smaller). */
export const MAX_JSON_BYTES = 8 * 1024 * 1024
/** Replies of download endpoints (images, statements) larger than this are refused; bills: `wxpay.download`. */
export const MAX_DOWNLOAD_REPLY_BYTES = 64 * 1024 * 1024

/**
 * Prepares an APIv3 request: the JSON body serialised once (those bytes are signed and sent),
 * `Accept`, `Content-Type` only with a body, `Wechatpay-Serial`, and `Authorization` over
 * `METHOD\nPATH_AND_QUERY\nTIMESTAMP\nNONCE\nBODY\n`. Throws before any I/O on a missing credential.
 */
export async function prepareV3(
  config: Config,
  request: {
    method: string
    pathAndQuery: string
    headers: Record<string, string>
    json: unknown
    xml: unknown
    /** A file for an upload endpoint: sent as multipart, and its `meta` JSON is what is signed. */
    media?: unknown
  },
): Promise<Bytes | undefined> {
  const { serial, signer, keys } = config
  if (!serial)
    throw new WechatpayValidationError('serial', 'APIv3 calls need the merchant certificate serial')
  if (!signer)
    throw new WechatpayValidationError(
      'privateKey',
      'APIv3 calls need the merchant private key (or a signer)',
    )
  if (!keys.configured) {
    throw new WechatpayValidationError(
      'certs',
      'APIv3 calls need at least one platform key to verify replies (or autoCertificates)',
    )
  }
  if (request.xml !== undefined)
    throw new WechatpayValidationError('xml', 'is for v2/ paths; APIv3 takes `json`')
  if (request.media !== undefined) {
    if (request.json !== undefined)
      throw new WechatpayValidationError(
        'media',
        'an upload sends `media` only; extra meta keys go in media.meta',
      )
    if (request.method !== 'POST') throw new WechatpayValidationError('media', 'is uploaded with post')
    // The endpoint's meta shape and digest (generated UPLOAD_META), by the path under the base URL.
    const path = request.pathAndQuery.slice(config.baseUrl.pathname.length).split('?')[0]!
    // The multipart encoder and SM3 are imported on the first upload: a client that never
    // uploads (most Workers) does not load them.
    const { encodeMedia, uploadRuleOf } = await import('./multipart')
    const encoded = await encodeMedia(request.media, uploadRuleOf(path))
    if (!keys.isReady) await keys.ready()
    const { headers } = request
    headers.accept ??= 'application/json'
    if (headers['wechatpay-serial'] === undefined) {
      const platformSerial = keys.fixedHeaderSerial ?? (await keys.headerSerial())
      if (platformSerial) headers['wechatpay-serial'] = platformSerial
    }
    headers['content-type'] = encoded.contentType
    // The BODY line of the signature is the meta JSON, not the multipart body.
    headers.authorization = await authorization({
      key: signer,
      mchid: config.mchid,
      serial,
      method: request.method,
      pathAndQuery: request.pathAndQuery,
      body: encoded.meta,
    })
    return encoded.body
  }
  let text = ''
  let serialised: ReturnType<typeof stringifyJson> | undefined
  if (request.json !== undefined) {
    try {
      serialised = stringifyJson(request.json)
      text = serialised.text
    } catch (err) {
      throw new WechatpayValidationError('json', `cannot be serialised: ${(err as Error).message}`)
    }
    if (text === undefined) throw new WechatpayValidationError('json', 'serialises to nothing')
  }
  // A key Web Crypto refused rejects with a WechatpayValidationError naming it (options.ts):
  // thrown here, before any I/O, rather than as a signature error on every reply.
  // (Awaited only until the imports have settled: an await per call costs a turn of the queue.)
  if (!keys.isReady) await keys.ready()
  const { headers } = request
  headers.accept ??= 'application/json'
  // sensitive() fields: encrypted before signing (the signed body holds the ciphertexts), and
  // Wechatpay-Serial names the key they were encrypted with.
  if (serialised?.markers.length) text = await encryptSensitive(serialised, keys, headers)
  if (headers['wechatpay-serial'] === undefined) {
    const platformSerial = keys.fixedHeaderSerial ?? (await keys.headerSerial())
    if (platformSerial) headers['wechatpay-serial'] = platformSerial
  }
  if (text) headers['content-type'] = 'application/json'
  headers.authorization = await authorization({
    key: signer,
    mchid: config.mchid,
    serial,
    method: request.method,
    pathAndQuery: request.pathAndQuery,
    body: text,
  })
  return text ? utf8.encode(text) : undefined
}

/**
 * Whether the call at `path` (expanded, under the base URL) is a statement download: matched
 * against the base URL's own path joined with it, so `v3/statements` under a base of
 * `https://api.mch.weixin.qq.com/hk/` is `hk/v3/statements`.
 */
export function isStatementPath(config: Config, path: string): boolean {
  return STATEMENTS.test(`${config.baseUrl.pathname.slice(1)}${path}`)
}

/**
 * Whether `path` (as expanded, without the base URL's path or the query) is a download endpoint,
 * whose 2xx reply is a file rather than JSON: the catalogue's list (`DOWNLOADS`, generated: the bill
 * file, merchant-service images but not `…/images/upload`, statements, transfer files). WeChat Pay
 * does not sign these replies: their 2xx body is returned as bytes without a signature check.
 */
export function isDownloadPath(path: string): boolean {
  return DOWNLOADS.test(path)
}

/**
 * Non-2xx → `WechatpayApiError`; 2xx → verified over the raw bytes, then parsed as JSON whatever
 * its `Content-Type` says (typed endpoints promise objects; 204 or an empty body: no data). A
 * verified body that is not a JSON object or array is a `WechatpayApiError` `INVALID_REPLY`: the
 * signature is fine, the reply is not usable. Statements: verified over their SHA-1, then the file
 * checked against it (./statement.ts). Other download endpoints: the bytes, unverified (unsigned).
 */
export async function decodeV3(
  config: Config,
  reply: TransportResponse,
  path: string,
  download = isDownloadPath(path),
): Promise<WechatpayResponse<unknown>> {
  const { status, headers, body } = reply
  if (status < 200 || status > 299) throw apiErrorOf(reply)
  // Statements are signed over their SHA-1 (the generated STATEMENTS): both are checked.
  // (The statement checks and SHA-1 are imported on the first statement.)
  if (isStatementPath(config, path)) return (await import('./statement')).decodeStatement(config, reply)
  // WeChat Pay signs no download reply: the file's bytes are returned as they came, and only for
  // these endpoints (the catalogue's list). Bills are checked by digest: `wxpay.download`.
  if (download) return { status, headers, data: body }
  await verifyReply({ status, headers, body, keys: config.keys })
  if (body.length === 0) return { status, headers, data: undefined }
  const text = utf8Decoder.decode(body)
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    // not JSON: refused below
  }
  if (data === null || typeof data !== 'object') {
    throw new WechatpayApiError({
      status,
      code: 'INVALID_REPLY',
      message: `a verified ${status} reply is not a JSON object (Content-Type ${JSON.stringify(headers['content-type'] ?? '')})`,
      requestId: headers['request-id'],
      headers,
    })
  }
  return { status, headers, data }
}
