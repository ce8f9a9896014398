// The chain's type machinery: how a property path, `chain('…')` or `['…']` reaches a node, and
// which verbs (typed from `Endpoints` and the catalogue) that node has. A literal path the types do
// not know is a compile error in all three styles; a non-literal `string` given to `chain()`
// reaches any path, loosely typed (`LooseNode`).
import type { Endpoints } from '../endpoints'
import type { CatalogueEndpoints } from '../endpoints/catalogue'
import type { CatalogueChildren } from '../endpoints/catalogue/tree'
import type { LooseRequestOptions, Verb, WechatpayResponse } from './call'

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

/**
 * `chain()` on a typed node: a path below it that the types know (a typo is a compile error), or
 * a non-literal `string`, which reaches anything, loosely typed.
 */
export interface TypedChainMethod<Path extends string> {
  chain<S extends Below<Path, KnownPath>>(path: S): NodeAt<Join<Path, S>>
  chain<S extends string>(path: NonLiteral<S>): LooseNode
}

/**
 * `S` when it is no literal: `string` itself or a template with a `string` hole (a path computed at
 * run time), else `never`. (`Record` of such a type is an index signature, which `{}` satisfies;
 * `Record` of a literal has a required key, which `{}` lacks.)
 */
type NonLiteral<S extends string> = {} extends Record<S, 1> ? S : never

// ---------------------------------------------------------------------------------------------
// The chain's types, derived from the Endpoints keys.

/** Every typed path: the catalogue's, the seeds' and an application's own. */
export type EndpointPath = (keyof Endpoints | keyof CatalogueEndpoints) & string

/** `a`, `a/b` for `a/b/c`: the nodes above a path. */
type Prefixes<P extends string> = P extends `${infer H}/${infer R}` ? H | `${H}/${Prefixes<R>}` : never

/** Every path the chain knows: an endpoint, or a node above one (the catalogue's and `Endpoints`'). */
export type KnownPath = EndpointPath | (keyof CatalogueChildren & string) | Prefixes<keyof Endpoints & string>

/**
 * The verbs of a typed path. `Endpoints` (the seeds, and whatever an application augments it with)
 * wins over the generated catalogue, so an augmentation may replace an endpoint's types outright.
 * Looked up one path at a time: nothing is computed for the paths a program does not use.
 */
export type EndpointAt<P extends string> = P extends keyof Endpoints
  ? Endpoints[P]
  : P extends keyof CatalogueEndpoints
    ? CatalogueEndpoints[P]
    : never

/** Segments the chain keeps for itself (the verbs, `chain`): such a child is reached with `chain()` or `['…']`. */
type Reserved = Verb | 'chain'

type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S

/** The property names that reach a path segment: `out-trade-no` ← `outTradeNo`; `{x}` ← `_x_`, `$x$`. */
type PropertiesOf<S extends string> = S extends `{${infer V}}` ? `_${V}_` | `$${V}$` | S : Camel<S> | S

type Head<P extends string> = P extends `${infer H}/${string}` ? H : P
type Join<Path extends string, S extends string> = Path extends '' ? S : `${Path}/${S}`
/** The rest of each of an application's own paths (`Endpoints`) below `Path`. */
type Below<Path extends string, P extends string = keyof Endpoints & string> = Path extends ''
  ? P
  : P extends `${Path}/${infer R}`
    ? R
    : never
/**
 * The segments below `Path`: the catalogue's from its generated tree (one lookup), and those of the
 * few paths in `Endpoints` (seeds, augmentations) derived from their keys.
 */
type ChildrenOf<Path extends string> =
  | (Path extends keyof CatalogueChildren ? CatalogueChildren[Path] : never)
  | Head<Below<Path>>

/**
 * The node at `Path`: its typed children by every spelling, the typed verbs of its endpoint (and
 * no other: a verb the endpoint does not list is a compile error), and `chain()`. There is no index
 * signature, so a misspelt child is a compile error; a path computed at run time goes through
 * `chain()` with a non-literal string. A child's type is computed only when it is read.
 */
export type NodeAt<Path extends string> = {
  [S in ChildrenOf<Path> as S extends Reserved ? never : PropertiesOf<S>]: NodeAt<Join<Path, S>>
} & (Path extends EndpointPath ? EndpointAt<Path> : unknown) &
  (Path extends '' ? RootChainMethod : TypedChainMethod<Path>)

/**
 * `chain()` on the client: a literal path the types know (an endpoint of {@link Endpoints} or the
 * catalogue, or a node above one; a typo is a compile error), or a non-literal `string`, loosely typed.
 */
export interface RootChainMethod {
  /**
   * Reaches an endpoint by its path template, as written (no leading slash). A path computed at run
   * time (a `string`) reaches any endpoint, loosely typed.
   * @example
   * ```ts
   * await wxpay.chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close').post({ out_trade_no, json: { mchid } })
   * ```
   */
  chain<P extends KnownPath>(path: P): NodeAt<P>
  chain<P extends string>(path: NonLiteral<P>): LooseNode
}

/** The chain from the client: the paths in {@link Endpoints} and the catalogue, typed; no other. */
export type EndpointTree = NodeAt<''> & {
  [P in EndpointPath]: NodeAt<P>
}
