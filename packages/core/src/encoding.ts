/** Bytes backed by a plain ArrayBuffer, as Web Crypto and fetch take them. */
export type Bytes = Uint8Array<ArrayBuffer>

/** Byte helpers on Web APIs only (no `Buffer`), so they run on every runtime. */

export const utf8 = new TextEncoder()
export const utf8Decoder = new TextDecoder()

export function toBase64(bytes: Bytes): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[])
  }
  return btoa(binary)
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** Strict RFC 4648 base64 decoding; `undefined` for anything that is not canonical base64. */
export function fromBase64(text: string): Bytes | undefined {
  if (!BASE64.test(text)) return undefined
  const binary = atob(text)
  const out = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
  return out
}

export function concatBytes(...parts: Bytes[]): Bytes {
  let length = 0
  for (const part of parts) length += part.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

const HEX = '0123456789ABCDEF'

export function toHexUpper(bytes: Uint8Array): string {
  let out = ''
  for (const byte of bytes) out += HEX[byte >> 4]! + HEX[byte & 15]!
  return out
}

/** Compares two strings in time independent of where they differ. */
export function timingSafeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length
  const length = Math.max(a.length, b.length)
  for (let i = 0; i < length; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0)
  return diff === 0
}

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** `length` characters of `[0-9A-Za-z]` from the CSPRNG, without modulo bias. */
export function nonce(length = 32): string {
  let out = ''
  const buffer = new Uint8Array(length * 2)
  while (out.length < length) {
    crypto.getRandomValues(buffer)
    for (const byte of buffer) {
      // 248 = 62 * 4: bytes at or above it would favour the first characters.
      if (byte < 248) out += ALNUM[byte % 62]!
      if (out.length === length) break
    }
  }
  return out
}
