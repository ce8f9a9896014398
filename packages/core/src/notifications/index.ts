import { WechatpayValidationError } from '../errors'
import { INSPECT } from '../inspect'
import type { Config } from '../options'
import type { Context } from '../pipeline/context'
import type { WechatpayStore } from '../store'
import { type OnceEvent, type OnceOptions, runOnce } from './once'
import type { NotificationBody, NotificationRequest, V2Notification, WechatpayNotification } from './types'
import { parseNotification } from './v3'

export { acknowledge, type NotificationReply } from './acknowledge'
export { MAX_NOTIFICATION_BYTES } from './input'
export { DEFAULT_ONCE_WAIT_MS, type OnceEvent, type OnceOptions, onceKey } from './once'

/**
 * `wxpay.notifications`: verifies and decodes what WeChat Pay POSTs to your `notify_url`.
 * Answer with {@link acknowledge}.
 */
export interface Notifications {
  /**
   * Verifies an APIv3 notification, then decrypts its `resource`. Pass the headers and the body
   * exactly as received (raw bytes, or their text), never a parsed object: the signature covers the
   * exact bytes. Verification is the replies' own: the four `Wechatpay-*` headers, a timestamp
   * within 300 s of now, the serial among `certs`, the signature (a `WECHATPAY/SIGNTEST/` probe
   * fails). Only then is `resource` decrypted (AEAD_AES_256_GCM with `apiv3Key`).
   *
   * Rejects with `WechatpaySignatureError` for anything that does not verify, decrypt or parse,
   * a body over 1 MiB included; with `WechatpayValidationError` when the client has no `apiv3Key`
   * or no `certs`, or `body` is not raw bytes or text.
   *
   * @example
   * ```ts
   * const event = await wxpay.notifications.parse({ headers: req.headers, body: req.rawBody })
   * if (event.event_type === 'TRANSACTION.SUCCESS') {
   *   await orders.markPaid(event.resource.out_trade_no, event.resource.amount.total) // idempotent: WeChat Pay re-sends
   * }
   * ```
   */
  parse(request: NotificationRequest): Promise<WechatpayNotification>

  /**
   * Verifies an APIv2 (XML) notification with the APIv2 key (`secret`): a pay result's `sign`
   * (its `sign_type`, else 64 hex characters mean HMAC-SHA256 and 32 mean MD5; constant time), or
   * a refund notification's `req_info` (no `sign`: decrypted with AES-256-ECB under the MD5 of the
   * APIv2 key; the decrypted fields come back as `refund`, beside the envelope as `data`).
   *
   * Rejects with `WechatpaySignatureError` when the sign does not verify, `req_info` does not
   * decrypt, the XML is malformed or over 1 MiB, or it carries neither; with
   * `WechatpayValidationError` when the client has no `secret`.
   *
   * @example
   * ```ts
   * const n = await wxpay.notifications.parseV2(rawXml)
   * if (n.kind === 'signed' && n.data.result_code === 'SUCCESS') await orders.markPaid(n.data.out_trade_no)
   * if (n.kind === 'refund') await refunds.settle(n.refund.out_refund_no, n.refund.refund_status)
   * ```
   */
  parseV2(body: NotificationBody): Promise<V2Notification>

  /**
   * Applies a verified notification once across every instance that shares `store` (Redis,
   * PostgreSQL, Cloudflare or memory, from `@wxpay/store`): resolves `true` when `handler` ran
   * here, `false` for a duplicate (applied already, here or at another instance; or still being
   * applied elsewhere after `options.waitMs`, 10 s by default): never an error for a duplicate.
   * When `handler` throws, the claim is released and that error is rethrown (answer FAIL: WeChat
   * Pay re-sends, and the next delivery runs it). A claim whose holder crashed expires after the
   * store's `claimTtlMs`. The key: an APIv3 event's `id`; an APIv2 pay result's `transaction_id`;
   * an APIv2 refund's `refund_id` with its `refund_status`; or your own key string.
   *
   * With `postgresStore`, `handler` gets `tx`, the connection inside the claim's transaction:
   * what it writes through `tx.query` commits with the claim, or rolls back with it.
   *
   * @example
   * ```ts
   * const event = await wxpay.notifications.parse({ headers, body })
   * await wxpay.notifications.once(event, store, async (tx) => {
   *   await tx.query('UPDATE orders SET paid = true WHERE out_trade_no = $1', [event.resource.out_trade_no])
   * })
   * ```
   */
  once<Tx>(
    event: OnceEvent,
    store: WechatpayStore<Tx>,
    handler: (tx: Tx) => unknown,
    options?: OnceOptions,
  ): Promise<boolean>
}

/**
 * The client's `notifications` member. The keys stay in this closure: the object itself holds two
 * functions and prints as `[Wechatpay notifications]`.
 */
export function createNotifications(
  config: Config,
  { hmacKey, apiv3Key }: Pick<Context, 'hmacKey' | 'apiv3Key'>,
): Notifications {
  const label = () => '[Wechatpay notifications]'
  return Object.freeze({
    async parse(request: NotificationRequest): Promise<WechatpayNotification> {
      if (!config.apiv3Key)
        throw new WechatpayValidationError(
          'apiv3Key',
          'notifications.parse needs the APIv3 key (32 characters)',
        )
      if (!config.keys.configured)
        throw new WechatpayValidationError(
          'certs',
          'notifications.parse needs the platform keys that sign notifications (certs or autoCertificates)',
        )
      if (!request || typeof request !== 'object')
        throw new WechatpayValidationError('request', 'must be { headers, body }')
      return parseNotification({ certs: config.keys, apiv3Key }, request)
    },
    async parseV2(body: NotificationBody): Promise<V2Notification> {
      if (!config.secret)
        throw new WechatpayValidationError(
          'secret',
          'notifications.parseV2 needs the APIv2 key (32 characters)',
        )
      // The v2 parser (and the XML library under it) is imported on the first v2 notification.
      const { parseNotificationV2 } = await import('./v2')
      return parseNotificationV2(config.secret, hmacKey, body, config.mchid)
    },
    once: runOnce,
    [INSPECT]: label,
    toString: label,
    [Symbol.toStringTag]: 'Wechatpay notifications',
  })
}
