import type { Bytes } from '../encoding'
import { WechatpayTransportError } from '../errors'
import type { Transport, TransportResponse } from './types'

/** One signed request, ready to go, with its limits. */
export interface Exchange {
  method: string
  /** What goes on the request line (and was signed); joined to a base URL's origin. */
  pathAndQuery: string
  headers: Record<string, string>
  body: Bytes | undefined
  /** Milliseconds for the whole exchange, the backup attempt included. */
  timeout: number
  signal: AbortSignal | undefined
  maxBytes: number
  /** Streaming mode (see `TransportRequest.stream`). */
  stream?: boolean
}

/** The calls in flight on one caller's signal, and the one listener that aborts them all. */
interface Watch {
  calls: Set<AbortController>
  listener: () => void
}

/**
 * One `abort` listener per caller signal, however many calls share it: a listener per call would
 * put 50 on a signal shared by 50 concurrent calls, and Node warns (MaxListenersExceededWarning)
 * past 10. Each call leaves the set when it settles; the listener goes with the last one.
 */
const watches = new WeakMap<AbortSignal, Watch>()

function watch(signal: AbortSignal, controller: AbortController): void {
  let entry = watches.get(signal)
  if (!entry) {
    const calls = new Set<AbortController>()
    const listener = () => {
      watches.delete(signal)
      for (const call of calls) call.abort()
    }
    entry = { calls, listener }
    watches.set(signal, entry)
    signal.addEventListener('abort', listener, { once: true })
  }
  entry.calls.add(controller)
}

function unwatch(signal: AbortSignal, controller: AbortController): void {
  const entry = watches.get(signal)
  if (!entry) return
  entry.calls.delete(controller)
  if (entry.calls.size === 0) {
    watches.delete(signal)
    signal.removeEventListener('abort', entry.listener)
  }
}

/**
 * Sends the signed request to `baseUrl`; after a connection-level failure before any reply
 * arrived (refused, reset, DNS, connect timeout: `retryable`), sends the very same request once to
 * `backupBaseUrl` (the signature does not cover the host). A reply of any status is a reply, and a
 * connection that breaks once a reply has started is a transport error: neither is ever re-sent.
 * Timeout and abort become `TIMEOUT` / `ABORTED`; the timer and the abort listener are always released.
 */
export async function exchange(
  transport: Transport,
  bases: { baseUrl: URL; backupBaseUrl: URL | undefined },
  request: Exchange,
): Promise<TransportResponse> {
  const { signal, timeout } = request
  if (signal?.aborted) throw new WechatpayTransportError('ABORTED', 'the call was aborted before it was sent')
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, timeout)
  if (signal) watch(signal, controller)
  const attempt = (base: URL) =>
    transport({
      url: base.origin + request.pathAndQuery,
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: controller.signal,
      maxBytes: request.maxBytes,
      stream: request.stream === true,
    })
  try {
    try {
      return await attempt(bases.baseUrl)
    } catch (err) {
      const retryable = err instanceof WechatpayTransportError && err.retryable
      if (!retryable || !bases.backupBaseUrl || controller.signal.aborted) throw err
      return await attempt(bases.backupBaseUrl)
    }
  } catch (err) {
    if (timedOut)
      throw new WechatpayTransportError('TIMEOUT', `no reply within ${timeout} ms`, { cause: err })
    if (controller.signal.aborted) {
      throw new WechatpayTransportError('ABORTED', 'the call was aborted', { cause: err })
    }
    if (err instanceof WechatpayTransportError) throw err
    throw new WechatpayTransportError('NETWORK', 'the request failed', { cause: err })
  } finally {
    clearTimeout(timer)
    if (signal) unwatch(signal, controller)
  }
}
