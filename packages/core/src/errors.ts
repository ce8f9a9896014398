/**
 * The error hierarchy of `@wxpay/core`. Every error is a {@link WechatpayError} with a stable
 * string `code`, so callers can branch on `err.code` or on the class. No error ever carries a
 * private key, an APIv2 key or an APIv3 key: messages name options, never their values.
 *
 * @example
 * ```ts
 * try {
 *   await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({ out_trade_no, json: { mchid } })
 * } catch (err) {
 *   if (err instanceof WechatpayApiError && err.code === 'ORDER_NOT_EXIST') { … }
 * }
 * ```
 */
/**
 * Where an error carries the names of its classes: a registered symbol, the same in every copy of
 * this module, so `instanceof` holds across the ESM and CommonJS builds (or two installed copies)
 * of `@wxpay/core`, as undici does with `Symbol.for('undici.error.…')`.
 */
const BRAND = Symbol.for('wxpay.error')
/** The name each class is known by in the brand (explicit: a minifier may rename classes). */
const KIND = Symbol.for('wxpay.error.kind')

type Branded = { [BRAND]?: readonly string[] }

export class WechatpayError extends Error {
  static readonly [KIND]: string = 'WechatpayError'
  /** `instanceof` by brand: true for an error of this class made by any copy of `@wxpay/core`. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false
    // A user's subclass has no kind of its own: the ordinary prototype check (else every error of
    // the class it extends would pass as one of it).
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class `instanceof` asks about
    if (!Object.hasOwn(this, KIND)) return Function.prototype[Symbol.hasInstance].call(this, value)
    const kinds = (value as Branded)[BRAND]
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class `instanceof` asks about (a subclass too)
    return Array.isArray(kinds) && kinds.includes((this as unknown as { [KIND]: string })[KIND])
  }
  override name = 'WechatpayError'
  /** A stable, machine-readable code. */
  readonly code: string

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    const kinds: string[] = []
    // Every class of the chain that has a kind of its own (a user's subclass has none).
    for (let c: unknown = new.target; typeof c === 'function' && c !== Error; c = Object.getPrototypeOf(c))
      if (Object.hasOwn(c, KIND)) kinds.push((c as unknown as { [KIND]: string })[KIND])
    Object.defineProperty(this, BRAND, { value: Object.freeze(kinds) })
  }
}

/** Bad input or options, raised before any network I/O. `option` names the offending field. */
export class WechatpayValidationError extends WechatpayError {
  static override readonly [KIND]: string = 'WechatpayValidationError'
  override name = 'WechatpayValidationError'
  /** The option or request field at fault, e.g. `privateKey`, `certs`, `out_trade_no`. */
  readonly option: string

  constructor(option: string, message: string, options?: { cause?: unknown }) {
    super('INVALID_OPTION', `${option}: ${message}`, options)
    this.option = option
  }
}

/**
 * A reply (or notification) whose signature could not be verified (`SIGNATURE_INVALID`), or a
 * downloaded file whose digest does not match (`DIGEST_MISMATCH`). Fails closed.
 */
export class WechatpaySignatureError extends WechatpayError {
  static override readonly [KIND]: string = 'WechatpaySignatureError'
  override name = 'WechatpaySignatureError'
  readonly status: number | undefined
  readonly requestId: string | undefined

  constructor(
    message: string,
    fields: {
      status?: number
      requestId?: string | undefined
      code?: 'SIGNATURE_INVALID' | 'DIGEST_MISMATCH'
    } = {},
  ) {
    super(fields.code ?? 'SIGNATURE_INVALID', message)
    this.status = fields.status
    this.requestId = fields.requestId
  }
}

/**
 * A reply WeChat Pay answered but the call cannot use: a non-2xx status (`code`, `message` and
 * `detail` are WeChat Pay's own, else `HTTP_<status>`), or a verified 2xx APIv3 reply whose body is
 * not a JSON object (`INVALID_REPLY`).
 */
export class WechatpayApiError extends WechatpayError {
  static override readonly [KIND]: string = 'WechatpayApiError'
  override name = 'WechatpayApiError'
  readonly status: number
  readonly detail: unknown
  readonly requestId: string | undefined
  /**
   * The reply's headers as a plain record: lower-case names, repeated headers joined with `, `
   * (e.g. `err.headers['retry-after']` of a 429).
   */
  readonly headers: Readonly<Record<string, string>>

