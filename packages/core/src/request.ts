import { importHmacKey } from './crypto/keys'
import type { Bytes } from './encoding'
import { nonce as makeNonce, utf8, utf8Decoder } from './encoding'
import {
  WechatpayApiError,
  WechatpayBusinessError,
  WechatpaySignatureError,
  WechatpayTransportError,
  WechatpayValidationError,
} from './errors'
import type { Config } from './options'
import type { Transport, TransportResponse } from './transport/types'
import type { LooseRequestOptions, Verb, WechatpayResponse } from './types'
import { expandPath, queryString } from './uri-template'
import { type SignType, signV2, verifyV2 } from './v2/sign'
import { buildXml, MAX_XML_BYTES, parseXml, XmlError } from './v2/xml'
import { authorization } from './v3/authorization'
import { verifyReply } from './v3/verify'
import { VERSION } from './version'

/** v3 replies larger than this are refused (the largest documented JSON replies are far smaller). */
const MAX_JSON_BYTES = 8 * 1024 * 1024

const USER_AGENT = `wxpay/${VERSION} (${runtime()})`

function runtime(): string {
  const g = globalThis as { process?: { versions?: { node?: string } }; navigator?: { userAgent?: string } }
  if (g.process?.versions?.node) return `Node.js/${g.process.versions.node}`
  return g.navigator?.userAgent ?? 'unknown-runtime'
}

/** Anything outside XML 1.0's `Char` production (https://www.w3.org/TR/xml/#charsets). */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u

const RESERVED_OPTIONS = new Set(['json', 'xml', 'query', 'headers', 'signal', 'timeout'])

/** Everything a call needs besides its options: the validated config and the transport. */
export interface Context {
  config: Config
  transport: Transport
  hmacKey: () => Promise<CryptoKey>
}

export function createContext(config: Config, transport: Transport): Context {
  let hmac: Promise<CryptoKey> | undefined
  return {
    config,
    transport,
    hmacKey: () => {
      if (!config.secret) throw new WechatpayValidationError('secret', 'HMAC-SHA256 needs the APIv2 key')
      hmac ??= importHmacKey(config.secret)
      return hmac
    },
  }
}

function checkHeaders(headers: unknown): Record<string, string> {
  if (headers === undefined) return {}
  if (!headers || typeof headers !== 'object')
    throw new WechatpayValidationError('headers', 'must be an object')
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
      throw new WechatpayValidationError('headers', `bad header name ${JSON.stringify(name)}`)
    if (typeof value !== 'string' || /[\r\n\0]/.test(value)) {
      throw new WechatpayValidationError(`headers.${name}`, 'must be a string without line breaks')
    }
    const lower = name.toLowerCase()
    if (lower === 'authorization' || lower === 'host' || lower === 'content-length') {
      throw new WechatpayValidationError(`headers.${name}`, 'is set by the SDK')
    }
    out[lower] = value
  }
  return out
}

/**
 * Sends one call: expand → sign → send (with one failover) → verify → decode. Every validation
 * happens before the first byte is sent.
 */
