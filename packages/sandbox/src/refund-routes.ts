import type { Hono } from 'hono'
import { rfc3339Cst } from './clock'
import type { AppEnv, SandboxContext } from './context'
import { settleAndNotify } from './notify-events'
import {
  isHttpUrl,
  jsonObject,
  optionalString,
  orderByTransactionId,
  positiveFen,
  requiredString,
} from './pay-routes'
import { createRefund, type RefundRecord } from './refunds'
import { v3Error, v3Signed } from './v3-respond'
import { authenticate } from './v3-routes'

/** `out_refund_no`: up to 64 of digits, letters, `_-|*@` (WeChat's rule). */
const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/

/** The Refund JSON of the create and query routes, in the key order of WeChat's samples. */
export function refundJson(refund: RefundRecord): Record<string, unknown> {
  const json: Record<string, unknown> = {
    refund_id: refund.refund_id,
    out_refund_no: refund.out_refund_no,
    transaction_id: refund.transaction_id,
    out_trade_no: refund.out_trade_no,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
  }
  if (refund.success_time !== undefined) json.success_time = rfc3339Cst(refund.success_time)
  json.create_time = rfc3339Cst(refund.created_at)
  json.status = refund.status
  json.funds_account = refund.funds_account ?? 'AVAILABLE'
  json.amount = {
    total: refund.total,
    refund: refund.refund,
    from: [],
    payer_total: refund.total,
    payer_refund: refund.refund,
    settlement_refund: refund.refund,
    settlement_total: refund.total,
    discount_refund: 0,
    currency: refund.currency,
  }
  json.promotion_detail = []
  return json
}

/** v3 refund create (`POST /v3/refund/domestic/refunds`) and query (`GET …/{out_refund_no}`). */
export function mountRefundRoutes(app: Hono<AppEnv>, ctx: SandboxContext): void {
  app.post('/v3/refund/domestic/refunds', async (c) => {
    const body = await authenticate(c, ctx)
    if (body instanceof Response) return body
    const json = jsonObject(body)
    if (json instanceof Response) return json
    const transactionId = optionalString(json, 'transaction_id', 32)
    if (transactionId instanceof Response) return transactionId
    const outTradeNo = optionalString(json, 'out_trade_no', 32)
    if (outTradeNo instanceof Response) return outTradeNo
    if (transactionId === undefined && outTradeNo === undefined) {
      return v3Error(400, 'PARAM_ERROR', 'transaction_id or out_trade_no is required', {
        field: 'transaction_id',
        location: 'body',
      })
    }
    const outRefundNo = requiredString(json, 'out_refund_no', 64)
    if (outRefundNo instanceof Response) return outRefundNo
    if (!OUT_REFUND_NO.test(outRefundNo)) {
      return v3Error(400, 'PARAM_ERROR', 'out_refund_no must be 1 to 64 of [0-9A-Za-z_-|*@]', {
        field: 'out_refund_no',
        location: 'body',
      })
    }
    const reason = optionalString(json, 'reason', 80)
    if (reason instanceof Response) return reason
    const notifyUrl = optionalString(json, 'notify_url', 256)
    if (notifyUrl instanceof Response) return notifyUrl
    if (notifyUrl !== undefined && !isHttpUrl(notifyUrl)) {
      return v3Error(400, 'PARAM_ERROR', 'notify_url must be an absolute https: (or http:) URL', {
        field: 'notify_url',
        location: 'body',
      })
    }
    const fundsAccount = optionalString(json, 'funds_account', 32)
    if (fundsAccount instanceof Response) return fundsAccount
    if (fundsAccount !== undefined && fundsAccount !== 'AVAILABLE' && fundsAccount !== 'UNSETTLED') {
      return v3Error(400, 'PARAM_ERROR', 'funds_account must be AVAILABLE or UNSETTLED', {
        field: 'funds_account',
        location: 'body',
      })
    }
    const amount = json.amount
    if (typeof amount !== 'object' || amount === null || Array.isArray(amount)) {
      return v3Error(400, 'PARAM_ERROR', 'amount is required', { field: 'amount', location: 'body' })
    }
    const { refund, total, currency } = amount as Record<string, unknown>
    const refundFen = positiveFen(refund, 'amount.refund')
    if (refundFen instanceof Response) return refundFen
    const totalFen = positiveFen(total, 'amount.total')
    if (totalFen instanceof Response) return totalFen
    if (currency !== 'CNY') {
      return v3Error(400, 'PARAM_ERROR', 'amount.currency is required and must be CNY', {
        field: 'amount.currency',
        location: 'body',
      })
    }
    // transaction_id wins when both are given, as WeChat documents
    const order =
      transactionId !== undefined
        ? orderByTransactionId(ctx, transactionId)
        : ctx.orders.map.get(outTradeNo as string)
    const before = ctx.refunds.map.get(outRefundNo)?.status
    const outcome = createRefund(
      ctx.refunds.map,
      order,
      {
        out_refund_no: outRefundNo,
        refund: refundFen,
        total: totalFen,
        protocol: 'v3',
        ...(notifyUrl !== undefined ? { notify_url: notifyUrl } : {}),
        ...(reason !== undefined ? { reason } : {}),
        ...(fundsAccount !== undefined ? { funds_account: fundsAccount } : {}),
      },
      ctx.clock,
    )
    if ('code' in outcome) return v3Error(outcome.status, outcome.code, outcome.message)
    // the reply shows the refund as accepted; a repeated request shows where it is now
    const reply = refundJson(outcome)
    if (before === undefined && ctx.autoRefund) {
      // the state changes synchronously; the notification goes in the background
      settleAndNotify(ctx, outRefundNo, 'SUCCESS').catch(() => {})
    }
    return v3Signed(ctx, 200, reply)
  })

  app.get('/v3/refund/domestic/refunds/:out_refund_no', async (c) => {
    const body = await authenticate(c, ctx)
    if (body instanceof Response) return body
    const refund = ctx.refunds.map.get(c.req.param('out_refund_no'))
    if (!refund) return v3Error(404, 'RESOURCE_NOT_EXISTS', '退款单不存在')
    return v3Signed(ctx, 200, refundJson(refund))
  })
}
