import type { Bytes } from '../encoding'
import { subtle } from './subtle'

/**
 * RSAES-OAEP as WeChat Pay uses it for sensitive fields: SHA-1, MGF1 with SHA-1, empty label
 * (Java `RSA/ECB/OAEPWithSHA-1AndMGF1Padding`, Go `rsa.EncryptOAEP(sha1.New(), …)`). Web Crypto's
 * RSA-OAEP uses the same hash for MGF1, so `{ name: 'RSA-OAEP', hash: 'SHA-1' }` is exactly it.
 */
const OAEP = { name: 'RSA-OAEP', hash: 'SHA-1' } as const
/** SHA-1's output size: OAEP takes at most `k − 2·20 − 2` bytes of plaintext with a `k`-byte modulus. */
const SHA1_BYTES = 20

/** The largest plaintext, in bytes, that OAEP-SHA-1 encrypts under a key of `bits` bits (214 for 2048). */
export function oaepMaxBytes(bits: number): number {
  return Math.floor(bits / 8) - 2 * SHA1_BYTES - 2
}

/** Imports a platform public key (SPKI DER) for encryption only. */
export function importOaepPublicKey(spki: Bytes): Promise<CryptoKey> {
  return subtle().importKey('spki', spki, OAEP, false, ['encrypt'])
}

/** Imports the merchant private key (PKCS#8 DER) for decryption only: a key separate from the signing one. */
export function importOaepPrivateKey(pkcs8: Bytes): Promise<CryptoKey> {
  return subtle().importKey('pkcs8', pkcs8, OAEP, false, ['decrypt'])
}

export async function oaepEncrypt(key: CryptoKey, plain: Bytes): Promise<Bytes> {
  return new Uint8Array(await subtle().encrypt(OAEP, key, plain))
}

/** `undefined` when the ciphertext does not decrypt under this key (wrong key, wrong hash, tampered). */
export async function oaepDecrypt(key: CryptoKey, data: Bytes): Promise<Bytes | undefined> {
  try {
    return new Uint8Array(await subtle().decrypt(OAEP, key, data))
  } catch {
    return undefined
  }
}
