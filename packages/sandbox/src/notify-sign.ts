// The APIv3 notification (webhook) WeChat Pay sends: an envelope whose `resource` is encrypted
// with the APIv3 key (AEAD_AES_256_GCM). The sandbox's notifications are built here; the test
// doubles of @wxpay/sandbox/testing (signV3Notification) wrap this module, not the other way round.
import { createCipheriv } from 'node:crypto'
import { alnum } from './random'

/** `resource` of a notification envelope, as WeChat Pay's notification pages show it. */
export interface EncryptedResource {
  original_type: string
  algorithm: 'AEAD_AES_256_GCM'
  ciphertext: string
  associated_data?: string
  nonce: string
}

/**
 * AES-256-GCM as WeChat Pay applies it to `resource`: key = the 32-byte APIv3 key, IV = the
 * nonce's UTF-8 bytes, AAD = `associated_data` (empty when absent), output base64(ciphertext ‖ 16-byte tag).
 */
export function encryptResource(apiv3Key: string, nonce: string, associatedData: string, plaintext: string) {
  const key = Buffer.from(apiv3Key, 'utf8')
  if (key.length !== 32) throw new TypeError('the APIv3 key must be 32 bytes')
  const cipher = createCipheriv('aes-256-gcm', key, Buffer.from(nonce, 'utf8'), { authTagLength: 16 })
  cipher.setAAD(Buffer.from(associatedData, 'utf8'))
  return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString(
    'base64',
  )
}

export interface NotificationEnvelopeOptions {
  /** The merchant's APIv3 key: 32 characters. */
  apiv3Key: string
  /** The decrypted resource: a string as is, anything else as JSON. */
  resource: unknown
  /** Envelope fields (defaults: a fresh `EV-` id, now in +08:00, a paid transaction). */
  id?: string
  create_time?: string
  event_type?: string
  resource_type?: string
  summary?: string
  original_type?: string
  /** The GCM nonce of `resource` (default: 12 random alphanumerics). */
  nonce?: string
  /** `resource.associated_data` (default: `original_type`); `null` leaves the field out. */
  associatedData?: string | null
}

/** Now as WeChat Pay writes times: `2026-11-30T08:00:00+08:00`. */
function beijingNow(): string {
  return `${new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`
}

/**
 * The compact JSON envelope `{id, create_time, resource_type, event_type, summary, resource}` of an
 * APIv3 notification, with `resource` encrypted: the exact bytes that are then signed like a reply.
 */
export function notificationBody(options: NotificationEnvelopeOptions): string {
  const original_type = options.original_type ?? 'transaction'
  const nonce = options.nonce ?? alnum(12)
  const associatedData = options.associatedData === undefined ? original_type : options.associatedData
  const plaintext = typeof options.resource === 'string' ? options.resource : JSON.stringify(options.resource)
  const resource: EncryptedResource = {
    original_type,
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: encryptResource(options.apiv3Key, nonce, associatedData ?? '', plaintext),
    ...(associatedData === null ? {} : { associated_data: associatedData }),
    nonce,
  }
  // key order as WeChat Pay sends it: the signature covers these exact bytes
  return JSON.stringify({
    id: options.id ?? `EV-${alnum(20)}`,
    create_time: options.create_time ?? beijingNow(),
    resource_type: options.resource_type ?? 'encrypt-resource',
    event_type: options.event_type ?? 'TRANSACTION.SUCCESS',
    summary: options.summary ?? '支付成功',
    resource,
  })
}
