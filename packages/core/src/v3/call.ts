import { type Bytes, utf8, utf8Decoder } from '../encoding'
import { apiErrorOf, WechatpaySignatureError, WechatpayValidationError } from '../errors'
import type { Config } from '../options'
import type { TransportResponse } from '../transport/types'
import type { WechatpayResponse } from '../types/call'
import { authorization } from './authorization'
import { verifyReply } from './verify'

/** v3 replies larger than this are refused (the largest documented JSON replies are far smaller). */
export const MAX_JSON_BYTES = 8 * 1024 * 1024

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
  },
): Promise<Bytes | undefined> {
  const { serial, privateKey, platformSerial } = config
  if (!serial)
    throw new WechatpayValidationError('serial', 'APIv3 calls need the merchant certificate serial')
  if (!privateKey)
    throw new WechatpayValidationError('privateKey', 'APIv3 calls need the merchant private key')
  if (config.certs.size === 0 || !platformSerial) {
    throw new WechatpayValidationError(
      'certs',
      'APIv3 calls need at least one platform key to verify replies',
    )
  }
  if (request.xml !== undefined)
    throw new WechatpayValidationError('xml', 'is for v2/ paths; APIv3 takes `json`')
  let text = ''
  if (request.json !== undefined) {
    try {
      text = JSON.stringify(request.json)
    } catch (err) {
      throw new WechatpayValidationError('json', `cannot be serialised: ${(err as Error).message}`)
    }
    if (text === undefined) throw new WechatpayValidationError('json', 'serialises to nothing')
  }
  // A key Web Crypto refused rejects with a WechatpayValidationError naming it (options.ts):
  // thrown here, before any I/O, rather than as a signature error on every reply.
  const [key] = await Promise.all([privateKey, ...config.certs.values()])
  const { headers } = request
  headers.accept ??= 'application/json'
  headers['wechatpay-serial'] ??= platformSerial
  if (text) headers['content-type'] = 'application/json'
  headers.authorization = await authorization({
    key,
    mchid: config.mchid,
    serial,
    method: request.method,
    pathAndQuery: request.pathAndQuery,
    body: text,
  })
  return text ? utf8.encode(text) : undefined
}

/** Non-2xx → `WechatpayApiError`; 2xx → verified over the raw bytes, then parsed (204: no data). */
export async function decodeV3(
  config: Config,
  reply: TransportResponse,
): Promise<WechatpayResponse<unknown>> {
  const { status, headers, body } = reply
  if (status < 200 || status > 299) throw apiErrorOf(reply)
  await verifyReply({ status, headers, body, keys: config.certs })
  if (body.length === 0) return { status, headers, data: undefined }
  const text = utf8Decoder.decode(body)
  if (!/\bjson\b/i.test(headers['content-type'] ?? 'application/json')) return { status, headers, data: text }
  try {
    return { status, headers, data: JSON.parse(text) }
  } catch {
    throw new WechatpaySignatureError('a signed reply is not valid JSON', {
      status,
      requestId: headers['request-id'],
    })
  }
}
