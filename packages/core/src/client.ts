import { chainNode, NODE } from './chain'
import { createNotifications, type Notifications } from './notifications'
import { validateOptions, type WechatpayOptions } from './options'
import { createContext } from './request'
import { fetchTransport } from './transport/fetch'
import type { Transport } from './transport/types'
import type { EndpointTree } from './types/chain'

/**
 * The client: reach any endpoint by its URL, in three styles that build the same request.
 * Requests are signed and replies verified for you; v2 paths speak XML, v3 paths JSON.
 *
 * @example
 * ```ts
 * const wxpay = new Wechatpay({ mchid, serial, privateKey, certs: { [platformSerial]: publicKey }, secret })
 * await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({ out_trade_no: 'T1', json: { mchid } })
 * await wxpay.chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close').post({ out_trade_no: 'T1', json: { mchid } })
 * await wxpay['v3/pay/transactions/out-trade-no/{out_trade_no}/close'].post({ out_trade_no: 'T1', json: { mchid } })
 * ```
 */
export type Wechatpay = EndpointTree & RootMembers

/** The client's own members: never URL segments. */
export interface RootMembers {
  /**
   * Verifies and decodes what WeChat Pay POSTs to your `notify_url` (`parse` for APIv3 JSON,
   * `parseV2` for APIv2 XML); answer with `acknowledge`.
   */
  readonly notifications: Notifications
}

export interface WechatpayConstructor {
  /** Validates the options (a bad one throws `WechatpayValidationError` naming it) and imports the keys. */
  new (options: WechatpayOptions): Wechatpay
  readonly prototype: Wechatpay
}

/** Builds the `Wechatpay` class of an entry point, with that entry's default transport. */
export function createWechatpayClass(defaultTransport: () => Transport): WechatpayConstructor {
  // A constructor that returns the chain's root proxy; its target carries the prototype so that
  // `instanceof Wechatpay` holds, and nothing else: the configuration lives in a closure.
  function Wechatpay(this: object, options: WechatpayOptions) {
    if (!new.target) throw new TypeError("Class constructor Wechatpay cannot be invoked without 'new'")
    const config = validateOptions(options)
    const transport = config.fetch ? fetchTransport(config.fetch) : defaultTransport()
    const context = createContext(config, transport)
    const members = new Map([['notifications', createNotifications(config, context.hmacKey)]])
    return chainNode(context, '', Object.create(new.target.prototype), members)
  }
  Wechatpay.prototype = Object.create(NODE)
  return Wechatpay as unknown as WechatpayConstructor
}
