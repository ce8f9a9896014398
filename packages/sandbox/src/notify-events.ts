import { randomUUID } from 'node:crypto'
import { rfc3339Cst, unixSeconds } from './clock'
import type { SandboxContext } from './context'
import type { Outgoing } from './notify'
import { notificationBody } from './notify-sign'
import { type PlatformState, replySigner } from './platform'
import { alnum } from './random'
import { type RefundRecord, type RefundStatus, settleRefund } from './refunds'
import { copyOrder, type OrderRecord, type PayInput, payOrder, type RechargeRecord } from './state'
import { v2PaidFields } from './v2-fields'
import { v2Sign } from './v2-sign'
import { signedReplyHeaders } from './v3-reply'
import { newRequestId } from './v3-respond'
import { buildV2Xml, parseV2Xml } from './xml'

type NotifyContext = Pick<SandboxContext, 'keys' | 'clock'> & { platform?: PlatformState }

interface V3Event {
  url: string
  subject: string
  event_type: string
  summary: string
  original_type: string
  resource: Record<string, unknown>
}

/**
 * A v3 notification: the envelope is built and its `resource` encrypted once (so every retry
 * carries the same bytes and the same `id`); each attempt is signed anew with the platform key,
 * exactly like a reply, at the sandbox clock's time.
 */
function v3Outgoing(ctx: NotifyContext, event: V3Event): Outgoing {
  const { keys, clock } = ctx
  const id = randomUUID()
  // The key that signs now (public key or newest certificate); each attempt is signed anew.
  const signerNow = () =>
    ctx.platform
      ? replySigner(keys, ctx.platform)
      : { serial: keys.platform.serial, privateKey: keys.platformPrivateKey }
  const body = notificationBody({
    apiv3Key: keys.merchant.apiv3Key,
    resource: event.resource,
    id,
    create_time: rfc3339Cst(clock.now()),
    event_type: event.event_type,
    summary: event.summary,
    original_type: event.original_type,
  })
  return {
    id,
    event_type: event.event_type,
    protocol: 'v3',
    url: event.url,
    subject: event.subject,
    body,
    headers: (probe) => ({
      ...signedReplyHeaders(body, unixSeconds(clock.now()), signerNow(), probe ? 'signtest' : 'none'),
      'Content-Type': 'application/json',
      'Request-ID': newRequestId(),
    }),
    acknowledges: (status) => status >= 200 && status < 300,
  }
}

/** `TRANSACTION.SUCCESS` for a paid order, its resource shaped as docs/protocol-2.md §1.5 (merchant mode). */
export function transactionSuccess(
  ctx: NotifyContext,
  order: OrderRecord & { notify_url: string },
): Outgoing {
  const { merchant } = ctx.keys
  return v3Outgoing(ctx, {
    url: order.notify_url,
    subject: order.out_trade_no,
    event_type: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    original_type: 'transaction',
    // key order of WeChat's own samples
    resource: {
      mchid: merchant.mchid,
      appid: order.appid ?? merchant.appid,
      out_trade_no: order.out_trade_no,
      transaction_id: order.transaction_id,
      trade_type: order.trade_type,
      trade_state: 'SUCCESS',
      trade_state_desc: '支付成功',
      bank_type: 'OTHERS',
      attach: order.attach ?? '',
      success_time: rfc3339Cst(order.success_time ?? ctx.clock.now()),
      payer: { openid: order.payer?.openid },
      amount: { total: order.amount, payer_total: order.amount, currency: 'CNY', payer_currency: 'CNY' },
    },
  })
}

/** `RECHARGE.CLOSED`; the resource is the recharge as the query/close reply shows it. */
export function rechargeClosed(
  ctx: NotifyContext,
  recharge: RechargeRecord & { notify_url: string },
  resource: Record<string, unknown>,
): Outgoing {
  return v3Outgoing(ctx, {
    url: recharge.notify_url,
    subject: recharge.out_recharge_no,
    event_type: 'RECHARGE.CLOSED',
    summary: '充值关闭',
    original_type: 'recharge',
    resource,
  })
}

/** `yyyyMMddHHmmss` in China Standard Time, v2's `time_end`. */
/**
 * The v2 pay result notification (docs/protocol-2.md §2.1): flat `<xml>` in CDATA, signed with the APIv2
 * key (MD5, or HMAC-SHA256 with `sign_type` when the order asked for it). Acknowledged by a 2xx whose
 * XML says `return_code` SUCCESS (§2.2).
 */
