import type { Bytes } from '../encoding'

/**
 * Faster equivalents of two Web Crypto operations, installed by a runtime's entry point (node.ts:
 * node:crypto, synchronous, see crypto/node.ts); edge entries install none and stay on Web Crypto.
 * Both take the same Web Crypto keys and must answer exactly as the Web Crypto path does: `false` /
 * `undefined` for anything that does not verify or decrypt, never a throw on hostile input.
 */
export interface NativeCrypto {
  /** RSASSA-PKCS1-v1_5 with SHA-256 over `data`. */
  rsaVerify(key: CryptoKey, signature: Bytes, data: Bytes): boolean
  /** AES-256-GCM open of `ciphertext ‖ 16-byte tag`; the caller has checked the nonce and lengths. */
  aesGcmDecrypt(key: CryptoKey, nonce: Bytes, data: Bytes, associatedData: Bytes): Bytes | undefined
}

/** A native base64 codec; `decode` as strict as encoding.ts's (canonical RFC 4648 or `undefined`). */
export interface NativeBase64 {
  encode(bytes: Bytes): string
  decode(text: string): Bytes | undefined
}

/** The installed native operations, if any (one per copy of core: the ESM and CJS builds each have one). */
export const native: { crypto: NativeCrypto | undefined; base64: NativeBase64 | undefined } = {
  crypto: undefined,
  base64: undefined,
}

export function installNativeCrypto(crypto: NativeCrypto, base64?: NativeBase64): void {
  native.crypto = crypto
  native.base64 = base64
}
