import type { SandboxClock } from './clock'
import { digits } from './random'
import { type OrderRecord, SandboxInputError } from './state'

/** Refund states, with WeChat's own names (`status` in v3, `refund_status` in notifications). */
export type RefundStatus = 'PROCESSING' | 'SUCCESS' | 'CLOSED' | 'ABNORMAL'

/** A refund as the sandbox keeps it. Times are milliseconds of the sandbox clock; amounts are fen. */
export interface RefundRecord {
  out_refund_no: string
  /** WeChat's id for the refund, `50` + 27 random digits. */
  refund_id: string
  out_trade_no: string
  transaction_id: string
  status: RefundStatus
  /** This refund's amount. */
  refund: number
  /** The order's total. */
  total: number
  currency: 'CNY'
  created_at: number
  /** Set when the refund succeeded. */
  success_time?: number
  /** Where `REFUND.*` goes: the refund request's `notify_url`, else none. */
  notify_url?: string
  reason?: string
  /** `AVAILABLE` or `UNSETTLED`, as the request asked (absent when it did not). */
  funds_account?: string
  /** Which API asked for the refund. */
  protocol: 'v3' | 'v2'
}

/** Reads refunds. */
export interface RefundStore {
  /** A refund by `out_refund_no`, or `undefined`. */
  get(outRefundNo: string): RefundRecord | undefined
  /** Every refund, oldest first; with `outTradeNo`, that order's only. */
  list(outTradeNo?: string): RefundRecord[]
}

/** Reads and settles refunds: what `sb.refunds` is. */
export interface SandboxRefunds extends RefundStore {
  /**
   * A `PROCESSING` refund succeeds: `SUCCESS` with a `success_time`, and `REFUND.SUCCESS` goes to
   * its `notify_url`. Resolves once the first delivery attempt is over (at once without a
   * `notify_url`); rejects with `SandboxInputError` for an unknown refund or one not `PROCESSING`.
   *
   * @example
   * ```ts
   * const sb = await startSandbox({ autoRefund: false })
   * // … POST /v3/refund/domestic/refunds answers status PROCESSING …
   * await sb.refunds.succeed('R1') // status SUCCESS; REFUND.SUCCESS POSTed to its notify_url
   * ```
   */
  succeed(outRefundNo: string): Promise<RefundRecord>
  /** A `PROCESSING` refund becomes `ABNORMAL` (the payer's account cannot take it): `REFUND.ABNORMAL`. */
  abnormal(outRefundNo: string): Promise<RefundRecord>
  /** A `PROCESSING` refund becomes `CLOSED`: `REFUND.CLOSED`; its amount can be refunded again. */
  close(outRefundNo: string): Promise<RefundRecord>
}

export function createRefundStore(): RefundStore & { map: Map<string, RefundRecord> } {
  const map = new Map<string, RefundRecord>()
  return {
    map,
    get(outRefundNo) {
      const record = map.get(outRefundNo)
      return record && { ...record }
    },
    list(outTradeNo) {
      return [...map.values()]
        .filter((r) => outTradeNo === undefined || r.out_trade_no === outTradeNo)
        .map((r) => ({ ...r }))
    },
  }
}

/** Fen of an order already refunded or being refunded: every refund but the `CLOSED` ones. */
export function refundedSoFar(map: Map<string, RefundRecord>, outTradeNo: string): number {
  let sum = 0
  for (const r of map.values()) if (r.out_trade_no === outTradeNo && r.status !== 'CLOSED') sum += r.refund
  return sum
}

/** Why a refund request cannot become a refund; `code` is WeChat's v3 code, `v2` the v2 err_code. */
export interface RefundRefusal {
  status: 400 | 403 | 404
  code: string
  v2: string
  message: string
}

/** What a refund request carries, after the route checked its shape. */
export interface RefundRequest {
  out_refund_no: string
  refund: number
  /** The order's total as the merchant states it; must match the order. */
  total: number
  notify_url?: string
  reason?: string
  funds_account?: string
  protocol: 'v3' | 'v2'
}

/**
 * The state half of a refund request (both APIs): checks it against the order and the refunds
 * already made, then records a `PROCESSING` refund and moves the order to `REFUND`. Returns the
 * live record, or the refusal; changes nothing when it refuses.
 *
 * A request repeating an existing `out_refund_no` for the same order and amount answers that
 * refund again (WeChat's refunds are idempotent by `out_refund_no`).
 */
export function createRefund(
  refunds: Map<string, RefundRecord>,
  order: OrderRecord | undefined,
  request: RefundRequest,
  clock: SandboxClock,
): RefundRecord | RefundRefusal {
  const existing = refunds.get(request.out_refund_no)
  if (existing) {
    if (order && existing.out_trade_no === order.out_trade_no && existing.refund === request.refund) {
      return existing
    }
    return {
      status: 400,
      code: 'INVALID_REQUEST',
      v2: 'INVALID_REQUEST',
      message: `out_refund_no ${request.out_refund_no} was used for another refund`,
    }
  }
  // WeChat: "订单号不存在 — 未支付的订单不能发起退款" (an unpaid order cannot be refunded)
  if (!order || (order.state !== 'SUCCESS' && order.state !== 'REFUND') || !order.transaction_id) {
    return {
      status: 404,
      code: 'RESOURCE_NOT_EXISTS',
      v2: 'ORDERNOTEXIST',
      message: order
        ? `Order ${order.out_trade_no} is ${order.state}: only a paid order can be refunded`
        : 'The order does not exist',
    }
  }
  if (request.total !== order.amount) {
    return {
      status: 400,
      code: 'INVALID_REQUEST',
      v2: 'INVALID_REQUEST',
      message: `amount.total ${request.total} is not the order's total ${order.amount}`,
    }
  }
  const left = order.amount - refundedSoFar(refunds, order.out_trade_no)
  if (request.refund > left) {
    return {
      status: 400,
      code: 'INVALID_REQUEST',
      v2: 'INVALID_REQUEST',
      message: `The refund ${request.refund} is more than the ${left} fen left to refund on order ${order.out_trade_no}`,
    }
  }
  const record: RefundRecord = {
    out_refund_no: request.out_refund_no,
    refund_id: `50${digits(27)}`,
    out_trade_no: order.out_trade_no,
    transaction_id: order.transaction_id,
    status: 'PROCESSING',
    refund: request.refund,
    total: order.amount,
    currency: 'CNY',
    created_at: clock.now(),
    protocol: request.protocol,
  }
  if (request.notify_url !== undefined) record.notify_url = request.notify_url
  if (request.reason !== undefined) record.reason = request.reason
  if (request.funds_account !== undefined) record.funds_account = request.funds_account
  refunds.set(record.out_refund_no, record)
  // WeChat moves the order to REFUND ("转入退款") once a refund is accepted
  order.state = 'REFUND'
  return record
}

/** The state half of `refunds.succeed/abnormal/close`: `PROCESSING` → `status`; throws before changing anything. */
export function settleRefund(
  refunds: Map<string, RefundRecord>,
  outRefundNo: string,
  status: Exclude<RefundStatus, 'PROCESSING'>,
  clock: SandboxClock,
): RefundRecord {
  const refund = refunds.get(outRefundNo)
  if (!refund) throw new SandboxInputError(`refund ${outRefundNo} does not exist`)
  if (refund.status !== 'PROCESSING') {
    throw new SandboxInputError(`refund ${outRefundNo} is ${refund.status}: only PROCESSING can change`)
  }
  refund.status = status
  if (status === 'SUCCESS') refund.success_time = clock.now()
  return refund
}
