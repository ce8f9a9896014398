import { WechatpayValidationError } from '../errors'

/**
 * An HTTP answer to a notification, as plain data any framework can send: `status`, `headers`
 * (lowercase names) and `body` (a string, empty for 204).
 */
export interface NotificationReply {
  status: number
  headers: Record<string, string>
  body: string
}

/** WeChat Pay's documented failure body; it says nothing about what failed. */
const FAIL_JSON = '{"code":"FAIL","message":"失败"}'

/**
 * The answers WeChat Pay expects to a notification. WeChat Pay re-sends a notification (15 s … 6 h,
 * for about 24 h) until it gets a success, so answer failure when verification fails or the
 * notification could not be handled, and success once it is stored. Each call returns a fresh object.
 *
 * @example
 * ```ts
 * // Hono
 * app.post('/notify', async (c) => {
 *   let reply = acknowledge.success()
 *   try {
 *     const event = await wxpay.notifications.parse({ headers: c.req.raw.headers, body: await c.req.arrayBuffer() })
 *     await handle(event)
 *   } catch {
 *     reply = acknowledge.failure(401)
 *   }
 *   return c.body(reply.body || null, reply.status, reply.headers)
 * })
 * ```
 */
export const acknowledge = Object.freeze({
  /**
   * APIv3 success: `204` with no body (WeChat Pay accepts 200 or 204; nothing is needed in the body).
   * @example
   * ```ts
   * acknowledge.success() // → { status: 204, headers: {}, body: '' }
   * ```
   */
  success(): NotificationReply {
    return { status: 204, headers: {}, body: '' }
  },

  /**
   * APIv3 failure: a 4xx or 5xx status (default 400) with `{"code":"FAIL","message":"失败"}`,
   * WeChat Pay's documented failure body. It never says why (a forger learns nothing); log the
   * error on your side instead. Any status outside 400–599 throws `WechatpayValidationError`.
   * @example
   * ```ts
   * acknowledge.failure()    // → { status: 400, headers: { 'content-type': 'application/json' }, body: '{"code":"FAIL","message":"失败"}' }
   * acknowledge.failure(500) // the handler threw: same body, status 500
   * ```
   */
  failure(status = 400): NotificationReply {
    if (!Number.isInteger(status) || status < 400 || status > 599)
      throw new WechatpayValidationError('status', 'a notification failure is a 4xx or 5xx status')
    return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: FAIL_JSON }
  },

  /**
   * APIv2 success: `200` with `<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>`.
   * @example
   * ```ts
   * const { status, headers, body } = acknowledge.successV2()
   * res.writeHead(status, headers).end(body)
   * ```
   */
  successV2(): NotificationReply {
    return v2Reply('SUCCESS', 'OK')
  },

  /**
   * APIv2 failure: `200` (every SDK sample answers 200; the XML says FAIL) with
   * `<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[FAIL]]></return_msg></xml>`;
   * like {@link acknowledge.failure}, it never says why.
   * @example
   * ```ts
   * acknowledge.failureV2() // → { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' }, body: '<xml>…FAIL…</xml>' }
   * ```
   */
  failureV2(): NotificationReply {
    return v2Reply('FAIL', 'FAIL')
  },
})

function v2Reply(code: 'SUCCESS' | 'FAIL', message: 'OK' | 'FAIL'): NotificationReply {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml; charset=utf-8' },
    // The two fixed replies, written out as v2/xml.ts's buildXml writes them (pinned byte for byte in
    // bytes: acknowledge.test.ts), so that a v3-only bundle does not carry the XML library for them.
    body: `<xml><return_code><![CDATA[${code}]]></return_code><return_msg><![CDATA[${message}]]></return_msg></xml>`,
  }
}
