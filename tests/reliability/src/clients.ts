// The clients under test: the node entry (undici transport) and the same client on `fetch`.
import { Wechatpay, type WechatpayOptions } from '@wxpay/core'
import type { TestCredentials } from '@wxpay/sandbox/testing'

export type TransportName = 'undici' | 'fetch'
export const TRANSPORTS: readonly TransportName[] = ['undici', 'fetch']

export function clientOptions(
  c: TestCredentials,
  baseUrl: string,
  extra: Partial<WechatpayOptions> = {},
): WechatpayOptions {
  return {
    mchid: c.mchid,
    serial: c.merchantSerial,
    privateKey: c.merchant.privateKey,
    certs: { [c.platformSerial]: c.platform.publicKey },
    secret: c.secret,
    baseUrl,
    backupBaseUrl: false,
    ...extra,
  }
}

/** A client on the given transport; `fetch` is the global one, passed explicitly. */
export function makeClient(transport: TransportName, options: WechatpayOptions): Wechatpay {
  return new Wechatpay(transport === 'fetch' ? { ...options, fetch: globalThis.fetch } : options)
}

/** Paths as plain strings: the loose call signature, so tests can pass deliberately bad input. */
export const RECHARGE_PATH: string =
  'v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close'
export const CLOSE_PATH: string = 'v3/pay/transactions/out-trade-no/{out_trade_no}/close'
