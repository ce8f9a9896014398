/**
 * node:crypto for the two operations of the receive path (reply and notification signatures,
 * AES-256-GCM resources), installed by the Node entry (node.ts). Verifying with the public
 * exponent is cheap, so node:crypto's synchronous calls beat Web Crypto's asynchronous ones, whose
 * thread-pool round trip costs more than the work (apps/bench/RESULTS.md). Signing stays on Web
 * Crypto: it is expensive and runs off the main thread there.
 */
import { Buffer } from 'node:buffer'
import nodeCrypto, { type KeyObject } from 'node:crypto'
import type { Bytes } from '../encoding'
import { GCM_TAG_BYTES } from './aes-gcm'
import type { NativeBase64, NativeCrypto } from './backend'

/** The KeyObject of each Web Crypto key (KeyObject.from works on non-extractable keys too). */
const keyObjects = new WeakMap<CryptoKey, KeyObject>()

function keyObject(key: CryptoKey): KeyObject {
  let object = keyObjects.get(key)
  if (!object) {
    object = nodeCrypto.KeyObject.from(key)
    keyObjects.set(key, object)
  }
  return object
}

export const nodeNativeCrypto: NativeCrypto = {
  rsaVerify(key, signature, data) {
    // Only a key imported for RSASSA-PKCS1-v1_5 / SHA-256 verification, as the Web Crypto path.
    const algorithm = key.algorithm as RsaHashedKeyAlgorithm
    if (
      key.type !== 'public' ||
      algorithm.name !== 'RSASSA-PKCS1-v1_5' ||
      algorithm.hash?.name !== 'SHA-256' ||
      !key.usages.includes('verify')
    )
      return false
    try {
      // Called through the module object (not a bound import) so that a benchmark can stub it.
      return nodeCrypto.verify('sha256', data, keyObject(key), signature) === true
    } catch {
      return false
    }
  },
  aesGcmDecrypt(key, nonce, data, associatedData): Bytes | undefined {
    if (key.type !== 'secret' || key.algorithm.name !== 'AES-GCM' || !key.usages.includes('decrypt'))
      return undefined
    try {
      const cut = data.length - GCM_TAG_BYTES
      const decipher = nodeCrypto.createDecipheriv('aes-256-gcm', keyObject(key), nonce, {
        authTagLength: GCM_TAG_BYTES,
      })
      decipher.setAAD(associatedData)
      decipher.setAuthTag(data.subarray(cut))
      const head = decipher.update(data.subarray(0, cut))
      const tail = decipher.final()
      const plain = tail.length === 0 ? head : Buffer.concat([head, tail])
      return new Uint8Array(plain)
    } catch {
      return undefined
    }
  },
}

/**
 * Buffer's base64, made strict: Buffer decodes leniently (skipping stray characters, missing
 * padding, URL alphabet), so a decoding is accepted only when it encodes back to the very text:
 * that holds exactly for canonical, padded, standard-alphabet base64, as encoding.ts requires.
 */
export const nodeBase64: NativeBase64 = {
  encode(bytes) {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64')
  },
  decode(text) {
    if (typeof text !== 'string' || text.length === 0 || text.length % 4 !== 0) return undefined
    const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
    // Decoded straight into a plain ArrayBuffer of its own: `Buffer.from(text, 'base64')` would
    // put small results (a private key's DER among them) in Buffer's shared pool, where any other
    // pooled Buffer's `.buffer` reaches them, and a copy out of the pool costs a second pass.
    const out = new Uint8Array((text.length / 4) * 3 - padding)
    const view = Buffer.from(out.buffer, 0, out.length)
    if (view.write(text, 'base64') !== out.length) return undefined
    if (view.toString('base64') !== text) return undefined
    return out
  },
}
