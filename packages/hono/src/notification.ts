import {
  acknowledge,
  MAX_NOTIFICATION_BYTES,
  type NotificationReply,
  type V2Notification,
  type Wechatpay,
  type WechatpayNotification,
  WechatpaySignatureError,
  type WechatpayStore,
} from '@wxpay/core'
import type { Context, Env, Handler } from 'hono'

/** Where a notification failed: before the handler (it was refused) or in it. */
export type NotificationFailurePhase = 'verify' | 'handler'

/** Options of {@link wechatpayNotification} and {@link wechatpayNotificationV2}. */
export interface WechatpayNotificationOptions<E extends Env = Env, Tx = undefined> {
  /**
   * The client that verifies: a `Wechatpay`, or a function of the context returning one. Default:
   * `c.var.wechatpay`, set by the `wechatpay()` middleware.
   */
  client?: Wechatpay | ((c: Context<E>) => Wechatpay | Promise<Wechatpay>)
  /**
   * Called with the reason of a FAIL answer, which the answer itself never tells: `verify` (a
   * forgery, a `WECHATPAY/SIGNTEST/` probe, a stale timestamp, no client) or `handler` (your
   * function threw). Default: `console.warn` for a refusal, `console.error` for a handler error or
   * a missing client (messages only, never a key).
   */
  onError?: (err: unknown, c: Context<E>, phase: NotificationFailurePhase) => void | Promise<void>
  /**
   * Apply each notification once across every instance sharing this store (`@wxpay/store`:
   * Redis, PostgreSQL, Cloudflare, memory), through `wxpay.notifications.once`: a duplicate,
   * here or at another instance, is acknowledged (204, or the v2 SUCCESS) without running
   * `handler`; a handler that throws releases its claim (FAIL: WeChat Pay re-sends). `handler`
   * gets the store's transaction as its third argument (`postgresStore`: commit with the claim).
   */
  once?: WechatpayStore<Tx>
}

const TAG = '[@wxpay/hono]'

function defaultOnError(err: unknown, _c: unknown, phase: NotificationFailurePhase): void {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
  if (phase === 'verify' && err instanceof WechatpaySignatureError)
    console.warn(`${TAG} refused a notification: ${message}`)
  else if (phase === 'verify') console.error(`${TAG} cannot verify notifications: ${message}`)
  else console.error(`${TAG} the notification handler failed (WeChat Pay will send it again):`, err)
}

function send(reply: NotificationReply): Response {
  return new Response(reply.body === '' ? null : reply.body, { status: reply.status, headers: reply.headers })
}

async function clientOf<E extends Env>(c: Context<E>, option: WechatpayNotificationOptions<E>['client']) {
  if (typeof option === 'function') return option(c)
  if (option) return option
  const client = (c as unknown as Context).get('wechatpay') as Wechatpay | undefined
  if (!client)
    throw new TypeError(
      'wechatpayNotification: no client; use the wechatpay() middleware on this route, or pass { client }',
    )
  return client
}

const tooLarge = () =>
  new WechatpaySignatureError(`notification body is larger than ${MAX_NOTIFICATION_BYTES} bytes`)

/**
 * The exact bytes of the body, in every runtime (the signature covers them), read up to
 * {@link MAX_NOTIFICATION_BYTES}: a larger Content-Length is refused before reading, and a body
 * without one (chunked) is refused as soon as it passes the limit, not after it ended.
 */
async function readBody(c: Context): Promise<Uint8Array> {
  const length = Number(c.req.header('content-length'))
  // Real notifications are a few KiB; the core refuses more, so the body is not read past it.
  if (Number.isFinite(length) && length > MAX_NOTIFICATION_BYTES) throw tooLarge()
  const stream = c.req.raw.body
  // Read already (an earlier middleware): Hono keeps a copy, whose size the core checks.
  if (!stream || c.req.raw.bodyUsed) return new Uint8Array(await c.req.arrayBuffer())
  const reader = stream.getReader()
  const parts: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.length
    if (total > MAX_NOTIFICATION_BYTES) {
      await reader.cancel().catch(() => {})
      throw tooLarge()
    }
    parts.push(value)
  }
  const body = new Uint8Array(total)
  let offset = 0
  for (const part of parts) {
    body.set(part, offset)
    offset += part.length
  }
  return body
}

