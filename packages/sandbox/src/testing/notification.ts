// The APIv3 notification (webhook) WeChat Pay sends, as a test double: the envelope of the
// sandbox's own notify-sign module, signed like a reply; and the inverse of its encryption.
import { createDecipheriv, type KeyObject } from 'node:crypto'
import { type EncryptedResource, type NotificationEnvelopeOptions, notificationBody } from '../notify-sign'
import { signV3Reply, type WechatpayHeaders } from './v3'

export { type EncryptedResource, encryptResource } from '../notify-sign'

/** The inverse of {@link encryptResource}; throws when the tag does not verify. */
export function decryptResource(
  apiv3Key: string,
  resource: Omit<EncryptedResource, 'original_type'>,
): string {
  const data = Buffer.from(resource.ciphertext, 'base64')
  if (data.length < 16) throw new TypeError('the ciphertext is shorter than its tag')
  const decipher = createDecipheriv(
    'aes-256-gcm',
    Buffer.from(apiv3Key, 'utf8'),
    Buffer.from(resource.nonce),
    {
      authTagLength: 16,
    },
  )
  decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'))
  decipher.setAuthTag(data.subarray(data.length - 16))
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString(
    'utf8',
  )
}

export interface SignV3NotificationOptions extends NotificationEnvelopeOptions {
  /** The platform private key that signs the notification, PEM or parsed. */
  privateKey: string | KeyObject
  /** `Wechatpay-Serial`. */
  serial: string
  /** `Wechatpay-Timestamp`, Unix seconds or as sent (default: now). */
  timestamp?: number | string
  /** `Wechatpay-Nonce` (default: 32 random alphanumerics). */
  signatureNonce?: string
}

/**
 * An APIv3 notification as WeChat Pay POSTs it to `notify_url`: the compact JSON envelope
 * `{id, create_time, resource_type, event_type, summary, resource}` with `resource` encrypted, and
 * the `Wechatpay-*` headers signing that exact body (plus `Content-Type`).
 */
export function signV3Notification(options: SignV3NotificationOptions): {
  headers: WechatpayHeaders & { 'Content-Type': string }
  body: string
} {
  const body = notificationBody(options)
  const headers = signV3Reply({
    privateKey: options.privateKey,
    serial: options.serial,
    body,
    ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
    ...(options.signatureNonce === undefined ? {} : { nonce: options.signatureNonce }),
  })
  return { headers: { ...headers, 'Content-Type': 'application/json' }, body }
}
