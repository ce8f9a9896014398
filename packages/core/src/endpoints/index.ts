import type { SeedEndpoints } from './seeds'

/**
 * The typed endpoints, keyed by path template: each key's verbs take that endpoint's request
 * options and resolve to its reply. An interface, so an application can add its own endpoints (or
 * narrow a reply) by augmenting it.
 * @example
 * ```ts
 * declare module '@wxpay/core' {
 *   interface Endpoints {
 *     'v3/pay/transactions/id/{transaction_id}': {
 *       get(o: { transaction_id: string; query: { mchid: string } }): Promise<WechatpayResponse<{ trade_state: string }>>
 *     }
 *   }
 * }
 * ```
 */
// One interface per product area is merged in by `extends`; an application's augmentation lands here.
export interface Endpoints extends SeedEndpoints {}