  constructor(fields: {
    status: number
    code: string
    message: string
    detail?: unknown
    requestId?: string | undefined
    headers?: Readonly<Record<string, string>> | undefined
  }) {
    super(fields.code, fields.message)
    this.status = fields.status
    this.detail = fields.detail
    this.requestId = fields.requestId
    this.headers = fields.headers ?? {}
  }
}

/**
 * The {@link WechatpayApiError} of a non-2xx reply: WeChat Pay's `{ code, message, detail }` when the
 * body has that shape, else `HTTP_<status>` (a proxy's HTML page, say); always the `Request-ID`.
 */
export function apiErrorOf(reply: { status: number; headers: Record<string, string>; body: Uint8Array }) {
  let parsed: { code?: unknown; message?: unknown; detail?: unknown } = {}
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(reply.body))
    if (value && typeof value === 'object') parsed = value
  } catch {
    // not JSON: fall back to the status
  }
  return new WechatpayApiError({
    status: reply.status,
    code: typeof parsed.code === 'string' && parsed.code ? parsed.code : `HTTP_${reply.status}`,
    message:
      typeof parsed.message === 'string' && parsed.message ? parsed.message : `HTTP status ${reply.status}`,
    detail: parsed.detail,
    requestId: reply.headers['request-id'],
    headers: reply.headers,
  })
}

/**
 * A non-2xx reply too large to read is still an answer: a {@link WechatpayApiError} with its
 * status and headers (`HTTP_<status>`, the body unread). Any other error is returned as it is.
 */
export function oversizedReplyError(err: unknown): unknown {
  if (!(err instanceof WechatpayTransportError) || err.code !== 'RESPONSE_TOO_LARGE') return err
  const { status, headers } = err
  if (status === undefined || (status >= 200 && status <= 299)) return err
  return new WechatpayApiError({
    status,
    code: `HTTP_${status}`,
    message: `HTTP status ${status} (${err.message}: not read)`,
    requestId: headers?.['request-id'],
    headers,
  })
}

/**
 * An APIv2 reply with `return_code` or `result_code` FAIL. After a verified `result_code` FAIL,
 * `code` is the reply's `err_code` and `data` the verified reply. A `return_code` FAIL is unsigned:
 * `code` is `FAIL`, the message its `return_msg`, and `data` holds only those two fields.
 */
export class WechatpayBusinessError extends WechatpayError {
  static override readonly [KIND]: string = 'WechatpayBusinessError'
  override name = 'WechatpayBusinessError'
  readonly status: number
  readonly data: Readonly<Record<string, string>>

  constructor(status: number, data: Record<string, string>) {
    const code = data.err_code || data.return_code || 'FAIL'
    const message = data.err_code_des || data.return_msg || data.result_msg || code
    super(code, message)
    this.status = status
    this.data = data
  }
}

/** Why a transport error happened. */
export type TransportFailure = 'TIMEOUT' | 'ABORTED' | 'CONNECTION' | 'RESPONSE_TOO_LARGE' | 'NETWORK'

/** The request did not complete: connection failure, timeout, abort or an oversized reply. */
export class WechatpayTransportError extends WechatpayError {
  static override readonly [KIND]: string = 'WechatpayTransportError'
  override name = 'WechatpayTransportError'
  /**
   * True when the request may be re-sent: a connection-level failure before any byte of a reply
   * (refused, reset, DNS, connect timeout). False once a reply has started: the server has the request.
   */
  readonly retryable: boolean
  /** The reply's status, when one had started (a reply over the size limit, a connection cut mid-reply). */
  readonly status: number | undefined
  /** That reply's headers (lower-case names), when it had started. */
  readonly headers: Readonly<Record<string, string>> | undefined

  constructor(
    code: TransportFailure,
    message: string,
    options: {
      cause?: unknown
      retryable?: boolean
      status?: number | undefined
      headers?: Readonly<Record<string, string>> | undefined
    } = {},
  ) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause })
    this.retryable = options.retryable ?? false
    this.status = options.status
    this.headers = options.headers
  }
}
