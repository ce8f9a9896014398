import type { Bytes } from '../encoding'
import { native } from './backend'
import { subtle } from './subtle'

/**
 * AES-256-GCM decryption as WeChat Pay uses it (AEAD_AES_256_GCM: notification `resource`, the
 * certificates of `/v3/certificates`): on Web Crypto, which every runtime has, or on node:crypto
 * where the Node entry installed it (./backend.ts), with the same checks before either.
 */

/** The GCM nonce WeChat Pay sends: 12 characters, used as 12 bytes. */
export const GCM_NONCE_BYTES = 12
/** The tag WeChat Pay appends to the ciphertext: 128 bits. */
export const GCM_TAG_BYTES = 16
/** AES-256: the APIv3 key is 32 bytes. */
export const AES_256_KEY_BYTES = 32

/** Imports a 32-byte key for decryption only, not extractable (it never leaves Web Crypto again). */
export function importAesGcmKey(raw: Bytes): Promise<CryptoKey> {
  if (raw.length !== AES_256_KEY_BYTES) throw new RangeError('AES-256-GCM needs a 32-byte key')
  return subtle().importKey('raw', raw, { name: 'AES-GCM' }, false, ['decrypt'])
}

/**
 * Decrypts `ciphertext ‖ tag`; `undefined` when anything is off: a nonce that is not 12 bytes
 * (GCM would accept other lengths, WeChat Pay never sends them), input shorter than the tag, a tag
 * that does not verify (wrong key, AAD, nonce, or a flipped bit). Fails closed, never throws on
 * hostile input. The tag length is fixed at 128 bits, so a truncated tag cannot pass.
 */
export async function aesGcmDecrypt(
  key: CryptoKey,
  nonce: Bytes,
  data: Bytes,
  associatedData: Bytes,
): Promise<Bytes | undefined> {
  if (nonce.length !== GCM_NONCE_BYTES || data.length < GCM_TAG_BYTES) return undefined
  const fast = native.crypto
  if (fast) return fast.aesGcmDecrypt(key, nonce, data, associatedData)
  try {
    const plain = await subtle().decrypt(
      { name: 'AES-GCM', iv: nonce, additionalData: associatedData, tagLength: GCM_TAG_BYTES * 8 },
      key,
      data,
    )
    return new Uint8Array(plain)
  } catch {
    return undefined
  }
}
