import { randomBytes } from 'node:crypto'

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** `size` characters of `[0-9A-Za-z]` from a CSPRNG (rejection sampling keeps it unbiased). */
export function alnum(size: number): string {
  let out = ''
  while (out.length < size) {
    for (const byte of randomBytes(size * 2)) {
      // 248 = 4 * 62: bytes above it would bias the first characters
      if (byte < 248 && out.length < size) out += ALNUM[byte % 62]
    }
  }
  return out
}

/** `size` random bytes as uppercase hex. */
export function hexUpper(bytes: number): string {
  return randomBytes(bytes).toString('hex').toUpperCase()
}

/** `count` random decimal digits. */
export function digits(count: number): string {
  let out = ''
  for (const byte of randomBytes(count)) out += String(byte % 10)
  return out
}

/**
 * A small seeded PRNG (mulberry32) for fault probabilities: the same seed gives the same
 * sequence of draws, so a flaky-by-design test is repeatable.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
