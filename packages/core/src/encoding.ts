import { native } from './crypto/backend'

/** Bytes backed by a plain ArrayBuffer, as Web Crypto and fetch take them. */
export type Bytes = Uint8Array<ArrayBuffer>

/** Byte helpers on Web APIs only (no `Buffer`), so they run on every runtime. */

export const utf8 = new TextEncoder()
export const utf8Decoder = new TextDecoder()

export function toBase64(bytes: Bytes): string {
  const fast = native.base64
  if (fast) return fast.encode(bytes)
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[])
  }
  return btoa(binary)
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const DECODE = new Int16Array(128).fill(-1)
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i

/**
 * Strict RFC 4648 base64 decoding (padding required, no whitespace, no URL alphabet, zero pad
 * bits); `undefined` for anything else, so that a malformed signature never throws.
 */
export function fromBase64(text: string): Bytes | undefined {
  const fast = native.base64
  if (fast) return fast.decode(text)
  const length = text.length
  if (length === 0 || length % 4 !== 0) return undefined
  const padding = text.charCodeAt(length - 1) === 61 ? (text.charCodeAt(length - 2) === 61 ? 2 : 1) : 0
  const out = new Uint8Array((length / 4) * 3 - padding)
  let o = 0
  for (let i = 0; i < length; i += 4) {
    const last = i + 4 === length
    const a = sextet(text, i)
    const b = sextet(text, i + 1)
    const c = last && padding === 2 ? 0 : sextet(text, i + 2)
    const d = last && padding >= 1 ? 0 : sextet(text, i + 3)
    if ((a | b | c | d) < 0) return undefined
    const n = (a << 18) | (b << 12) | (c << 6) | d
    out[o++] = n >> 16
    if (o < out.length) out[o++] = (n >> 8) & 0xff
    if (o < out.length) out[o++] = n & 0xff
  }
  // Non-zero bits under the padding make a non-canonical encoding.
  if (padding === 2 && (sextet(text, length - 3) & 0x0f) !== 0) return undefined
  if (padding === 1 && (sextet(text, length - 2) & 0x03) !== 0) return undefined
  return out
}

function sextet(text: string, index: number): number {
  const code = text.charCodeAt(index)
  return code < 128 ? DECODE[code]! : -1
}

export function concatBytes(...parts: Uint8Array[]): Bytes {
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
const HEX_LOWER = '0123456789abcdef'

export function toHexUpper(bytes: Uint8Array): string {
  let out = ''
  for (const byte of bytes) out += HEX[byte >> 4]! + HEX[byte & 15]!
  return out
}

/** Lower-case hex, as digests are written (SHA-256 of an upload, SHA-1 of a bill). */
export function toHex(bytes: Uint8Array): string {
  let out = ''
  for (const byte of bytes) out += HEX_LOWER[byte >> 4]! + HEX_LOWER[byte & 15]!
  return out
}

/** A JSON object (not null, not an array): what a parsed reply or envelope must be before use. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Compares two strings in time independent of where they differ. */
export function timingSafeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length
  const length = Math.max(a.length, b.length)
  for (let i = 0; i < length; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0)
  return diff === 0
}

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

// getRandomValues costs a system call each time; drawing 4 KiB at once and handing the bytes out
// is as random and about twenty times cheaper per nonce. Each byte is used once.
const pool = new Uint8Array(4096)
let poolIndex = pool.length

function randomByte(): number {
  if (poolIndex === pool.length) {
    crypto.getRandomValues(pool)
    poolIndex = 0
  }
  return pool[poolIndex++]!
}

/** `length` characters of `[0-9A-Za-z]` from the CSPRNG, without modulo bias. */
export function nonce(length = 32): string {
  let out = ''
  while (out.length < length) {
    const byte = randomByte()
    // 248 = 62 * 4: bytes at or above it would favour the first characters.
    if (byte < 248) out += ALNUM[byte % 62]!
  }
  return out
}
