import type { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { AppEnv, SandboxContext } from './context'
import { STALE_CREDENTIALS_HINT } from './keys-file'
import { alnum } from './random'
import { isV2SignType, type V2SignType, v2Sign, v2SignEquals } from './v2-sign'
import { buildV2Xml, MAX_XML_BYTES, parseV2Xml } from './xml'

/** v2 replies are always HTTP 200 (docs/protocol.md), whatever went wrong. */
function xmlReply(fields: Record<string, string>, status = 200): Response {
  return new Response(buildV2Xml(fields), { status, headers: { 'Content-Type': 'text/xml; charset=utf-8' } })
}

/** `return_code` FAIL: the request itself was refused; such replies are not signed. */
export function v2Fail(returnMsg: string, status = 200): Response {
  return xmlReply({ return_code: 'FAIL', return_msg: returnMsg }, status)
}

/** The v2 close-order route, `POST /pay/closeorder` (the SDK's `v2/` prefix is not sent). */
export function mountV2Routes(app: Hono<AppEnv>, ctx: SandboxContext): void {
  app.post(
    '/pay/closeorder',
    bodyLimit({ maxSize: MAX_XML_BYTES, onError: () => v2Fail('XML_FORMAT_ERROR') }),
    async (c) => {
      const checked = await readSignedV2(c.req.raw, ctx)
      if (checked instanceof Response) return checked
      const { fields, signType } = checked
      const outTradeNo = fields.out_trade_no
      if (!outTradeNo || outTradeNo.length > 32) return v2Fail('PARAM_ERROR')
      return businessReply(ctx, signType, closeOrder(ctx, outTradeNo))
    },
  )
  // documented err_code REQUIRE_POST_METHOD; as a return_msg here since nothing was signed
  app.all('/pay/closeorder', () => v2Fail('REQUIRE_POST_METHOD'))
}

/**
 * The checks every signed v2 request passes, in order: XML, `mch_id`, `sign` (with `sign_type`),
 * `appid`, `nonce_str`. Answers the fields and the sign type, or the refusal to send. (The body
 * size limit is the route's `bodyLimit`.)
 */
export async function readSignedV2(
  req: Request,
  ctx: SandboxContext,
): Promise<{ fields: Record<string, string>; signType: V2SignType } | Response> {
  const fields = parseV2Xml(await req.text())
  if (!fields) return v2Fail('XML_FORMAT_ERROR')
  const { merchant } = ctx.keys
  if (fields.mch_id !== merchant.mchid) return v2Fail('MCH_NOT_EXISTS')
  const signType = fields.sign_type || 'MD5'
  if (!fields.sign || !isV2SignType(signType)) return v2Fail('SIGNERROR')
  if (!v2SignEquals(fields.sign, v2Sign(fields, merchant.secret, signType))) {
    // the code first, so that it can still be matched; then why a well-formed sign fails here
    return v2Fail(
      `SIGNERROR: the sign does not verify with this sandbox's APIv2 key: ${STALE_CREDENTIALS_HINT}`,
    )
  }
  if (!fields.appid) return v2Fail('PARAM_ERROR: appid is required')
  if (fields.appid !== merchant.appid) return v2Fail('APPID_MCHID_NOT_MATCH')
  const nonce = fields.nonce_str
  if (!nonce || nonce.length > 32) return v2Fail('PARAM_ERROR')
  return { fields, signType }
}

/** A business failure (`result_code` FAIL), or `undefined` for success. */
export type Outcome = { err_code: string; err_code_des: string } | undefined

function closeOrder(ctx: SandboxContext, outTradeNo: string): Outcome {
  const order = ctx.orders.map.get(outTradeNo)
  if (!order) return { err_code: 'ORDERNOTEXIST', err_code_des: `Order ${outTradeNo} does not exist` }
  switch (order.state) {
    case 'SUCCESS':
    case 'REFUND':
      return { err_code: 'ORDERPAID', err_code_des: `Order ${outTradeNo} is paid and cannot be closed` }
    case 'CLOSED':
      return { err_code: 'ORDERCLOSED', err_code_des: `Order ${outTradeNo} is already closed` }
    case 'USERPAYING':
      // v2 has no USERPAYING code for closeorder; SYSTEMERROR means "retry" there (assumption)
      return { err_code: 'SYSTEMERROR', err_code_des: 'The user is paying; query the order, then retry' }
    case 'NOTPAY':
    case 'PAYERROR': {
      const now = ctx.clock.now()
      if (ctx.minCloseAgeSeconds > 0 && now - order.created_at < ctx.minCloseAgeSeconds * 1000) {
        return {
          err_code: 'SYSTEMERROR',
          err_code_des: `An order cannot be closed within ${ctx.minCloseAgeSeconds} s (the 5-minute rule) of its creation`,
        }
      }
      order.state = 'CLOSED'
      order.closed_at = now
      return undefined
    }
  }
}

/**
 * `return_code` SUCCESS: signed with the request's sign type (a `badSignature` fault spoils it);
 * `extra` (the route's own fields) goes in on success only.
 */
export function businessReply(
  ctx: SandboxContext,
  signType: V2SignType,
  outcome: Outcome,
  extra: Record<string, string> = {},
): Response {
  const { merchant } = ctx.keys
  const fields: Record<string, string> = {
    return_code: 'SUCCESS',
    return_msg: 'OK',
    appid: merchant.appid,
    mch_id: merchant.mchid,
    nonce_str: alnum(32),
    result_code: outcome ? 'FAIL' : 'SUCCESS',
  }
  if (outcome) Object.assign(fields, outcome)
  else Object.assign(fields, { result_msg: 'OK' }, extra)
  const sign = v2Sign(fields, merchant.secret, signType)
  // a wrong but well-formed sign: same length and alphabet, computed with another key
  fields.sign = ctx.faults.draw('badSignature') ? v2Sign(fields, `${merchant.secret}x`, signType) : sign
  return xmlReply(fields)
}
