import { v2CompactTime } from './clock'
import type { OrderRecord } from './state'

/**
 * The fields APIv2 gives a paid order, the same in the pay result notification and in an
 * `orderquery` reply (docs/protocol-2.md): payer, trade type, amounts in fen, `time_end`.
 */
export function v2PaidFields(order: OrderRecord, nowMs: number): Record<string, string> {
  const fee = String(order.amount)
  return {
    openid: order.payer?.openid ?? '',
    is_subscribe: 'N',
    trade_type: order.trade_type,
    bank_type: 'OTHERS',
    total_fee: fee,
    fee_type: 'CNY',
    cash_fee: fee,
    transaction_id: order.transaction_id ?? '',
    time_end: v2CompactTime(order.success_time ?? nowMs),
  }
}
