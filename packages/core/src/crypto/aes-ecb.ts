import { ecb } from '@noble/ciphers/aes'
import type { Bytes } from '../encoding'

/**
 * AES-256-ECB with PKCS#7 padding, the cipher of APIv2 refund notifications' `req_info`. Web Crypto
 * has no ECB mode, so this is @noble/ciphers (audited, pure JavaScript: it runs on edge runtimes).
 * ECB authenticates nothing: a wrong key is caught only by the padding check (and by the caller
 * parsing the plaintext), so callers must treat the result as no stronger than that.
 */

/**
 * Decrypts `data` with a 32-byte key; `undefined` when the input is not whole blocks or the
 * padding is not valid PKCS#7 (what a wrong key almost always produces).
 */
export function aesEcbDecrypt(key: Uint8Array, data: Uint8Array): Bytes | undefined {
  if (key.length !== 32) throw new RangeError('AES-256-ECB needs a 32-byte key')
  if (data.length === 0 || data.length % 16 !== 0) return undefined
  try {
    return Uint8Array.from(ecb(key).decrypt(data))
  } catch {
    return undefined
  }
}
