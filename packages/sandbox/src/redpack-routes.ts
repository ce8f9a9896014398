// `POST /mmpaymkttransfers/sendredpack` (现金红包) on the mutual-TLS listener, answered as WeChat Pay
// answers it: `return_code` SUCCESS and **no `sign`** (docs/protocol-3.md §1 of the wxpay repo;
// wechatpay-php `$noneSignatureRespond`, wechatpay-axios-plugin `SIGNLESS`). A client that demands a
// sign refuses this reply after the money has moved; the sandbox lets tests show it does not.
import type { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { AppEnv, SandboxContext } from './context'
import { v2Fail } from './v2-routes'
import { isV2SignType, v2Sign, v2SignEquals } from './v2-sign'
import { buildV2Xml, MAX_XML_BYTES, parseV2Xml } from './xml'

const REQUIRED = ['mch_billno', 're_openid', 'send_name', 'wishing', 'client_ip', 'act_name', 'remark']

function unsignedReply(fields: Record<string, string>): Response {
  return new Response(buildV2Xml(fields), { headers: { 'Content-Type': 'text/xml; charset=utf-8' } })
}

/** Mounts the red-packet route: one red packet per `mch_billno` (a repeat answers the first). */
export function mountRedpackRoutes(app: Hono<AppEnv>, ctx: SandboxContext): void {
  const sent = new Map<string, Record<string, string>>()
  app.post(
    '/mmpaymkttransfers/sendredpack',
    bodyLimit({ maxSize: MAX_XML_BYTES, onError: () => v2Fail('XML_FORMAT_ERROR') }),
    async (c) => {
      const fields = parseV2Xml(await c.req.text())
      if (!fields) return v2Fail('XML_FORMAT_ERROR')
      const { merchant } = ctx.keys
      if (fields.mch_id !== merchant.mchid) return v2Fail('MCH_NOT_EXISTS')
      const signType = fields.sign_type || 'MD5'
      if (!fields.sign || !isV2SignType(signType)) return v2Fail('SIGNERROR')
      if (!v2SignEquals(fields.sign, v2Sign(fields, merchant.secret, signType))) return v2Fail('SIGNERROR')
      if (fields.wxappid !== merchant.appid) return v2Fail('APPID_MCHID_NOT_MATCH')
      if (!fields.nonce_str || fields.nonce_str.length > 32) return v2Fail('PARAM_ERROR')
      const base = {
        return_code: 'SUCCESS',
        mch_billno: fields.mch_billno ?? '',
        mch_id: merchant.mchid,
        wxappid: merchant.appid,
        re_openid: fields.re_openid ?? '',
        total_amount: fields.total_amount ?? '',
      }
      const missing = REQUIRED.find((name) => !fields[name])
      const amount = Number(fields.total_amount)
      if (missing || !Number.isInteger(amount) || amount < 100 || fields.total_num !== '1')
        return unsignedReply({
          ...base,
          return_msg: '参数错误',
          result_code: 'FAIL',
          err_code: 'PARAM_ERROR',
          err_code_des: missing
            ? `${missing} is required`
            : 'total_amount (≥ 100 fen) and total_num 1 are required',
        })
      const first = sent.get(base.mch_billno)
      if (first) return unsignedReply(first)
      const reply = {
        ...base,
        return_msg: '发放成功',
        result_code: 'SUCCESS',
        err_code: 'SUCCESS',
        err_code_des: '发放成功',
        send_listid: `1000041701${String(ctx.clock.now()).padStart(16, '0')}${String(sent.size).padStart(4, '0')}`,
      }
      sent.set(base.mch_billno, reply)
      return unsignedReply(reply)
    },
  )
}
