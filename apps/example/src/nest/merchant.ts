/** The merchant's ids that requests carry in their bodies (`mchid`, and `appid` for v2). */
export interface Merchant {
  mchid: string
  appid: string
}

/** Injection token of the {@link Merchant}. */
export const MERCHANT = Symbol('MERCHANT')
