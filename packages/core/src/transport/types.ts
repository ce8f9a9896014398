import type { Bytes } from '../encoding'
/** One HTTP exchange, as the client hands it to a transport. */
export interface TransportRequest {
  url: string
  method: string
  headers: Record<string, string>
  body: Bytes | undefined
  signal: AbortSignal
  /** Replies larger than this are refused with a `RESPONSE_TOO_LARGE` transport error. */
  maxBytes: number
  /**
   * Streaming mode: a 2xx reply resolves as soon as its headers are in, its body left to flow
   * through `stream` (no size limit; the caller reads it); other replies are read as usual.
   */
  stream?: boolean
}

/** The raw reply: header names lowercased, repeated headers joined with `, `, the body as bytes. */
export interface TransportResponse {
  status: number
  headers: Record<string, string>
  body: Bytes
  /** In streaming mode, the body of a 2xx reply (then `body` is empty). */
  stream?: ReadableStream<Uint8Array>
}

/**
 * Sends a request. Throws a `WechatpayTransportError` (with `retryable` set for connection-level
 * failures) or lets an abort surface; the client turns aborts into `TIMEOUT`/`ABORTED` errors.
 */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>
