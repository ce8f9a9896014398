import type { Context, Hono } from 'hono'
import { rfc3339Cst } from './clock'
import type { AppEnv, SandboxContext } from './context'
import { isObject, type Json } from './json'
import { alnum, digits } from './random'
import type { OrderRecord, OrderState, TradeType } from './state'
import { v3Error, v3Signed } from './v3-respond'
import { authenticate, OUT_TRADE_NO } from './v3-routes'

/** `trade_state_desc` as WeChat words it. */
export const TRADE_STATE_DESC: Record<OrderState, string> = {
  NOTPAY: '订单未支付',
  USERPAYING: '用户支付中（需要输入密码）',
  SUCCESS: '支付成功',
  CLOSED: '已关闭',
  REFUND: '转入退款',
  PAYERROR: '支付失败(其他原因，如银行返回失败)',
}

/**
 * What an order was placed with, and what the placing route answered: placing the same order
 * again (same parameters, still unpaid) answers the same; anything else is refused. Keyed by the
 * live record, so an order seeded with `orders.create()` has none.
 */
export interface Placement {
  fingerprint: string
  reply: Record<string, string>
}
export const placements = new WeakMap<OrderRecord, Placement>()

/** `wx` + yyyyMMddHHmmss (China Standard Time) + 20 random characters: the shape of WeChat's prepay ids. */
export function newPrepayId(nowMs: number): string {
  return `wx${rfc3339Cst(nowMs).slice(0, 19).replace(/\D/g, '')}${alnum(20).toLowerCase()}`
}

/** A 400 PARAM_ERROR naming the field, with WeChat's `detail` shape. */
function paramError(field: string, issue: string, location = 'body'): Response {
  return v3Error(400, 'PARAM_ERROR', `${field} ${issue}`, { field, location })
}

/** The body as a JSON object, or the PARAM_ERROR to answer. */
export function jsonObject(body: Buffer): Json | Response {
  let json: unknown
  try {
    json = JSON.parse(body.toString('utf8'))
  } catch {
    return v3Error(400, 'PARAM_ERROR', 'The request body is not valid JSON', { location: 'body' })
  }
  return isObject(json) ? json : v3Error(400, 'PARAM_ERROR', 'The request body must be a JSON object')
}

/** A required non-empty string of at most `max` characters, or the PARAM_ERROR to answer. */
export function requiredString(json: Json, field: string, max: number, path = field): string | Response {
  const value = json[field]
  if (value === undefined || value === null) return paramError(path, 'is required')
  if (typeof value !== 'string' || value === '') return paramError(path, 'must be a non-empty string')
  if ([...value].length > max) return paramError(path, `must be at most ${max} characters`)
  return value
}

/** An optional string of at most `max` characters: `undefined`, the string, or the PARAM_ERROR. */
export function optionalString(json: Json, field: string, max: number): string | undefined | Response {
  if (json[field] === undefined) return undefined
  return requiredString(json, field, max)
}

/** An absolute `http:`/`https:` URL (WeChat requires `https:`; a local receiver rarely has one). */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}

/** A positive integer number of fen, or the PARAM_ERROR to answer. */
export function positiveFen(value: unknown, path: string): number | Response {
  if (value === undefined || value === null) return paramError(path, 'is required')
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    return paramError(path, 'must be a positive integer number of fen')
  }
  return value
}

/** The `mchid` of a body or query: present, and the signing merchant's. */
export function checkMchid(
  ctx: SandboxContext,
  mchid: unknown,
  location: 'body' | 'query',
): Response | undefined {
  if (typeof mchid !== 'string' || mchid === '') return paramError('mchid', 'is required', location)
  if (mchid !== ctx.keys.merchant.mchid) {
    return v3Error(
      400,
      'INVALID_REQUEST',
      `mchid ${mchid} does not match the merchant that signed the request`,
    )
  }
  return undefined
}

type Channel = 'jsapi' | 'native' | 'app' | 'h5'

const TRADE_TYPE: Record<Channel, TradeType> = { jsapi: 'JSAPI', native: 'NATIVE', app: 'APP', h5: 'MWEB' }

interface Placed {
  out_trade_no: string
  total: number
  description: string
  notify_url: string
  attach?: string
  openid?: string
  appid: string
}