export async function send(
  context: Context,
  verb: Verb,
  template: string,
  options: LooseRequestOptions = {},
): Promise<WechatpayResponse<unknown>> {
  if (!options || typeof options !== 'object')
    throw new WechatpayValidationError('options', 'must be an object')
  if (template === '') throw new WechatpayValidationError('path', 'is empty: chain at least one segment')
  const isV2 = template === 'v2' || template.startsWith('v2/')
  const pathTemplate = isV2 ? template.slice(3) : template
  const variables: Record<string, unknown> = {}
  for (const key of Object.keys(options)) if (!RESERVED_OPTIONS.has(key)) variables[key] = options[key]
  const path = expandPath(pathTemplate, variables)
  const query = queryString(options.query)
  const timeout = options.timeout ?? context.config.timeout
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0) {
    throw new WechatpayValidationError('timeout', 'must be a positive number of milliseconds')
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new WechatpayValidationError('signal', 'must be an AbortSignal')
  }
  const headers = checkHeaders(options.headers)
  const method = verb.toUpperCase()
  const pathAndQuery = `${context.config.baseUrl.pathname}${path}${query}`

  if (isV2) {
    const { body, signType } = await v2Body(context, options.xml)
    headers['content-type'] = 'text/xml; charset=utf-8'
    headers.accept ??= 'text/xml, application/xml'
    headers['user-agent'] ??= USER_AGENT
    const reply = await exchange(
      context,
      method,
      pathAndQuery,
      headers,
      body,
      timeout,
      options.signal,
      MAX_XML_BYTES,
    )
    return decodeV2(context, reply, signType)
  }

  const { config } = context
  if (!config.serial)
    throw new WechatpayValidationError('serial', 'APIv3 calls need the merchant certificate serial')
  if (!config.privateKey)
    throw new WechatpayValidationError('privateKey', 'APIv3 calls need the merchant private key')
  if (config.certs.size === 0 || !config.platformSerial) {
    throw new WechatpayValidationError(
      'certs',
      'APIv3 calls need at least one platform key to verify replies',
    )
  }
  if (options.xml !== undefined)
    throw new WechatpayValidationError('xml', 'is for v2/ paths; APIv3 takes `json`')
  let text = ''
  if (options.json !== undefined) {
    try {
      text = JSON.stringify(options.json)
    } catch (err) {
      throw new WechatpayValidationError('json', `cannot be serialised: ${(err as Error).message}`)
    }
    if (text === undefined) throw new WechatpayValidationError('json', 'serialises to nothing')
  }
  let key: CryptoKey
  try {
    key = await config.privateKey
  } catch {
    throw new WechatpayValidationError('privateKey', 'Web Crypto could not import the RSA private key')
  }
  headers.accept ??= 'application/json'
  headers['user-agent'] ??= USER_AGENT
  headers['wechatpay-serial'] ??= config.platformSerial
  if (text) headers['content-type'] = 'application/json'
  headers.authorization = await authorization({
    key,
    mchid: config.mchid,
    serial: config.serial,
    method,
    pathAndQuery,
    body: text,
  })
  const body = text ? utf8.encode(text) : undefined
  const reply = await exchange(
    context,
    method,
    pathAndQuery,
    headers,
    body,
    timeout,
    options.signal,
    MAX_JSON_BYTES,
  )
  return decodeV3(context, reply)
}

async function v2Body(context: Context, xml: unknown): Promise<{ body: Bytes; signType: SignType }> {
  const { config } = context
  if (!config.secret) throw new WechatpayValidationError('secret', 'APIv2 calls need the APIv2 key')
  if (!xml || typeof xml !== 'object' || Array.isArray(xml)) {
    throw new WechatpayValidationError('xml', 'APIv2 calls need an `xml` object of fields')
  }
  // No prototype: `fields.__proto__ = …` would silently drop the field from the body and the sign.
  const fields: Record<string, string> = Object.create(null)
  for (const [name, value] of Object.entries(xml)) {
    if (value === undefined || name === 'sign') continue
    if (!/^[A-Za-z_][\w.-]*$/.test(name))
      throw new WechatpayValidationError(`xml.${name}`, 'is not a valid XML element name')
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
      throw new WechatpayValidationError(`xml.${name}`, `must be a string or a number, got ${typeof value}`)
    }
    const text = String(value)
    // XML parsers turn \r\n into \n, even inside CDATA: the gateway would check another string.
    if (text.includes('\r'))
      throw new WechatpayValidationError(`xml.${name}`, 'must not contain a carriage return')
    // A control character makes the XML malformed (the gateway refuses it after a round trip); a
    // lone surrogate would be sent, and signed, as U+FFFD: a value other than the one given.
    if (NOT_XML_CHAR.test(text))
      throw new WechatpayValidationError(
        `xml.${name}`,
        'holds a character XML 1.0 cannot carry (a control character or a lone surrogate)',
      )
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
  if (fields.out_trade_no !== undefined) expandPath('{out_trade_no}', { out_trade_no: fields.out_trade_no })
  const signType = fields.sign_type ?? 'MD5'
  if (signType !== 'MD5' && signType !== 'HMAC-SHA256') {
    throw new WechatpayValidationError('xml.sign_type', 'must be MD5 or HMAC-SHA256')
  }
  fields.nonce_str ??= makeNonce()
  fields.sign = await signV2(fields, config.secret, signType, context.hmacKey)
  return { body: utf8.encode(buildXml(fields)), signType }
}

