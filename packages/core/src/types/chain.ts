import type { QueryValue } from './uri-template'

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
  /** Query string parameters; part of the signed URL. */
  query?: Record<string, QueryValue>
  /** Path variables by name, e.g. `out_trade_no` for `{out_trade_no}`. */
  [variable: string]: unknown
}

export type Verb = 'get' | 'post' | 'put' | 'patch' | 'delete'

/** A call on a path the SDK has no types for. */
export type LooseVerb = (options?: LooseRequestOptions) => Promise<WechatpayResponse<unknown>>

type LooseVerbs<V extends Verb = Verb> = { [K in V]: LooseVerb }

/**
 * A node of a path the SDK has no types for: any property goes one segment deeper, and the
 * verbs send a request.
 */
export type LooseNode = { [segment: string]: LooseNode } & LooseVerbs & ChainMethod

export interface ChainMethod {
  /**
   * Appends a path, as written, to this node's path.
   * @example
   * ```ts
   * await wxpay.v3.chain('pay/transactions/id/{transaction_id}').get({ transaction_id, query: { mchid } })
   * ```
   */
  chain(path: string): LooseNode
}

// ---------------------------------------------------------------------------------------------
// v3 close order: POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close

/** Request of `POST v3/pay/transactions/out-trade-no/{out_trade_no}/close`. */
export interface CloseOrderRequest extends CallOptions {
  /** Merchant order number: 1 to 32 of digits, letters and `_-|*`. */
  out_trade_no: string
  json: {
    /** Merchant id (直连商户号). */
    mchid: string
  }
}

/** 204 on success; 202 `USER_PAYING` when the payer is still paying (retry with the same request). */
export type CloseOrderResponse =
  | WechatpayResponse<undefined, 204>
  | WechatpayResponse<{ code: string; message: string }, 202>

// ---------------------------------------------------------------------------------------------
// v2 close order: POST /pay/closeorder (XML)

/** Fields of `POST v2/pay/closeorder`; `nonce_str` and `sign` are added by the SDK. */
export interface CloseOrderV2Request extends CallOptions {
  xml: {
    appid: string
    /** Must equal the client's `mchid`. */
    mch_id: string
    out_trade_no: string
    /** Defaults to `MD5`; the reply is verified with the same type. */
    sign_type?: 'MD5' | 'HMAC-SHA256'
    nonce_str?: string
  }
}

/** The verified reply of a successful v2 close (a FAIL becomes a `WechatpayBusinessError`). */
export interface CloseOrderV2Reply {
  return_code: 'SUCCESS'
  return_msg?: string
  appid: string
  mch_id: string
  nonce_str: string
  sign: string
  result_code: 'SUCCESS'
  result_msg?: string
  /** Fields WeChat Pay may add; every value is a string. */
  [field: string]: string | undefined
}

// ---------------------------------------------------------------------------------------------
// v3 close ecommerce recharge

/** Request of `POST v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close`. */
export interface RechargeCloseRequest extends CallOptions {
  out_recharge_no: string
  query: {
    /** The sub-merchant (二级商户号) the recharge belongs to. */
    sub_mchid: string
  }
}

/** A string enum that may grow: known values autocomplete, others still type-check. */
type OpenEnum<T extends string> = T | (string & {})

export type RechargeState = 'SUCCESS' | 'RECHARGING' | 'CLOSED'
export type RechargeChannel = 'BANK_TRANSFER' | 'QR_RECHARGE' | 'ONLINE_BANK'

/** An ecommerce platform recharge (电商平台预充值) as the close and query endpoints return it. */
export interface EcommerceRecharge {
  sp_mchid: string
  sub_mchid: string
  recharge_id: string
  out_recharge_no: string
  account_type: OpenEnum<'BASIC' | 'OPERATION' | 'FEES' | 'DEPOSIT'>
  recharge_state: RechargeState
  recharge_scene: OpenEnum<'ECOMMERCE_DEPOSIT'>
  recharge_state_desc?: string
  recharge_channel?: RechargeChannel
  /** Amounts are integers in fen (分). */
  recharge_amount: { amount: number; currency: OpenEnum<'CNY'> }
  bank_transfer_info?: {
    bill_no?: string
    memo?: string
    return_time?: string
    return_reason?: string
    bank_name?: string
    bank_card_tail?: string
    bank_account_name?: string
  }
  qr_recharge_info?: { openid?: string; employee_type?: string }
  online_bank_recharge_info?: { [field: string]: unknown }
  /** RFC 3339 times, e.g. `2026-11-22T10:00:00+08:00`. */
  accept_time?: string
  success_time?: string
  close_time?: string
  available_recharge_channels?: RechargeChannel[]
}

/**
 * The typed endpoints, keyed by path template. An interface, so an application can add its own:
 * `declare module '@wxpay/core' { interface Endpoints { 'v3/…': { get(o: …): Promise<…> } } }`.
 */
export interface Endpoints {
  'v3/pay/transactions/out-trade-no/{out_trade_no}/close': {
    post(options: CloseOrderRequest): Promise<CloseOrderResponse>
  }
  'v2/pay/closeorder': {
    post(options: CloseOrderV2Request): Promise<WechatpayResponse<CloseOrderV2Reply, 200>>
  }
  'v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close': {
    post(options: RechargeCloseRequest): Promise<WechatpayResponse<EcommerceRecharge, 200>>
  }
}

// ---------------------------------------------------------------------------------------------
// The chain's types, derived from the Endpoints keys.

type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S

/** The property names that reach a path segment: `out-trade-no` ← `outTradeNo`; `{x}` ← `_x_`, `$x$`. */
type PropertiesOf<S extends string> = S extends `{${infer V}}` ? `_${V}_` | `$${V}$` | S : Camel<S> | S

type Head<P extends string> = P extends `${infer H}/${string}` ? H : P
type Rest<P extends string, H extends string> = P extends `${H}/${infer R}` ? R : never

/**
 * The node at `Path`: its typed children by every spelling, the typed verbs of `Endpoints[Path]`,
 * loose verbs for the others, and loose nodes for any other child. (Reading a property of an
 * intersection only consults the members that declare it, so a typed member is never widened by
 * the index signature.)
 */
export type NodeAt<Path extends string, Paths extends string = never> = {
  [S in Head<Paths> as PropertiesOf<S>]: NodeAt<Path extends '' ? S : `${Path}/${S}`, Rest<Paths, S>>
} & (Path extends keyof Endpoints
  ? Endpoints[Path] & LooseVerbs<Exclude<Verb, keyof Endpoints[Path]>>
  : Path extends ''
    ? RootChainMethod
    : LooseVerbs) & { [segment: string]: LooseNode } & (Path extends '' ? unknown : ChainMethod)

/** `chain()` on the client: typed for the paths in {@link Endpoints}. */
export interface RootChainMethod {
  /**
   * Reaches an endpoint by its path template, as written.
   * @example
   * ```ts
   * await wxpay.chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close').post({ out_trade_no, json: { mchid } })
   * ```
   */
  chain<P extends keyof Endpoints & string>(path: P): NodeAt<P>
  chain(path: string): LooseNode
}

/** The chain from the client: typed for the paths in {@link Endpoints}, loose for any other. */
export type EndpointTree = NodeAt<'', keyof Endpoints & string> & {
  [P in keyof Endpoints & string]: NodeAt<P>
}
