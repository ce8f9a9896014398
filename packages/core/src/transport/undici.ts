import { Agent } from 'undici'
import { WechatpayTransportError } from '../errors'
import { readLimited } from './fetch'
import type { Transport, TransportRequest } from './types'

/** Error codes that mean the request never got a reply because the connection failed. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
])

let shared: Agent | undefined

/** One keep-alive agent for the process: undici keeps a connection pool per origin inside it. */
function agent(): Agent {
  shared ??= new Agent({ keepAliveTimeout: 4_000, connect: { timeout: 6_000 } })
  return shared
}

function errorCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return e.code
  }
  return undefined
}

/** The Node.js transport: undici's pooled `request`, faster than `fetch` and with typed errors. */
export function undiciTransport(dispatcher?: Agent): Transport {
  return async (request: TransportRequest) => {
    // The client builds `url` as origin + path: split it without a URL parse on every call.
    const slash = request.url.indexOf('/', request.url.indexOf('//') + 2)
    const origin = request.url.slice(0, slash)
    try {
      const response = await (dispatcher ?? agent()).request({
        origin,
        path: request.url.slice(slash),
        method: request.method as 'GET',
        headers: request.headers,
        body: request.body ?? null,
        signal: request.signal,
      })
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
      }
      try {
        const declared = headers['content-length']
        // A declared length within the limit is read in one go; anything else streams, counted.
        const body =
          declared !== undefined && /^\d+$/.test(declared) && Number(declared) <= request.maxBytes
            ? new Uint8Array(await response.body.arrayBuffer())
            : await readLimited(response.body, request.maxBytes, declared)
        return { status: response.statusCode, headers, body }
      } catch (err) {
        response.body.destroy()
        throw err
      }
    } catch (err) {
      if (err instanceof WechatpayTransportError || request.signal.aborted) throw err
      const code = errorCode(err)
      throw new WechatpayTransportError(
        code ? 'CONNECTION' : 'NETWORK',
        `${code ? `${code}: ` : ''}could not get a reply from ${origin.replace(/^https?:\/\//, '')}`,
        { cause: err, retryable: code !== undefined },
      )
    }
  }
}
