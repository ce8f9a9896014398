import { aesGcmDecrypt } from '../crypto/aes-gcm'
import { fromBase64, isObject, utf8 } from '../encoding'
import { WechatpaySignatureError } from '../errors'
import { type KeyResolver, verifyReply } from '../v3/verify'
import { readBody, readHeaders } from './input'
import type { NotificationRequest, WechatpayNotification } from './types'

const SIGNATURE_TYPE = 'WECHATPAY2-SHA256-RSA2048'
const ALGORITHM = 'AEAD_AES_256_GCM'
const RESOURCE_TYPE = 'encrypt-resource'

/** Strict UTF-8: a byte sequence that is not UTF-8 is refused, not patched with U+FFFD. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

export interface V3Keys {
  /** Serial → platform key: the client's key store, which replies are verified with too. */
  certs: ReadonlyMap<string, Promise<CryptoKey>> | KeyResolver
  /** The APIv3 key, imported for AES-256-GCM. */
  apiv3Key: () => Promise<CryptoKey>
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(strictUtf8.decode(bytes))
  } catch {
    return undefined
  }
}

/**
 * Verifies an APIv3 notification with the reply verifier (v3/verify.ts: raw bytes, four headers,
 * 300 s window, serial → key, SIGNTEST refused), then, and only then, reads the envelope and
 * decrypts `resource` (AES-256-GCM, APIv3 key). Every failure is a `WechatpaySignatureError`
 * whose message says what failed, never a key or the plaintext.
 */
export async function parseNotification(
  keys: V3Keys,
  request: NotificationRequest,
): Promise<WechatpayNotification> {
  const body = readBody(request.body)
  const headers = readHeaders(request.headers)
  const requestId = headers['request-id']
  const fail = (message: string) =>
    new WechatpaySignatureError(`notification refused: ${message}`, { requestId })
  const signatureType = headers['wechatpay-signature-type']?.trim()
  if (signatureType !== undefined && signatureType !== SIGNATURE_TYPE)
    throw fail(`Wechatpay-Signature-Type is not ${SIGNATURE_TYPE}`)

  await verifyReply({ subject: 'notification', headers, body, keys: keys.certs })

  // Verified: the envelope is WeChat Pay's. Its shape is still checked before use.
  const envelope = parseJson(body)
  if (!isObject(envelope)) throw fail('the body is not a JSON object')
  const { id, create_time, event_type, resource_type, summary, resource } = envelope
  for (const [name, value] of [
    ['id', id],
    ['create_time', create_time],
    ['event_type', event_type],
    ['resource_type', resource_type],
  ] as const) {
    if (typeof value !== 'string' || value === '') throw fail(`${name} is not a non-empty string`)
  }
  if (summary !== undefined && typeof summary !== 'string') throw fail('summary is not a string')
  if (resource_type !== RESOURCE_TYPE) throw fail(`resource_type is not ${RESOURCE_TYPE}`)
  if (!isObject(resource)) throw fail('resource is not an object')
  const { algorithm, ciphertext, nonce, associated_data, original_type } = resource
  if (algorithm !== ALGORITHM) throw fail(`resource.algorithm is not ${ALGORITHM}`)
  if (typeof nonce !== 'string') throw fail('resource.nonce is not a string')
  if (typeof ciphertext !== 'string') throw fail('resource.ciphertext is not a string')
  if (associated_data !== undefined && associated_data !== null && typeof associated_data !== 'string')
    throw fail('resource.associated_data is not a string')
  if (original_type !== undefined && typeof original_type !== 'string')
    throw fail('resource.original_type is not a string')
  const nonceBytes = utf8.encode(nonce)
  if (nonceBytes.length !== 12) throw fail('resource.nonce is not 12 bytes')
  const sealed = fromBase64(ciphertext)
  if (!sealed) throw fail('resource.ciphertext is not base64')
  if (sealed.length < 16) throw fail('resource.ciphertext is shorter than its 16-byte tag')

  const plain = await aesGcmDecrypt(
    await keys.apiv3Key(),
    nonceBytes,
    sealed,
    utf8.encode(associated_data ?? ''),
  )
  if (!plain)
    throw fail(
      'resource does not decrypt (AEAD_AES_256_GCM tag mismatch: wrong apiv3Key, nonce or associated_data, or tampered)',
    )
  const decrypted = parseJson(plain)
  if (!isObject(decrypted)) throw fail('the decrypted resource is not a JSON object')

  const event: Record<string, unknown> = { id, create_time, event_type, resource_type }
  if (summary !== undefined) event.summary = summary
  if (original_type !== undefined) event.original_type = original_type
  event.resource = decrypted
  return event as unknown as WechatpayNotification
}
