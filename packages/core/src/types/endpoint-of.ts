import type { EndpointAt, EndpointPath } from './chain'

/** A verb one typed endpoint answers (`'get'`, `'post'`, …): any catalogue endpoint, or `Endpoints`'. */
export type VerbOf<P extends EndpointPath> = keyof EndpointAt<P> & string

type CallOf<P extends EndpointPath, V extends VerbOf<P>> = EndpointAt<P>[V] extends (
  ...args: infer A
) => infer R
  ? { options: Exclude<A[0], undefined>; reply: Awaited<R> }
  : never

/**
 * The options a typed endpoint's verb takes (path variables, `json`/`xml`/`query`, call options),
 * looked up by path template and verb among the catalogue's endpoints and `Endpoints` (the seeds
 * and an application's augmentations, which win).
 * @example
 * ```ts
 * import type { RequestOf } from '@wxpay/core'
 * type Close = RequestOf<'v3/pay/transactions/out-trade-no/{out_trade_no}/close', 'post'>
 * const options: Close = { out_trade_no: '1217752501201407033233368018', json: { mchid: '1230000109' } }
 * ```
 */
export type RequestOf<P extends EndpointPath, V extends VerbOf<P>> = CallOf<P, V>['options']

/**
 * What a typed endpoint's verb resolves to: the verified response (`{ status, headers, data }`,
 * a union where the endpoint answers more than one status). `ReplyOf<P, V>['data']` is the body.
 * @example
 * ```ts
 * import type { ReplyOf } from '@wxpay/core'
 * type Recharge = ReplyOf<'v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close', 'post'>['data']
 * ```
 */
export type ReplyOf<P extends EndpointPath, V extends VerbOf<P>> = CallOf<P, V>['reply']