/** Sends the signed request; after a connection-level failure, sends it once more to the backup. */
async function exchange(
  context: Context,
  method: string,
  pathAndQuery: string,
  headers: Record<string, string>,
  body: Bytes | undefined,
  timeout: number,
  signal: AbortSignal | undefined,
  maxBytes: number,
): Promise<TransportResponse> {
  const { config, transport } = context
  if (signal?.aborted) throw new WechatpayTransportError('ABORTED', 'the call was aborted before it was sent')
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, timeout)
  const onAbort = () => controller.abort()
  signal?.addEventListener('abort', onAbort, { once: true })
  const attempt = (base: URL) =>
    transport({ url: base.origin + pathAndQuery, method, headers, body, signal: controller.signal, maxBytes })
  try {
    try {
      return await attempt(config.baseUrl)
    } catch (err) {
      if (
        !(err instanceof WechatpayTransportError && err.retryable && config.backupBaseUrl) ||
        controller.signal.aborted
      )
        throw err
      return await attempt(config.backupBaseUrl)
    }
  } catch (err) {
    if (timedOut)
      throw new WechatpayTransportError('TIMEOUT', `no reply within ${timeout} ms`, { cause: err })
    if (controller.signal.aborted)
      throw new WechatpayTransportError('ABORTED', 'the call was aborted', { cause: err })
    if (err instanceof WechatpayTransportError) throw err
    throw new WechatpayTransportError('NETWORK', 'the request failed', { cause: err })
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
  }
}

async function decodeV3(context: Context, reply: TransportResponse): Promise<WechatpayResponse<unknown>> {
  const { status, headers, body } = reply
  if (status < 200 || status > 299) throw apiError(reply)
  await verifyReply({ status, headers, body, keys: context.config.certs })
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

function apiError(reply: TransportResponse): WechatpayApiError {
  const { status, headers, body } = reply
  let parsed: { code?: unknown; message?: unknown; detail?: unknown } = {}
  try {
    const value: unknown = JSON.parse(utf8Decoder.decode(body))
    if (value && typeof value === 'object') parsed = value
  } catch {
    // Not WeChat Pay's JSON error shape (a proxy's HTML page, say): fall back to the status.
  }
  return new WechatpayApiError({
    status,
    code: typeof parsed.code === 'string' && parsed.code ? parsed.code : `HTTP_${status}`,
    message: typeof parsed.message === 'string' && parsed.message ? parsed.message : `HTTP status ${status}`,
    detail: parsed.detail,
    requestId: headers['request-id'],
  })
}

async function decodeV2(
  context: Context,
  reply: TransportResponse,
  signType: SignType,
): Promise<WechatpayResponse<unknown>> {
  const { status, headers, body } = reply
  if (status < 200 || status > 299) throw apiError(reply)
  const requestId = headers['request-id']
  let data: Record<string, string>
  try {
    data = parseXml(utf8Decoder.decode(body))
  } catch (err) {
    if (err instanceof XmlError)
      throw new WechatpaySignatureError(`reply refused: ${err.message}`, { status, requestId })
    throw err
  }
  if (data.return_code === 'SUCCESS') {
    const valid = await verifyV2(data, context.config.secret!, signType, context.hmacKey)
    if (!valid)
      throw new WechatpaySignatureError(`reply sign does not verify (${signType})`, { status, requestId })
    if (data.result_code !== undefined && data.result_code !== 'SUCCESS')
      throw new WechatpayBusinessError(status, data)
    return { status, headers, data }
  }
  if (data.return_code === 'FAIL') throw new WechatpayBusinessError(status, data)
  throw new WechatpaySignatureError('reply has no return_code', { status, requestId })
}
