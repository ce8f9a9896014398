import { createSecureContext } from 'node:tls'
import { Agent, type Dispatcher, EnvHttpProxyAgent, ProxyAgent, fetch as undiciFetch } from 'undici'
import { concatBytes } from '../encoding'
import { WechatpayTransportError, WechatpayValidationError } from '../errors'
import { type ClientCertConfig, type Config, DEFAULT_CONNECT_TIMEOUT } from '../options'
import { fetchTransport, tooLarge } from './fetch'
import type { Transport, TransportRequest, TransportResponse } from './types'

/**
 * Error codes that mean the connection failed; before any reply arrived (see `finish`), the request
 * may then be re-sent to the backup host.
 */
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

/** How long an idle keep-alive connection is kept (WeChat Pay's gateway closes them after ~5 s). */
const KEEP_ALIVE_MS = 4_000

/** Network settings of a pool: the proxy (a URL, or `env`) and the connect timeout. */
type Network = Pick<Config, 'proxy' | 'connectTimeout'>

/** TLS options of the connection to the origin (the merchant certificate for mutual TLS). */
type Tls = {
  cert?: string | undefined
  key?: string | undefined
  pfx?: Buffer | undefined
  passphrase?: string | undefined
  ca?: string[] | undefined
  rejectUnauthorized?: boolean
}

/**
 * A dispatcher for these settings: a plain keep-alive agent, or one that tunnels every request
 * through the proxy (CONNECT), the merchant certificate presented to the origin inside the tunnel.
 */
function dispatcherFor(network: Network, tls: Tls = {}): Dispatcher {
  const connect = { timeout: network.connectTimeout, ...tls }
  if (!network.proxy) return new Agent({ keepAliveTimeout: KEEP_ALIVE_MS, connect })
  const proxied = {
    keepAliveTimeout: KEEP_ALIVE_MS,
    requestTls: connect,
    proxyTls: { timeout: network.connectTimeout },
  }
  if (network.proxy === 'env') return new EnvHttpProxyAgent({ ...proxied, connect })
  return new ProxyAgent({ ...proxied, uri: network.proxy })
}

/** Settings of a transport made without a client's (tests, the bench). */
const DEFAULT_NETWORK: Network = { proxy: undefined, connectTimeout: DEFAULT_CONNECT_TIMEOUT }

/** One keep-alive pool per network setting for the process: clients alike share their connections. */
const shared = new Map<string, Dispatcher>()

function sharedDispatcher(network: Network): Dispatcher {
  const key = `${network.proxy ?? ''} ${network.connectTimeout}`
  let dispatcher = shared.get(key)
  if (!dispatcher) {
    dispatcher = dispatcherFor(network)
    shared.set(key, dispatcher)
  }
  return dispatcher
}

/** The Node.js default transport of a client: undici on the shared pool of its network settings. */
export function nodeTransport(config: Network): Transport {
  return undiciTransport(sharedDispatcher(config))
}

function errorCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return e.code
  }
  return undefined
}

/**
 * The Node.js transport: one `dispatch` on undici's keep-alive pools with a handler that collects
 * the reply, counting bytes as they arrive. This is undici's lowest-level API: no body stream and
 * no per-request AbortSignal plumbing inside undici (which, profiled, cost more than the rest of
 * the SDK's own work per call); the caller's signal is wired to the dispatch controller directly.
 */