/** Validates a place-order body in the catalogue's terms; the order's fields, or the error to answer. */
function readPlaceOrder(ctx: SandboxContext, channel: Channel, json: Json): Placed | Response {
  const appid = requiredString(json, 'appid', 32)
  if (appid instanceof Response) return appid
  const mchidProblem = checkMchid(ctx, json.mchid, 'body')
  if (mchidProblem) return mchidProblem
  const description = requiredString(json, 'description', 127)
  if (description instanceof Response) return description
  const outTradeNo = requiredString(json, 'out_trade_no', 32)
  if (outTradeNo instanceof Response) return outTradeNo
  if (!OUT_TRADE_NO.test(outTradeNo)) {
    return paramError('out_trade_no', 'must be 1 to 32 of [0-9A-Za-z_-|*]')
  }
  const attach = optionalString(json, 'attach', 128)
  if (attach instanceof Response) return attach
  const notifyUrl = requiredString(json, 'notify_url', 256)
  if (notifyUrl instanceof Response) return notifyUrl
  if (!isHttpUrl(notifyUrl)) return paramError('notify_url', 'must be an absolute https: (or http:) URL')
  const amount = json.amount
  if (!isObject(amount)) return paramError('amount', 'is required')
  const total = positiveFen(amount.total, 'amount.total')
  if (total instanceof Response) return total
  if (amount.currency !== undefined && amount.currency !== 'CNY') {
    return paramError('amount.currency', 'must be CNY')
  }
  let openid: string | undefined
  if (channel === 'jsapi') {
    if (!isObject(json.payer)) return paramError('payer', 'is required')
    const value = requiredString(json.payer, 'openid', 128, 'payer.openid')
    if (value instanceof Response) return value
    openid = value
  }
  if (channel === 'h5') {
    const scene = json.scene_info
    if (!isObject(scene)) return paramError('scene_info', 'is required')
    const ip = requiredString(scene, 'payer_client_ip', 45, 'scene_info.payer_client_ip')
    if (ip instanceof Response) return ip
    if (!isObject(scene.h5_info)) return paramError('scene_info.h5_info', 'is required')
    const type = requiredString(scene.h5_info, 'type', 32, 'scene_info.h5_info.type')
    if (type instanceof Response) return type
  }
  // after the shape checks, as WeChat does: a well-formed appid that is not bound to the merchant
  if (appid !== ctx.keys.merchant.appid) {
    return v3Error(
      400,
      'APPID_MCHID_NOT_MATCH',
      `appid ${appid} is not bound to mchid ${ctx.keys.merchant.mchid}`,
    )
  }
  const placed: Placed = { out_trade_no: outTradeNo, total, description, notify_url: notifyUrl, appid }
  if (attach !== undefined) placed.attach = attach
  if (openid !== undefined) placed.openid = openid
  return placed
}

function placeReply(channel: Channel, prepayId: string): Record<string, string> {
  switch (channel) {
    case 'jsapi':
    case 'app':
      return { prepay_id: prepayId }
    case 'native':
      return { code_url: `weixin://wxpay/bizpayurl?pr=${alnum(7)}` }
    case 'h5':
      return {
        h5_url: `https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=${prepayId}&package=${digits(10)}`,
      }
  }
}

/**
 * Places (or re-places) an order: the state half of every place-order route, v2's included.
 * Returns the live order and its placement, or a refusal `{ code, status, message }`.
 */
export function placeOrder(
  ctx: SandboxContext,
  order: {
    out_trade_no: string
    trade_type: TradeType
    total: number
    notify_url: string
    appid: string
    description: string
    attach?: string
    openid?: string
    protocol: 'v3' | 'v2'
    sign_type?: 'MD5' | 'HMAC-SHA256'
  },
  reply: (prepayId: string) => Record<string, string>,
):
  | { order: OrderRecord; placement: Placement }
  | { status: 400 | 403; code: string; v2: string; message: string } {
  const { protocol: _p, sign_type: _s, ...compared } = order
  const fingerprint = JSON.stringify(compared)
  const existing = ctx.orders.map.get(order.out_trade_no)
  if (existing) {
    const placement = placements.get(existing)
    switch (existing.state) {
      case 'SUCCESS':
      case 'REFUND':
        // the v3 code is an assumption (the close route's); v2's ORDERPAID is documented
        return {
          status: 400,
          code: 'ORDER_PAID',
          v2: 'ORDERPAID',
          message: `Order ${order.out_trade_no} is paid`,
        }
      case 'CLOSED':
        return {
          status: 400,
          code: 'ORDER_CLOSED',
          v2: 'ORDERCLOSED',
          message: `Order ${order.out_trade_no} is closed`,
        }
      default:
        // an unpaid order placed again with the same parameters: the same answer (WeChat's rule)
        if (placement && placement.fingerprint === fingerprint) return { order: existing, placement }
        return {
          status: 403,
          code: 'OUT_TRADE_NO_USED',
          v2: 'OUT_TRADE_NO_USED',
          message: `out_trade_no ${order.out_trade_no} was placed with other parameters`,
        }
    }
  }
  ctx.orders.create({
    out_trade_no: order.out_trade_no,
    amount: order.total,
    trade_type: order.trade_type,
    notify_url: order.notify_url,
    protocol: order.protocol,
    ...(order.sign_type ? { sign_type: order.sign_type } : {}),
  })
  const live = ctx.orders.map.get(order.out_trade_no) as OrderRecord
  live.appid = order.appid
  live.description = order.description
  if (order.attach !== undefined) live.attach = order.attach
  if (order.openid !== undefined) live.payer = { openid: order.openid }
  live.prepay_id = newPrepayId(ctx.clock.now())
  const placement = { fingerprint, reply: reply(live.prepay_id) }
  placements.set(live, placement)
  return { order: live, placement }
}

