import type { Bytes } from '../encoding'
import { native } from './backend'
import type { KeyMaterial } from './pem'
import { subtle } from './subtle'

/**
 * The two signatures of the protocol (docs/protocol.md): RSA-SHA256 (PKCS#1 v1.5) for APIv3 requests,
 * replies and notifications, and HMAC-SHA256 for APIv2 signs; key import, sign and verify.
 */
const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const

export function importRsaKey(material: KeyMaterial): Promise<CryptoKey> {
  const usage: KeyUsage = material.format === 'pkcs8' ? 'sign' : 'verify'
  return subtle().importKey(material.format, material.der, RSA, false, [usage])
}

export async function rsaSign(key: CryptoKey, data: Bytes): Promise<Bytes> {
  return new Uint8Array(await subtle().sign(RSA, key, data))
}

/** A boolean at once where the runtime installed a synchronous verifier (crypto/backend.ts). */
export function rsaVerify(key: CryptoKey, signature: Bytes, data: Bytes): boolean | Promise<boolean> {
  const fast = native.crypto
  if (fast) return fast.rsaVerify(key, signature, data)
  return subtle().verify(RSA, key, signature, data)
}

export function importHmacKey(secret: string): Promise<CryptoKey> {
  return subtle().importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
}

export async function hmacSha256(key: CryptoKey, data: Bytes): Promise<Bytes> {
  return new Uint8Array(await subtle().sign('HMAC', key, data))
}
