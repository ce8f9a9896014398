import type { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { rfc3339Cst } from './clock'
import type { AppEnv, SandboxContext } from './context'
import { isHttpUrl, orderByTransactionId, placeOrder, TRADE_STATE_DESC } from './pay-routes'
import { alnum } from './random'
import type { RefundRecord, RefundStatus } from './refunds'
import { type OrderRecord, TRADE_TYPES, type TradeType } from './state'
import { v2PaidFields } from './v2-fields'
import { businessReply, type Outcome, readSignedV2, v2Fail } from './v2-routes'
import type { V2SignType } from './v2-sign'
import { MAX_XML_BYTES } from './xml'

/** v2 refund states (`refund_status_$n`) for the sandbox's refund states. */
const V2_REFUND_STATUS: Record<RefundStatus, string> = {
  PROCESSING: 'PROCESSING',
  SUCCESS: 'SUCCESS',
  CLOSED: 'REFUNDCLOSE',
  ABNORMAL: 'CHANGE',
}

/** `yyyyMMddHHmmss` in China Standard Time (`time_end`). */
/** `yyyy-MM-dd HH:mm:ss` in China Standard Time (`refund_success_time_$n`). */
function spacedTime(ms: number): string {
  return rfc3339Cst(ms).slice(0, 19).replace('T', ' ')
}

function fail(errCode: string, des: string): Outcome {
  return { err_code: errCode, err_code_des: des }
}

type V2Route = (ctx: SandboxContext, fields: Record<string, string>) => [Outcome, Record<string, string>?]

const UNIFIED_REQUIRED = [
  'body',
  'out_trade_no',
  'total_fee',
  'spbill_create_ip',
  'notify_url',
  'trade_type',
] as const

function unifiedOrder(signType: V2SignType): V2Route {
  return (ctx, fields) => {
    for (const name of UNIFIED_REQUIRED) {
      if (!fields[name]) return [fail('LACK_PARAMS', `${name} is required`)]
    }
    const f = fields as Record<(typeof UNIFIED_REQUIRED)[number], string>
    if (f.out_trade_no.length > 32 || !/^[0-9A-Za-z_\-|*]+$/.test(f.out_trade_no)) {
      return [fail('PARAM_ERROR', 'out_trade_no must be 1 to 32 of [0-9A-Za-z_-|*]')]
    }
    if (!/^[1-9][0-9]{0,9}$/.test(f.total_fee))
      return [fail('PARAM_ERROR', 'total_fee must be a positive integer of fen')]
    if (fields.fee_type && fields.fee_type !== 'CNY') return [fail('PARAM_ERROR', 'fee_type must be CNY')]
    if (!TRADE_TYPES.includes(f.trade_type as TradeType)) {
      return [fail('PARAM_ERROR', `trade_type must be one of ${TRADE_TYPES.join(', ')}`)]
    }
    if (!isHttpUrl(f.notify_url)) return [fail('PARAM_ERROR', 'notify_url must be an absolute URL')]
    if (f.trade_type === 'JSAPI' && !fields.openid) {
      return [fail('LACK_PARAMS', 'openid is required when trade_type is JSAPI')]
    }
    const tradeType = f.trade_type as TradeType
    const outcome = placeOrder(
      ctx,
      {
        out_trade_no: f.out_trade_no,
        trade_type: tradeType,
        total: Number(f.total_fee),
        notify_url: f.notify_url,
        appid: ctx.keys.merchant.appid,
        description: f.body,
        ...(fields.attach ? { attach: fields.attach } : {}),
        ...(fields.openid ? { openid: fields.openid } : {}),
        protocol: 'v2',
        sign_type: signType,
      },
      (prepayId) => {
        const reply: Record<string, string> = { trade_type: tradeType, prepay_id: prepayId }
        if (tradeType === 'NATIVE') reply.code_url = `weixin://wxpay/bizpayurl?pr=${alnum(7)}`
        if (tradeType === 'MWEB') {
          reply.mweb_url = `https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=${prepayId}&package=${alnum(10)}`
        }
        return reply
      },
    )
    if ('code' in outcome) return [fail(outcome.v2, outcome.message)]
    return [undefined, outcome.placement.reply]
  }
}

function findOrder(ctx: SandboxContext, fields: Record<string, string>): OrderRecord | undefined {
  // transaction_id first, as WeChat documents
  if (fields.transaction_id) return orderByTransactionId(ctx, fields.transaction_id)
  return ctx.orders.map.get(fields.out_trade_no ?? '')
}

const orderQuery: V2Route = (ctx, fields) => {
  if (!fields.transaction_id && !fields.out_trade_no) {
    return [fail('LACK_PARAMS', 'transaction_id or out_trade_no is required')]
  }
  const order = findOrder(ctx, fields)
  if (!order) return [fail('ORDERNOTEXIST', 'The order does not exist')]
  const reply: Record<string, string> = {}
  if (order.transaction_id !== undefined) {
    Object.assign(reply, v2PaidFields(order, ctx.clock.now()))
  } else {
    reply.total_fee = String(order.amount)
  }
  Object.assign(reply, {
    out_trade_no: order.out_trade_no,
    attach: order.attach ?? '',
    trade_state: order.state,
    trade_state_desc: TRADE_STATE_DESC[order.state],
  })
  return [undefined, reply]
}

const refundQuery: V2Route = (ctx, fields) => {
  // WeChat's priority when several are given: refund_id > out_refund_no > transaction_id > out_trade_no
  let refunds: RefundRecord[]
  if (fields.refund_id) {
    refunds = [...ctx.refunds.map.values()].filter((r) => r.refund_id === fields.refund_id)
  } else if (fields.out_refund_no) {
    const one = ctx.refunds.map.get(fields.out_refund_no)
    refunds = one ? [one] : []
  } else if (fields.transaction_id || fields.out_trade_no) {
    const order = findOrder(ctx, fields)
    refunds = order ? [...ctx.refunds.map.values()].filter((r) => r.out_trade_no === order.out_trade_no) : []
  } else {
    return [fail('LACK_PARAMS', 'one of refund_id, out_refund_no, transaction_id, out_trade_no is required')]
  }
  const first = refunds[0]
  if (!first) return [fail('REFUNDNOTEXIST', 'No refund matches')]
  const reply: Record<string, string> = {
    transaction_id: first.transaction_id,
    out_trade_no: first.out_trade_no,
    total_fee: String(first.total),
    fee_type: 'CNY',
    cash_fee: String(first.total),
    refund_count: String(refunds.length),
  }
  refunds.forEach((r, n) => {
    reply[`out_refund_no_${n}`] = r.out_refund_no
    reply[`refund_id_${n}`] = r.refund_id
    reply[`refund_channel_${n}`] = 'ORIGINAL'
    reply[`refund_fee_${n}`] = String(r.refund)
    reply[`settlement_refund_fee_${n}`] = String(r.refund)
    reply[`refund_status_${n}`] = V2_REFUND_STATUS[r.status]
    reply[`refund_account_${n}`] =
      r.funds_account === 'AVAILABLE' ? 'REFUND_SOURCE_RECHARGE_FUNDS' : 'REFUND_SOURCE_UNSETTLED_FUNDS'
    reply[`refund_recv_accout_${n}`] = '支付用户零钱'
    if (r.success_time !== undefined) reply[`refund_success_time_${n}`] = spacedTime(r.success_time)
  })
  return [undefined, reply]
}

/**
 * v2 `unifiedorder`, `orderquery` and `refundquery` (the SDK paths `v2/pay/…`; `v2/` is not sent),
 * with the same checks as `closeorder`.
 */
export function mountV2PayRoutes(app: Hono<AppEnv>, ctx: SandboxContext): void {
  const routes: [string, (signType: V2SignType) => V2Route][] = [
    ['/pay/unifiedorder', unifiedOrder],
    ['/pay/orderquery', () => orderQuery],
    ['/pay/refundquery', () => refundQuery],
  ]
  for (const [path, route] of routes) {
    app.post(
      path,
      bodyLimit({ maxSize: MAX_XML_BYTES, onError: () => v2Fail('XML_FORMAT_ERROR') }),
      async (c) => {
        const checked = await readSignedV2(c.req.raw, ctx)
        if (checked instanceof Response) return checked
        const [outcome, extra] = route(checked.signType)(ctx, checked.fields)
        return businessReply(ctx, checked.signType, outcome, extra)
      },
    )
    app.all(path, () => v2Fail('REQUIRE_POST_METHOD'))
  }
}
