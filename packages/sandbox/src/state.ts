import type { SandboxClock } from './clock'
import { alnum, digits } from './random'
import { isV2SignType, type V2SignType } from './v2-sign'

/** Order states, with WeChat's own names (`trade_state`). */
export type OrderState = 'NOTPAY' | 'USERPAYING' | 'SUCCESS' | 'CLOSED' | 'REFUND' | 'PAYERROR'
/** Recharge states, with WeChat's own names (`recharge_state`). */
export type RechargeState = 'RECHARGING' | 'SUCCESS' | 'CLOSED'

export const ORDER_STATES: readonly OrderState[] = [
  'NOTPAY',
  'USERPAYING',
  'SUCCESS',
  'CLOSED',
  'REFUND',
  'PAYERROR',
]
/** `trade_type` values of the orders the sandbox keeps (v3 calls H5 `MWEB`). */
export type TradeType = 'JSAPI' | 'NATIVE' | 'APP' | 'MWEB'
export const TRADE_TYPES: readonly TradeType[] = ['JSAPI', 'NATIVE', 'APP', 'MWEB']
export const RECHARGE_STATES: readonly RechargeState[] = ['RECHARGING', 'SUCCESS', 'CLOSED']

/** An order as the sandbox keeps it. Times are milliseconds of the sandbox clock. */
export interface OrderRecord {
  out_trade_no: string
  state: OrderState
  created_at: number
  closed_at?: number
  /** Fen. */
  amount: number
  trade_type: TradeType
  /** Where the payment notification goes; no notification without one. */
  notify_url?: string
  /** Which API placed the order, hence which notification it gets: v3 JSON or v2 XML. */
  protocol: 'v3' | 'v2'
  /** v2 only: how the XML notification is signed (MD5 unless given). */
  sign_type?: V2SignType
  /** Set when paid: WeChat's 28-digit payment id. */
  transaction_id?: string
  /** Set when paid. */
  success_time?: number
  /** Set when paid; a JSAPI order placed through the gateway knows its payer from the start. */
  payer?: { openid: string }
  /** Set by the place-order routes: what the merchant sent (`appid` defaults to the merchant's). */
  appid?: string
  description?: string
  attach?: string
  /** Set by the place-order routes: the `prepay_id` they answered (v3 JSAPI/APP, v2 every type). */
  prepay_id?: string
}

/** What `orders.create()` takes. */
export interface OrderInput {
  out_trade_no: string
  /** Defaults to `NOTPAY`. */
  state?: OrderState
  /** Milliseconds since the epoch; defaults to the sandbox clock's now. */
  created_at?: number
  /** Fen; defaults to 100. */
  amount?: number
  /** Defaults to `JSAPI`. */
  trade_type?: TradeType
  /** An absolute `http:` or `https:` URL that receives the payment notification. */
  notify_url?: string
  /** `v2` for an order placed with the v2 API: its notification is v2 XML. Defaults to `v3`. */
  protocol?: 'v3' | 'v2'
  /** v2 only: `MD5` (default) or `HMAC-SHA256`, the `sign_type` of the order's notification. */
  sign_type?: V2SignType
}

/** What `orders.pay()` takes: who the simulated payer is. */
export interface PayInput {
  /** The payer's openid; defaults to a generated one. */
  openid?: string
}

/** A recharge as the sandbox keeps it. Times are milliseconds of the sandbox clock. */
export interface RechargeRecord {
  out_recharge_no: string
  sub_mchid: string
  state: RechargeState
  /** Fen. */
  amount: number
  /** WeChat's id for the recharge, generated. */
  recharge_id: string
  accepted_at: number
  closed_at?: number
  /** Where `RECHARGE.*` notifications go; none without one. */
  notify_url?: string
}

/** What `recharges.create()` takes. */
export interface RechargeInput {
  out_recharge_no: string
  sub_mchid: string
  /** Defaults to `RECHARGING`. */
  state?: RechargeState
  /** Fen; defaults to 100. */
  amount?: number
  /** An absolute `http:` or `https:` URL that receives `RECHARGE.CLOSED` when the recharge is closed. */
  notify_url?: string
}

/** Seeds and reads orders. */
export interface OrderStore {
  /** Creates (or overwrites) an order and returns it. */
  create(input: OrderInput): OrderRecord
  /** Reads an order back, or `undefined`. */
  get(outTradeNo: string): OrderRecord | undefined
}

/** Seeds, reads and pays orders: what `sb.orders` is. */
export interface SandboxOrders extends OrderStore {
  /**
   * A simulated payer pays the order (`NOTPAY` or `USERPAYING`): it becomes `SUCCESS` with a
   * `transaction_id`, `success_time` and `payer`, and `TRANSACTION.SUCCESS` goes to its
   * `notify_url`. Resolves with the paid order once the first delivery attempt (and a probe
   * before it, if faulted) has been answered or has failed; retries go on in the background
   * (`sb.notifications.settled()` waits for them). Rejects with `SandboxInputError` for an
   * unknown order or one in another state, changing nothing.
   *
   * @example
   * ```ts
   * sb.orders.create({ out_trade_no: 'T1', notify_url: 'http://127.0.0.1:3000/notify' })
   * await sb.orders.pay('T1') // state SUCCESS; TRANSACTION.SUCCESS POSTed to the notify_url
   * ```
   */
  pay(outTradeNo: string, input?: PayInput): Promise<OrderRecord>
  /**
   * The payment fails (`NOTPAY` or `USERPAYING` → `PAYERROR`, "支付失败"), as when the payer's bank
   * refuses it. WeChat sends no notification for a failed payment; a query says `PAYERROR`.
   * Throws `SandboxInputError` for an unknown order or one in another state, changing nothing.
   *
   * @example
   * ```ts
   * sb.orders.fail('T1') // state PAYERROR
   * ```
   */
  fail(outTradeNo: string): OrderRecord
}

