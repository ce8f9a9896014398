import { importHmacKey } from './crypto/keys'
import { WechatpayValidationError } from './errors'
import { type Config, MAX_TIMEOUT } from './options'
import { exchange } from './transport/exchange'
import type { Transport } from './transport/types'
import type { LooseRequestOptions, Verb, WechatpayResponse } from './types'
import { expandPath, queryString } from './uri-template'
import { decodeV2, MAX_XML_BYTES, prepareV2 } from './v2/call'
import { decodeV3, MAX_JSON_BYTES, prepareV3 } from './v3/call'
import { VERSION } from './version'

const USER_AGENT = `wxpay/${VERSION} (${runtime()})`

function runtime(): string {
  const g = globalThis as { process?: { versions?: { node?: string } }; navigator?: { userAgent?: string } }
  if (g.process?.versions?.node) return `Node.js/${g.process.versions.node}`
  return g.navigator?.userAgent ?? 'unknown-runtime'
}

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
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new WechatpayValidationError('headers', `bad header name ${JSON.stringify(name)}`)
    }
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
  const isV2 = template === 'v2' || template.startsWith('v2/')
  const variables: Record<string, unknown> = {}
  for (const key of Object.keys(options)) if (!RESERVED_OPTIONS.has(key)) variables[key] = options[key]
  const path = expandPath(isV2 ? template.slice(3) : template, variables)
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
  const pathAndQuery = `${config.baseUrl.pathname}${path}${query}`
  const request = { method, pathAndQuery, headers, timeout, signal: options.signal }

  if (isV2) {
    const { body, signType } = await prepareV2(config, options.xml, hmacKey)
    headers['content-type'] = 'text/xml; charset=utf-8'
    headers.accept ??= 'text/xml, application/xml'
    const reply = await exchange(transport, config, { ...request, body, maxBytes: MAX_XML_BYTES })
    return decodeV2(config, reply, signType, hmacKey)
  }
  const body = await prepareV3(config, {
    method,
    pathAndQuery,
    headers,
    json: options.json,
    xml: options.xml,
  })
  const reply = await exchange(transport, config, { ...request, body, maxBytes: MAX_JSON_BYTES })
  return decodeV3(config, reply)
}
