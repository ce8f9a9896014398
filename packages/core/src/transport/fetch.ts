import { type Bytes, concatBytes } from '../encoding'
import { WechatpayTransportError } from '../errors'
import type { Transport, TransportRequest } from './types'

/** Reads a body stream into one buffer, refusing more than `maxBytes`. */
async function readLimited(
  chunks: AsyncIterable<Bytes>,
  maxBytes: number,
  status: number,
  headers: Record<string, string>,
): Promise<Bytes> {
  const declaredLength = headers['content-length']
  if (declaredLength !== undefined && Number(declaredLength) > maxBytes) {
    throw tooLarge(maxBytes, status, headers)
  }
  const parts: Bytes[] = []
  let length = 0
  for await (const chunk of chunks) {
    length += chunk.length
    if (length > maxBytes) throw tooLarge(maxBytes, status, headers)
    parts.push(chunk)
  }
  return parts.length === 1 ? parts[0]! : concatBytes(...parts)
}

/** The error of a reply over `maxBytes`, shared by the transports; it keeps the status and headers. */
export function tooLarge(
  maxBytes: number,
  status: number,
  headers: Record<string, string>,
): WechatpayTransportError {
  return new WechatpayTransportError('RESPONSE_TOO_LARGE', `reply is larger than ${maxBytes} bytes`, {
    status,
    headers,
  })
}

async function* iterate(body: ReadableStream<Bytes> | null): AsyncIterable<Bytes> {
  if (!body) return
  const reader = body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      yield value
    }
  } finally {
    reader.cancel().catch(() => {})
  }
}

/**
 * Sends `request` with `fetchImpl` and returns the reply with its headers as a plain record; the
 * body is left unread. A failure before any reply is a retryable CONNECTION error (the caller's
 * abort is passed through as it is).
 */
async function fetchReply(
  fetchImpl: typeof fetch,
  request: TransportRequest,
): Promise<{ response: Response; headers: Record<string, string> }> {
  let response: Response
  try {
    response = await fetchImpl(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body ?? null,
      signal: request.signal,
      redirect: 'manual',
    })
  } catch (err) {
    if (request.signal.aborted) throw err
    throw new WechatpayTransportError('CONNECTION', `could not reach ${new URL(request.url).host}`, {
      cause: err,
      retryable: true,
    })
  }
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    headers[name] = value
  })
  return { response, headers }
}

/**
 * A transport on the global (or a given) `fetch`: what edge runtimes, browsers, Deno and Bun use.
 * A rejected `fetch` (no reply: refused, reset, DNS) is marked retryable; a failure while reading
 * the body of a reply that has started is not (the server has the request).
 */
export function fetchTransport(fetchImpl: typeof fetch = globalThis.fetch): Transport {
  if (typeof fetchImpl !== 'function') {
    throw new Error('global fetch is not available; pass the `fetch` option')
  }
  return async (request: TransportRequest) => {
    const { response, headers } = await fetchReply(fetchImpl, request)
    const { status } = response
    if (request.stream && status >= 200 && status <= 299)
      return { status, headers, body: new Uint8Array(), stream: response.body ?? new Blob([]).stream() }
    // No body at all (a 204): nothing to read, no reader to open.
    if (response.body === null) return { status, headers, body: new Uint8Array() }
    const body = await readLimited(iterate(response.body), request.maxBytes, status, headers).catch((err) => {
      if (err instanceof WechatpayTransportError || request.signal.aborted) throw err
      // The status line is in: the server has the request, so it is never re-sent.
      throw new WechatpayTransportError('NETWORK', 'the connection broke while reading the reply', {
        cause: err,
        status,
        headers,
      })
    })
    return { status, headers, body }
  }
}