/** The Transaction JSON of the query routes (merchant mode), in the key order of WeChat's samples. */
export function transactionJson(ctx: SandboxContext, order: OrderRecord): Record<string, unknown> {
  const paid = order.transaction_id !== undefined
  const tx: Record<string, unknown> = {
    appid: order.appid ?? ctx.keys.merchant.appid,
    mchid: ctx.keys.merchant.mchid,
    out_trade_no: order.out_trade_no,
  }
  if (paid) {
    tx.transaction_id = order.transaction_id
    tx.trade_type = order.trade_type
  }
  tx.trade_state = order.state
  tx.trade_state_desc = TRADE_STATE_DESC[order.state]
  if (paid) {
    tx.bank_type = 'OTHERS'
    tx.success_time = rfc3339Cst(order.success_time ?? ctx.clock.now())
    tx.payer = { openid: order.payer?.openid }
  }
  tx.attach = order.attach ?? ''
  tx.amount = paid
    ? { total: order.amount, payer_total: order.amount, currency: 'CNY', payer_currency: 'CNY' }
    : { total: order.amount, currency: 'CNY', payer_currency: 'CNY' }
  return tx
}

async function placeRoute(c: Context<AppEnv>, ctx: SandboxContext, channel: Channel): Promise<Response> {
  const body = await authenticate(c, ctx)
  if (body instanceof Response) return body
  const json = jsonObject(body)
  if (json instanceof Response) return json
  const placed = readPlaceOrder(ctx, channel, json)
  if (placed instanceof Response) return placed
  const outcome = placeOrder(ctx, { ...placed, trade_type: TRADE_TYPE[channel], protocol: 'v3' }, (id) =>
    placeReply(channel, id),
  )
  if ('code' in outcome) return v3Error(outcome.status, outcome.code, outcome.message)
  return v3Signed(ctx, 200, outcome.placement.reply)
}

async function queryRoute(
  c: Context<AppEnv>,
  ctx: SandboxContext,
  find: () => OrderRecord | undefined | Response,
) {
  const body = await authenticate(c, ctx)
  if (body instanceof Response) return body
  const mchidProblem = checkMchid(ctx, c.req.query('mchid'), 'query')
  if (mchidProblem) return mchidProblem
  const order = find()
  if (order instanceof Response) return order
  if (!order) return v3Error(404, 'ORDER_NOT_EXIST', 'The order does not exist')
  return v3Signed(ctx, 200, transactionJson(ctx, order))
}

/** The order with this `transaction_id`, if any. */
export function orderByTransactionId(ctx: SandboxContext, transactionId: string): OrderRecord | undefined {
  for (const order of ctx.orders.map.values()) if (order.transaction_id === transactionId) return order
  return undefined
}

/** v3 place order (JSAPI, Native, App, H5) and query by `out_trade_no` / `transaction_id`. */
export function mountPayRoutes(app: Hono<AppEnv>, ctx: SandboxContext): void {
  for (const channel of ['jsapi', 'native', 'app', 'h5'] as const) {
    app.post(`/v3/pay/transactions/${channel}`, (c) => placeRoute(c, ctx, channel))
  }
  app.get('/v3/pay/transactions/out-trade-no/:out_trade_no', (c) =>
    queryRoute(c, ctx, () => {
      const no = c.req.param('out_trade_no')
      if (!OUT_TRADE_NO.test(no))
        return paramError('out_trade_no', 'must be 1 to 32 of [0-9A-Za-z_-|*]', 'uri_template')
      return ctx.orders.map.get(no)
    }),
  )
  app.get('/v3/pay/transactions/id/:transaction_id', (c) =>
    queryRoute(c, ctx, () => orderByTransactionId(ctx, c.req.param('transaction_id'))),
  )
}