function notificationHandler<E extends Env, T, Tx>(
  version: 'v3' | 'v2',
  handler: (event: T, c: Context<E>, tx: Tx) => unknown,
  options: WechatpayNotificationOptions<E, Tx>,
): Handler<E> {
  if (typeof handler !== 'function') throw new TypeError('wechatpayNotification: handler must be a function')
  const onError = options.onError ?? defaultOnError
  const success = version === 'v2' ? acknowledge.successV2 : acknowledge.success
  const failure = (status: number) =>
    version === 'v2' ? acknowledge.failureV2() : acknowledge.failure(status)
  return async (c) => {
    let event: T
    let client: Wechatpay
    try {
      client = await clientOf(c, options.client)
      const body = await readBody(c)
      event = (
        version === 'v2'
          ? await client.notifications.parseV2(body)
          : await client.notifications.parse({ headers: c.req.raw.headers, body })
      ) as T
    } catch (err) {
      await onError(err, c, 'verify')
      // a refusal is the sender's fault (4xx); a missing client or key is ours (500)
      return send(failure(err instanceof WechatpaySignatureError ? 401 : 500))
    }
    try {
      const { once } = options
      if (once)
        await client.notifications.once(event as WechatpayNotification | V2Notification, once, (tx) =>
          handler(event, c, tx),
        )
      else await handler(event, c, undefined as Tx)
    } catch (err) {
      await onError(err, c, 'handler')
      return send(failure(500))
    }
    return send(success())
  }
}

/**
 * A Hono handler for your APIv3 `notify_url`: reads the raw body (`c.req.arrayBuffer()`, in every
 * runtime), verifies it with `c.var.wechatpay` (or `options.client`) and decrypts `resource`, then
 * calls `handler` with the typed event. The answer is automatic: 204 when `handler` returns;
 * `{"code":"FAIL","message":"失败"}` with 401 when verification fails (a forgery, a
 * `WECHATPAY/SIGNTEST/` probe, a stale timestamp) or 500 when `handler` throws (WeChat Pay then
 * sends it again). The answer never says why; `options.onError` hears it.
 *
 * Read nothing of the body before it (no `c.req.json()` in an earlier middleware): the signature
 * covers the exact bytes.
 *
 * With `options.once` (a store of `@wxpay/store`), a notification is applied once across every
 * instance: a duplicate is answered 204 without running `handler`.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono'
 * import { wechatpay, wechatpayNotification } from '@wxpay/hono'
 *
 * const app = new Hono()
 * app.use('/wechatpay/*', wechatpay()) // WECHATPAY_APIV3_KEY and WECHATPAY_CERTS from env
 * app.post(
 *   '/wechatpay/notify',
 *   wechatpayNotification(async (event) => {
 *     if (event.event_type === 'TRANSACTION.SUCCESS') await markPaid(event.resource.out_trade_no)
 *   }),
 * )
 * ```
 */
export function wechatpayNotification<E extends Env = Env, Tx = undefined>(
  handler: (event: WechatpayNotification, c: Context<E>, tx: Tx) => unknown,
  options: WechatpayNotificationOptions<E, Tx> = {},
): Handler<E> {
  return notificationHandler('v3', handler, options)
}

/**
 * {@link wechatpayNotification} for APIv2 (XML) notifications: verified with the APIv2 key
 * (`secret`); `handler` gets the core's `V2Notification`. The answers are the SUCCESS and FAIL XML
 * (status 200, as WeChat Pay expects).
 *
 * @example
 * ```ts
 * app.post(
 *   '/wechatpay/notify/v2',
 *   wechatpayNotificationV2(async (n) => {
 *     if (n.kind === 'signed' && n.data.result_code === 'SUCCESS') await markPaid(n.data.out_trade_no)
 *   }),
 * )
 * ```
 */
export function wechatpayNotificationV2<E extends Env = Env, Tx = undefined>(
  handler: (notification: V2Notification, c: Context<E>, tx: Tx) => unknown,
  options: WechatpayNotificationOptions<E, Tx> = {},
): Handler<E> {
  return notificationHandler('v2', handler, options)
}
