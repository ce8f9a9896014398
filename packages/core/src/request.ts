import { importHmacKey } from './crypto/keys'
import { API_CERT, DELETE_BODIES, DOWNLOADS, HOSTS, URI_QUIRKS } from './endpoints/catalogue/table'
import { checkEndpointRules } from './endpoints/rules'
import { oversizedReplyError, WechatpayValidationError } from './errors'
import { refuseSensitive } from './keys/sensitive'
import { type Config, DEFAULT_BASE_URL, MAX_TIMEOUT } from './options'
import { exchange } from './transport/exchange'
import type { Transport, TransportResponse } from './transport/types'
import type { LooseRequestOptions, Verb, WechatpayResponse } from './types/call'
import { expandPath, isPlainObject, queryString } from './uri-template'
import { decodeV2, MAX_XML_BYTES, prepareV2 } from './v2/call'
import { decodeV3, isDownloadPath, MAX_DOWNLOAD_REPLY_BYTES, MAX_JSON_BYTES, prepareV3 } from './v3/call'
import { VERSION } from './version'

const USER_AGENT = `wxpay/${VERSION} (${runtime()})`

function runtime(): string {
  const g = globalThis as { process?: { versions?: { node?: string } }; navigator?: { userAgent?: string } }
  if (g.process?.versions?.node) return `Node.js/${g.process.versions.node}`
  return g.navigator?.userAgent ?? 'unknown-runtime'
}

const RESERVED_OPTIONS = new Set(['json', 'xml', 'media', 'query', 'headers', 'signal', 'timeout'])

/** Everything a call needs besides its options: the validated config and the transport. */
export interface Context {
  config: Config
  transport: Transport
  hmacKey: () => Promise<CryptoKey>
  /**
   * The transport for the APIv2 endpoints that need the merchant client certificate (mutual TLS):
   * the Node transport with `clientCert`, or the given `fetch`; `undefined` when there is none.
   */
  certTransport: Transport | undefined
  /** Why there is no `certTransport`, for the validation error of a call that needs one. */
  certMissing: string
}

export function createContext(
  config: Config,
  transport: Transport,
  cert: { transport?: Transport | undefined; missing?: string } = {},
): Context {
  let hmac: Promise<CryptoKey> | undefined
  return {
    config,
    transport,
    certTransport: cert.transport,
    certMissing:
      cert.missing ??
      'set clientCert: the merchant API certificate as { cert, key } PEM (apiclient_cert.pem, apiclient_key.pem) or { pfx, passphrase } (apiclient_cert.p12)',
    hmacKey: () => {
      if (!config.secret) throw new WechatpayValidationError('secret', 'HMAC-SHA256 needs the APIv2 key')
      hmac ??= importHmacKey(config.secret)
      return hmac
    },
  }
}

/**
 * Where a call goes: the few endpoints served on another host (`fraud.mch…`, `apihk.mch…` for
 * `global/v3/customs/*`, `payapp…`) go there, without a backup, when the client uses the default
 * gateway; a client given its own `baseUrl` (a sandbox, a proxy) sends everything to it.
 */
function basesFor(config: Config, template: string): Pick<Config, 'baseUrl' | 'backupBaseUrl'> {
  const host = HOSTS.get(template)
  if (!host || config.baseUrl.href !== DEFAULT_BASE_URL) return config
  return { baseUrl: new URL(`https://${host}/`), backupBaseUrl: undefined }
}

/** RFC 9110 `token`: what a header name may hold. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/** Outside tab, visible ASCII and Latin-1: fetch cannot send it (a ByteString), nor CR/LF/NUL. */
const BAD_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/
/** Headers the SDK sets from what it signs and sends. */
const SDK_HEADERS: ReadonlySet<string> = new Set(['authorization', 'content-length'])
/** Connection-level headers: the transport owns them (undici refuses some, fetch drops others). */
const TRANSPORT_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'transfer-encoding',
  'connection',
  'upgrade',
  'expect',
  'keep-alive',
  'te',
  'trailer',
  'proxy-connection',
])

/**
 * Checks the `headers` option (a plain object of strings) and returns them with lower-case names.
 * Everything a transport could not send, or would send differently, is refused here, before I/O,
 * rather than surfacing as a network error.
 */
function checkHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (headers === undefined) return out
  if (!isPlainObject(headers))
    throw new WechatpayValidationError('headers', 'must be a plain object of name → value')
  for (const name in headers) {
    if (!Object.hasOwn(headers, name)) continue
    const value = headers[name]
    refuseSensitive(`headers.${name}`, value)
    if (!HEADER_NAME.test(name)) {
      throw new WechatpayValidationError('headers', `bad header name ${JSON.stringify(name)}`)
    }
    if (typeof value !== 'string' || BAD_HEADER_VALUE.test(value)) {
      throw new WechatpayValidationError(
        `headers.${name}`,
        'must be a string of Latin-1 characters without line breaks or other control characters',
      )
    }
    const lower = name.toLowerCase()
    if (SDK_HEADERS.has(lower)) throw new WechatpayValidationError(`headers.${name}`, 'is set by the SDK')
    if (TRANSPORT_HEADERS.has(lower)) {
      throw new WechatpayValidationError(`headers.${name}`, 'is a connection header, set by the transport')
    }
    out[lower] = value
  }
  return out
}

/**
 * Sends one call: expand → sign (v3/call.ts or v2/call.ts) → send with one failover
 * (transport/exchange.ts) → verify → decode. Every validation happens before the first byte is sent.
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
  const { config, transport, hmacKey } = context
  // The catalogue's URI quirks: an upper-case or trailing-slash URI reached by its chain spelling.
  template = URI_QUIRKS.get(template) ?? template
  const isV2 = template === 'v2' || template.startsWith('v2/')
  const variables: Record<string, unknown> = {}
  for (const key of Object.keys(options)) if (!RESERVED_OPTIONS.has(key)) variables[key] = options[key]
  const path = expandPath(isV2 ? template.slice(3) : template, variables)
  // Rules of this one endpoint (the `out_trade_no` shape, …), by its template.
  checkEndpointRules(template, options)
  const query = queryString(options.query)
  const timeout = options.timeout ?? config.timeout
  // The client option's bounds: a timer above MAX_TIMEOUT would fire at once.
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0 || timeout > MAX_TIMEOUT) {
    throw new WechatpayValidationError(
      'timeout',
      `must be a positive number of milliseconds, at most ${MAX_TIMEOUT}`,
    )
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new WechatpayValidationError('signal', 'must be an AbortSignal')
  }
  const headers = checkHeaders(options.headers)
  headers['user-agent'] ??= USER_AGENT
  const method = verb.toUpperCase()
  // fetch refuses a GET body; WeChat Pay reads a DELETE body only on the few endpoints the
  // catalogue lists with one (DELETE_BODIES), so anywhere else it is a mistake caught before I/O.
  if (method === 'GET' || (method === 'DELETE' && !DELETE_BODIES.has(template))) {
    const body = isV2 ? 'xml' : 'json'
    if (options[body] !== undefined)
      throw new WechatpayValidationError(
        body,
        `a ${method} request has no body: send it with post, put or patch`,
      )
  }
  const pathAndQuery = `${config.baseUrl.pathname}${path}${query}`
  const request = { method, pathAndQuery, headers, timeout, signal: options.signal }
  const bases = basesFor(config, template)

  if (isV2) {
    if (options.media !== undefined)
      throw new WechatpayValidationError('media', 'is for APIv3 upload endpoints; v2 paths take `xml`')
    // The catalogue's certificate endpoints go over mutual TLS; without a certificate nothing is sent.
    const needsCert = API_CERT.test(`v2/${path}`)
    if (needsCert && !context.certTransport)
      throw new WechatpayValidationError(
        'clientCert',
        `v2/${path} needs the merchant API certificate (mutual TLS): ${context.certMissing}`,
      )
    const { body, signType } = await prepareV2(config, options.xml, hmacKey)
    headers['content-type'] = 'text/xml; charset=utf-8'
    headers.accept ??= 'text/xml, application/xml'
    let reply: TransportResponse
    try {
      const download = DOWNLOADS.test(`v2/${path}`)
      reply = await exchange(needsCert ? context.certTransport! : transport, bases, {
        ...request,
        body,
        maxBytes: download ? MAX_DOWNLOAD_REPLY_BYTES : MAX_XML_BYTES,
      })
    } catch (err) {
      throw oversizedReplyError(err)
    }
    return decodeV2(config, reply, signType, hmacKey, DOWNLOADS.test(`v2/${path}`))
  }
  const body = await prepareV3(config, {
    method,
    pathAndQuery,
    headers,
    json: options.json,
    xml: options.xml,
    media: options.media,
  })
  let reply: TransportResponse
  try {
    reply = await exchange(transport, bases, {
      ...request,
      body,
      maxBytes: isDownloadPath(path) ? MAX_DOWNLOAD_REPLY_BYTES : MAX_JSON_BYTES,
    })
  } catch (err) {
    // A non-2xx reply over the size limit is an API error with its status, like a small one.
    throw oversizedReplyError(err)
  }
  return decodeV3(config, reply, path)
}