/** Seeds and reads recharges. */
export interface RechargeStore {
  /** Creates (or overwrites) a recharge and returns it. */
  create(input: RechargeInput): RechargeRecord
  /** Reads a recharge back, or `undefined`. */
  get(outRechargeNo: string): RechargeRecord | undefined
}

/** Thrown for seeding input the sandbox cannot represent. */
export class SandboxInputError extends TypeError {
  override readonly name = 'SandboxInputError'
}

function nonEmpty(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '')
    throw new SandboxInputError(`${field} must be a non-empty string`)
  return value
}

function notifyUrl(value: unknown, field = 'notify_url'): string | undefined {
  if (value === undefined) return undefined
  let url: URL | undefined
  try {
    url = typeof value === 'string' ? new URL(value) : undefined
  } catch {}
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new SandboxInputError(`${field} must be an absolute http: or https: URL`)
  }
  return value as string
}

function fen(value: unknown): number {
  const amount = value ?? 100
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) {
    throw new SandboxInputError('amount must be a positive integer number of fen')
  }
  return amount
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (!allowed.includes(value as T))
    throw new SandboxInputError(`${field} must be one of ${allowed.join(', ')}`)
  return value as T
}

/** A copy deep enough that the caller cannot reach the stored `payer`. */
export function copyOrder(record: OrderRecord): OrderRecord {
  return record.payer ? { ...record, payer: { ...record.payer } } : { ...record }
}

/** Records are copied in and out so that callers cannot change the sandbox's state by accident. */
export function createOrderStore(clock: SandboxClock): OrderStore & { map: Map<string, OrderRecord> } {
  const map = new Map<string, OrderRecord>()
  return {
    map,
    create(input) {
      const createdAt = input.created_at ?? clock.now()
      if (!Number.isFinite(createdAt))
        throw new SandboxInputError('created_at must be milliseconds since the epoch')
      const record: OrderRecord = {
        out_trade_no: nonEmpty(input.out_trade_no, 'out_trade_no'),
        state: oneOf(input.state ?? 'NOTPAY', ORDER_STATES, 'state'),
        created_at: createdAt,
        amount: fen(input.amount),
        trade_type: oneOf(input.trade_type ?? 'JSAPI', TRADE_TYPES, 'trade_type'),
        protocol: oneOf(input.protocol ?? 'v3', ['v3', 'v2'] as const, 'protocol'),
      }
      const url = notifyUrl(input.notify_url)
      if (url !== undefined) record.notify_url = url
      if (input.sign_type !== undefined) {
        if (!isV2SignType(input.sign_type))
          throw new SandboxInputError('sign_type must be MD5 or HMAC-SHA256')
        record.sign_type = input.sign_type
      }
      map.set(record.out_trade_no, record)
      return copyOrder(record)
    },
    get(outTradeNo) {
      const record = map.get(outTradeNo)
      return record && copyOrder(record)
    },
  }
}

/**
 * The state half of `orders.pay()`: `NOTPAY`/`USERPAYING` → `SUCCESS` with the payment's fields.
 * Returns the live record; throws before changing anything.
 */
export function payOrder(
  map: Map<string, OrderRecord>,
  outTradeNo: string,
  clock: SandboxClock,
  input: PayInput = {},
): OrderRecord {
  const order = map.get(outTradeNo)
  if (!order) throw new SandboxInputError(`order ${outTradeNo} does not exist`)
  if (order.state !== 'NOTPAY' && order.state !== 'USERPAYING') {
    throw new SandboxInputError(
      `order ${outTradeNo} is ${order.state}: only NOTPAY or USERPAYING can be paid`,
    )
  }
  const openid = input.openid ?? order.payer?.openid ?? `o${alnum(27)}`
  nonEmpty(openid, 'openid')
  order.state = 'SUCCESS'
  // WeChat's ids start 4200… (a normal payment); the rest is random
  order.transaction_id = `4200${digits(24)}`
  order.success_time = clock.now()
  order.payer = { openid }
  return order
}

/** `orders.fail()`: `NOTPAY`/`USERPAYING` → `PAYERROR`. Returns a copy; throws before changing anything. */
export function failOrder(map: Map<string, OrderRecord>, outTradeNo: string): OrderRecord {
  const order = map.get(outTradeNo)
  if (!order) throw new SandboxInputError(`order ${outTradeNo} does not exist`)
  if (order.state !== 'NOTPAY' && order.state !== 'USERPAYING') {
    throw new SandboxInputError(`order ${outTradeNo} is ${order.state}: only NOTPAY or USERPAYING can fail`)
  }
  order.state = 'PAYERROR'
  return copyOrder(order)
}

export function createRechargeStore(
  clock: SandboxClock,
): RechargeStore & { map: Map<string, RechargeRecord> } {
  const map = new Map<string, RechargeRecord>()
  return {
    map,
    create(input) {
      const amount = fen(input.amount)
      const url = notifyUrl(input.notify_url)
      const record: RechargeRecord = {
        out_recharge_no: nonEmpty(input.out_recharge_no, 'out_recharge_no'),
        sub_mchid: nonEmpty(input.sub_mchid, 'sub_mchid'),
        state: oneOf(input.state ?? 'RECHARGING', RECHARGE_STATES, 'state'),
        amount,
        recharge_id: `1${digits(27)}`,
        accepted_at: clock.now(),
      }
      if (url !== undefined) record.notify_url = url
      map.set(record.out_recharge_no, record)
      return { ...record }
    },
    get(outRechargeNo) {
      const record = map.get(outRechargeNo)
      return record && { ...record }
    },
  }
}