export function v2PayResult(ctx: NotifyContext, order: OrderRecord & { notify_url: string }): Outgoing {
  const { merchant } = ctx.keys
  const paid = v2PaidFields(order, ctx.clock.now())
  const fields: Record<string, string> = {
    return_code: 'SUCCESS',
    return_msg: 'OK',
    appid: merchant.appid,
    mch_id: merchant.mchid,
    nonce_str: alnum(32),
    result_code: 'SUCCESS',
    ...paid,
    out_trade_no: order.out_trade_no,
    attach: '',
    time_end: paid.time_end!,
  }
  const signType = order.sign_type ?? 'MD5'
  if (signType === 'HMAC-SHA256') fields.sign_type = signType
  fields.sign = v2Sign(fields, merchant.secret, signType)
  const body = buildV2Xml(fields)
  return {
    id: randomUUID(),
    event_type: 'TRANSACTION.SUCCESS',
    protocol: 'v2',
    url: order.notify_url,
    subject: order.out_trade_no,
    body,
    headers: () => ({ 'Content-Type': 'text/xml', 'Request-ID': newRequestId() }),
    acknowledges: (status, text) =>
      status >= 200 && status < 300 && parseV2Xml(text)?.return_code === 'SUCCESS',
  }
}

/** The notification a paid order gets, by the API that placed it; `undefined` without a `notify_url`. */
export function paidNotification(ctx: NotifyContext, order: OrderRecord): Outgoing | undefined {
  if (order.notify_url === undefined) return undefined
  const withUrl = { ...order, notify_url: order.notify_url }
  return order.protocol === 'v2' ? v2PayResult(ctx, withUrl) : transactionSuccess(ctx, withUrl)
}

/**
 * `orders.pay()`: the state change happens at once (or throws); the promise waits for the first
 * delivery attempt of the order's notification, if it has a `notify_url`.
 */
export async function payAndNotify(
  ctx: SandboxContext,
  outTradeNo: string,
  input?: PayInput,
): Promise<OrderRecord> {
  const order = payOrder(ctx.orders.map, outTradeNo, ctx.clock, input)
  const paid = copyOrder(order)
  const notification = paidNotification(ctx, order)
  if (notification) await ctx.notifier.send(notification)
  return paid
}

const REFUND_SUMMARY: Record<Exclude<RefundStatus, 'PROCESSING'>, string> = {
  SUCCESS: '退款成功',
  ABNORMAL: '退款异常',
  CLOSED: '退款关闭',
}

/**
 * `REFUND.SUCCESS` / `REFUND.ABNORMAL` / `REFUND.CLOSED` for a settled refund, the resource shaped
 * as docs/protocol-2.md §1.5 (merchant mode), in the key order of WeChat's sample.
 */
export function refundSettled(
  ctx: NotifyContext,
  refund: RefundRecord & { notify_url: string; status: Exclude<RefundStatus, 'PROCESSING'> },
): Outgoing {
  const resource: Record<string, unknown> = {
    mchid: ctx.keys.merchant.mchid,
    out_trade_no: refund.out_trade_no,
    transaction_id: refund.transaction_id,
    out_refund_no: refund.out_refund_no,
    refund_id: refund.refund_id,
    refund_status: refund.status,
  }
  if (refund.success_time !== undefined) resource.success_time = rfc3339Cst(refund.success_time)
  resource.user_received_account = '支付用户零钱'
  resource.amount = {
    total: refund.total,
    refund: refund.refund,
    payer_total: refund.total,
    payer_refund: refund.refund,
  }
  return v3Outgoing(ctx, {
    url: refund.notify_url,
    subject: refund.out_refund_no,
    event_type: `REFUND.${refund.status}`,
    summary: REFUND_SUMMARY[refund.status],
    original_type: 'refund',
    resource,
  })
}

/**
 * `refunds.succeed/abnormal/close()`: the state change happens at once (or throws); the promise
 * waits for the first delivery attempt of `REFUND.*` when the refund has a `notify_url`.
 */
export async function settleAndNotify(
  ctx: SandboxContext,
  outRefundNo: string,
  status: Exclude<RefundStatus, 'PROCESSING'>,
): Promise<RefundRecord> {
  const refund = settleRefund(ctx.refunds.map, outRefundNo, status, ctx.clock)
  const settled = { ...refund }
  // REFUND.* is the v3 notification. A v2 refund's (XML with req_info, AES-256-ECB) is not built
  // yet: a v2 refund settles without one rather than with a v3 JSON at a v2 notify_url.
  if (refund.notify_url !== undefined && refund.protocol === 'v3') {
    await ctx.notifier.send(refundSettled(ctx, { ...refund, notify_url: refund.notify_url, status }))
  }
  return settled
}
