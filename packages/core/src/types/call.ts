import type { QueryValue } from '../uri-template'
import type { Media } from '../v3/multipart'

/** What every verb resolves to. `headers` names are lowercase. */
export interface WechatpayResponse<T = unknown, S extends number = number> {
  status: S
  headers: Record<string, string>
  data: T
}

/** Options every call accepts, besides its path variables and payload. */
export interface CallOptions {
  /** Extra request headers (they cannot replace `Authorization`). */
  headers?: Record<string, string>
  /** Cancels the call; it rejects with a `WechatpayTransportError` of code `ABORTED`. */
  signal?: AbortSignal
  /** Milliseconds for this call, overriding the client's `timeout`. */
  timeout?: number
}

/** The options of a path the SDK has no types for: any variable, `json`, `xml`, `query`. */
export interface LooseRequestOptions extends CallOptions {
  /** APIv3 request body, serialised once with `JSON.stringify`. */
  json?: unknown
  /** APIv2 fields (paths starting `v2/`); `nonce_str` and `sign` are added. */
  xml?: Record<string, string | number>
  /**
   * A file for an APIv3 upload endpoint (`v3/merchant/media/upload`, …): sent as multipart with
   * the `meta` part first; the `meta` JSON is what is signed.
   */
  media?: Media
  /** Query string parameters; part of the signed URL. */
  query?: Record<string, QueryValue>
  /** Path variables by name, e.g. `out_trade_no` for `{out_trade_no}`. */
  [variable: string]: unknown
}

/** The HTTP verbs a node sends with. */
export type Verb = 'get' | 'post' | 'put' | 'patch' | 'delete'

/** A string enum that may grow: known values autocomplete, others still type-check. */
export type OpenEnum<T extends string> = T | (string & {})
