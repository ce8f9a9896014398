import type { Context, Hono } from 'hono'
import { rfc3339Cst } from './clock'
import type { AppEnv, SandboxContext } from './context'
import { rechargeClosed } from './notify-events'
import type { RechargeRecord } from './state'
import { refuseUnsigned, v3Error, v3Signed } from './v3-respond'

/** `out_trade_no`: up to 32 of digits, letters, `_-|*` (docs/protocol.md). */
export const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{1,32}$/

/** Reads the raw body and checks the APIv3 signature; a `Response` means "refused". */
export async function authenticate(c: Context<AppEnv>, ctx: SandboxContext): Promise<Buffer | Response> {
  const body = Buffer.from(await c.req.arrayBuffer())
  return refuseUnsigned(c, ctx, body) ?? body
}

function rechargeReply(ctx: SandboxContext, r: RechargeRecord): Record<string, unknown> {
  const reply: Record<string, unknown> = {
    sp_mchid: ctx.keys.merchant.mchid,
    sub_mchid: r.sub_mchid,
    recharge_id: r.recharge_id,
    out_recharge_no: r.out_recharge_no,
    // 充值入账账户: DEPOSIT (押金户) or OPERATION, as the catalogue's reply schema lists them
    account_type: 'DEPOSIT',
    recharge_state: r.state,
    recharge_scene: 'ECOMMERCE_DEPOSIT',
    recharge_amount: { amount: r.amount, currency: 'CNY' },
    accept_time: rfc3339Cst(r.accepted_at),
  }
  if (r.closed_at !== undefined) reply.close_time = rfc3339Cst(r.closed_at)
  return reply
}

/** The two APIv3 business routes: close an order, close an ecommerce recharge. */
export function mountV3Routes(app: Hono<AppEnv>, ctx: SandboxContext): void {
  app.post('/v3/pay/transactions/out-trade-no/:out_trade_no/close', async (c) => {
    const body = await authenticate(c, ctx)
    if (body instanceof Response) return body
    const outTradeNo = c.req.param('out_trade_no')
    if (!OUT_TRADE_NO.test(outTradeNo)) {
      return v3Error(400, 'PARAM_ERROR', 'out_trade_no must be 1 to 32 of [0-9A-Za-z_-|*]', {
        field: 'out_trade_no',
        location: 'uri_template',
      })
    }
    let json: unknown
    try {
      json = JSON.parse(body.toString('utf8'))
    } catch {
      return v3Error(400, 'PARAM_ERROR', 'The request body is not valid JSON', { location: 'body' })
    }
    const mchid = typeof json === 'object' && json !== null ? (json as { mchid?: unknown }).mchid : undefined
    if (typeof mchid !== 'string' || mchid === '') {
      return v3Error(400, 'PARAM_ERROR', 'mchid is required in the body', {
        field: 'mchid',
        location: 'body',
      })
    }
    if (mchid !== ctx.keys.merchant.mchid) {
      return v3Error(
        400,
        'INVALID_REQUEST',
        `mchid ${mchid} does not match the merchant that signed the request`,
      )
    }
    const order = ctx.orders.map.get(outTradeNo)
    if (!order) return v3Error(404, 'ORDER_NOT_EXIST', `Order ${outTradeNo} does not exist`)
    switch (order.state) {
      case 'CLOSED':
        // closing is re-entrant (docs/protocol.md, "Hosts"): a retried close succeeds again
        return v3Signed(ctx, 204)
      case 'SUCCESS':
      case 'REFUND':
        // the real code for an already paid order is unverified: ORDER_PAID is an assumption
        return v3Error(400, 'ORDER_PAID', `Order ${outTradeNo} is paid and cannot be closed`)
      case 'USERPAYING':
        return v3Signed(ctx, 202, { code: 'USER_PAYING', message: 'The user is paying; retry later' })
      case 'NOTPAY':
      // a failed payment leaves the order open: the merchant closes it and places a new one
      case 'PAYERROR': {
        const now = ctx.clock.now()
        if (ctx.minCloseAgeSeconds > 0 && now - order.created_at < ctx.minCloseAgeSeconds * 1000) {
          return v3Error(
            403,
            'RULE_LIMIT',
            `An order cannot be closed within ${ctx.minCloseAgeSeconds} s of its creation`,
          )
        }
        order.state = 'CLOSED'
        order.closed_at = now
        return v3Signed(ctx, 204)
      }
    }
  })

  app.post('/v3/platsolution/ecommerce/recharges/out-recharge-no/:out_recharge_no/close', async (c) => {
    const body = await authenticate(c, ctx)
    if (body instanceof Response) return body
    const subMchid = c.req.query('sub_mchid')
    if (!subMchid) {
      return v3Error(400, 'PARAM_ERROR', 'sub_mchid is required in the query', {
        field: 'sub_mchid',
        location: 'query',
      })
    }
    const outRechargeNo = c.req.param('out_recharge_no')
    const recharge = ctx.recharges.map.get(outRechargeNo)
    // a recharge of another sub-merchant is, to this sub-merchant, one that does not exist (assumption)
    if (!recharge || recharge.sub_mchid !== subMchid) {
      return v3Error(
        404,
        'ORDER_NOT_EXIST',
        `Recharge ${outRechargeNo} of sub_mchid ${subMchid} does not exist`,
      )
    }
    if (recharge.state === 'SUCCESS') {
      return v3Error(400, 'INVALID_REQUEST', `Recharge ${outRechargeNo} has succeeded and cannot be closed`)
    }
    if (recharge.state === 'RECHARGING') {
      recharge.state = 'CLOSED'
      recharge.closed_at = ctx.clock.now()
      // only the transition notifies: closing a closed recharge again changes nothing
      if (recharge.notify_url !== undefined) {
        const url = recharge.notify_url
        void ctx.notifier.send(
          rechargeClosed(ctx, { ...recharge, notify_url: url }, rechargeReply(ctx, recharge)),
        )
      }
    }
    return v3Signed(ctx, 200, rechargeReply(ctx, recharge))
  })
}