export function undiciTransport(dispatcher?: Dispatcher): Transport {
  // Streaming mode (download.stream) goes through undici's fetch on the same pool: its body stream
  // has back-pressure built in (the bytes of a bill larger than memory wait on the socket).
  const streaming = fetchTransport(
    (input, init) =>
      undiciFetch(input as string, {
        ...(init as Parameters<typeof undiciFetch>[1]),
        dispatcher: dispatcher ?? sharedDispatcher(DEFAULT_NETWORK),
      }) as unknown as Promise<Response>,
  )
  return (request: TransportRequest) =>
    request.stream
      ? streaming(request)
      : new Promise<TransportResponse>((resolve, reject) => {
          const { url, signal, maxBytes } = request
          // The client builds `url` as origin + path: split it without a URL parse on every call.
          const slash = url.indexOf('/', url.indexOf('//') + 2)
          const origin = url.slice(0, slash)
          let controller: Dispatcher.DispatchController | undefined
          let status = 0
          let headers: Record<string, string> = {}
          let chunks: Uint8Array[] = []
          let length = 0
          let settled = false
          // Before the request reaches a socket (still connecting) there is no controller yet: settle
          // now, and abort the dispatch as soon as it starts.
          const onAbort = () =>
            controller ? controller.abort(signal.reason as Error) : finish(signal.reason)
          const finish = (error: unknown, response?: TransportResponse) => {
            if (settled) return
            settled = true
            signal.removeEventListener('abort', onAbort)
            if (response) return resolve(response)
            if (error instanceof WechatpayTransportError || signal.aborted) return reject(error)
            // Once the status line and headers are in, the server has the request: re-sending it
            // elsewhere could act twice (a POST whose reply was cut off), so it is never retryable.
            if (status !== 0) {
              return reject(
                new WechatpayTransportError(
                  'NETWORK',
                  `the connection to ${origin.replace(/^https?:\/\//, '')} broke while reading the reply`,
                  { cause: error, status, headers },
                ),
              )
            }
            const code = errorCode(error)
            reject(
              new WechatpayTransportError(
                code ? 'CONNECTION' : 'NETWORK',
                `${code ? `${code}: ` : ''}could not get a reply from ${origin.replace(/^https?:\/\//, '')}`,
                { cause: error, retryable: code !== undefined },
              ),
            )
          }
          signal.addEventListener('abort', onAbort, { once: true })
          ;(dispatcher ?? sharedDispatcher(DEFAULT_NETWORK)).dispatch(
            {
              origin,
              path: url.slice(slash),
              method: request.method as Dispatcher.HttpMethod,
              headers: request.headers,
              body: request.body ?? null,
            },
            {
              onRequestStart(c) {
                controller = c
                if (settled || signal.aborted) c.abort(signal.reason as Error)
              },
              onResponseStart(c, statusCode, responseHeaders) {
                status = statusCode
                headers = {}
                chunks = []
                length = 0
                for (const name in responseHeaders) {
                  const value = responseHeaders[name]
                  if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
                }
                const declared = headers['content-length']
                if (declared !== undefined && Number(declared) > maxBytes)
                  c.abort(tooLarge(maxBytes, status, headers))
              },
              onResponseData(c, chunk) {
                length += chunk.length
                if (length > maxBytes) return c.abort(tooLarge(maxBytes, status, headers))
                chunks.push(chunk)
              },
              onResponseEnd() {
                const body = chunks.length === 1 ? new Uint8Array(chunks[0]!) : concatBytes(...chunks)
                finish(undefined, { status, headers, body })
              },
              onResponseError(_, error) {
                finish(error)
              },
            },
          )
        })
}

/** How to convert a PKCS#12 file OpenSSL 3 refuses (RC2-40 / 3DES, as older tools wrote them). */
export const LEGACY_P12_HINT =
  'openssl pkcs12 -legacy -in apiclient_cert.p12 -nodes | openssl pkcs12 -export -out apiclient_cert.new.p12 (both ask for the passphrase: the mchid), or use the PEM pair apiclient_cert.pem + apiclient_key.pem'

/**
 * Loads the client certificate once (at construction, so a bad one fails before any I/O) and
 * returns a transport whose connections present it. Server certificates are verified as always
 * (against `ca` when given, else the system's roots).
 */
export function clientCertTransport(clientCert: ClientCertConfig, network: Network): Transport {
  const { cert, key, pfx, passphrase, ca } = clientCert
  const options = pfx ? { pfx: Buffer.from(pfx), passphrase } : { cert, key }
  try {
    createSecureContext(options)
  } catch (err) {
    throw clientCertError(err)
  }
  // Its own pool (connections that present the certificate), behind the same proxy as the others.
  const mtls = dispatcherFor(network, { ...options, ...(ca ? { ca } : {}), rejectUnauthorized: true })
  return undiciTransport(mtls)
}

/** What OpenSSL said, as a validation error naming the option; never the key or the passphrase. */
function clientCertError(err: unknown): WechatpayValidationError {
  const message = err instanceof Error ? err.message : String(err)
  const code = (err as { code?: unknown }).code
  if (/Unsupported PKCS12 PFX data|unsupported/i.test(message) || code === 'ERR_CRYPTO_UNSUPPORTED_OPERATION')
    return new WechatpayValidationError(
      'clientCert.pfx',
      `this PKCS#12 file uses a legacy cipher (RC2-40 or 3DES) that OpenSSL 3 no longer reads; convert it once: ${LEGACY_P12_HINT}`,
    )
  if (/mac verify failure|bad decrypt/i.test(message))
    return new WechatpayValidationError(
      'clientCert.passphrase',
      'does not open this PKCS#12 file (WeChat Pay issues it with the mchid as its passphrase)',
    )
  if (/key values mismatch/i.test(message))
    return new WechatpayValidationError('clientCert.key', 'is not the private key of clientCert.cert')
  return new WechatpayValidationError('clientCert', `OpenSSL cannot load it (${code ?? 'error'})`)
}
