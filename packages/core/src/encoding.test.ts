import { seededInputs } from '@wxpay/sandbox/testing'
import { describe, expect, onTestFailed, test } from 'vitest'
import { fromBase64, isObject, nonce, timingSafeEqual, toBase64, toHex, toHexUpper } from './encoding'

describe('base64 (oracle: Node Buffer)', () => {
  test.each([0, 1, 2, 3, 4, 5, 31, 32, 255, 256, 257, 100_000])('round trip of %i random bytes', (length) => {
    const bytes = seededInputs(onTestFailed).bytes(length)
    const text = toBase64(new Uint8Array(bytes))
    expect(text).toBe(bytes.toString('base64'))
    if (length > 0) expect(Buffer.from(fromBase64(text)!)).toEqual(bytes)
  })

  test.each([
    ['empty', ''],
    ['no padding', 'YQ'],
    ['bad length', 'YWJjZ'],
    ['whitespace', 'YW Jj'],
    ['newline', 'YWJj\nZGVm'],
    ['URL alphabet', 'a-_b'],
    ['padding in the middle', 'YQ==YQ=='],
    ['three pad characters', 'Y==='],
    ['non-zero pad bits (==)', 'YR=='],
    ['non-zero pad bits (=)', 'YWJ='],
    ['non-ASCII', 'YWJj€GVm'],
    ['SIGNTEST probe', 'WECHATPAY/SIGNTEST/AAAA'],
  ])('%s is refused', (_, text) => {
    expect(fromBase64(text)).toBeUndefined()
  })
})

describe('nonce', () => {
  test('32 characters of [0-9A-Za-z], different on every call', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 2_000; i++) {
      const value = nonce()
      expect(value).toMatch(/^[0-9A-Za-z]{32}$/)
      seen.add(value)
    }
    expect(seen.size).toBe(2_000)
  })

  test('other lengths', () => {
    expect(nonce(16)).toMatch(/^[0-9A-Za-z]{16}$/)
    expect(nonce(1)).toMatch(/^[0-9A-Za-z]$/)
    expect(nonce(100)).toMatch(/^[0-9A-Za-z]{100}$/)
  })

  test('all 62 characters occur, roughly uniformly (no modulo bias toward the first ones)', () => {
    const counts = new Map<string, number>()
    const total = 62 * 4_000
    let text = ''
    while (text.length < total) text += nonce()
    for (const c of text.slice(0, total)) counts.set(c, (counts.get(c) ?? 0) + 1)
    expect(counts.size).toBe(62)
    // Expected 4000 each, σ ≈ 63. A biased generator (byte % 62 without rejection) gives the first
    // 8 characters 5/256 instead of 1/62, ~4840 each; the bounds are > 6σ from 4000 and far from 4840.
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(3_600)
      expect(count).toBeLessThan(4_400)
    }
  })
})

test('hex and constant-time comparison', () => {
  expect(toHexUpper(new Uint8Array([0, 15, 16, 255]))).toBe('000F10FF')
  expect(timingSafeEqual('ABC', 'ABC')).toBe(true)
  expect(timingSafeEqual('ABC', 'ABD')).toBe(false)
  expect(timingSafeEqual('ABC', 'AB')).toBe(false)
  expect(timingSafeEqual('', '')).toBe(true)
})

test('toHex agrees with Buffer (an independent encoder) on seeded random bytes', () => {
  const random = seededInputs(onTestFailed)
  for (let i = 0; i < 50; i++) {
    const bytes = random.bytes(i)
    expect(toHex(bytes)).toBe(bytes.toString('hex'))
    expect(toHexUpper(bytes)).toBe(bytes.toString('hex').toUpperCase())
  }
})

test('isObject: a JSON object only', () => {
  expect(isObject({})).toBe(true)
  expect(isObject(JSON.parse('{"a":1}'))).toBe(true)
  for (const value of [null, undefined, [], 'x', 1, true]) expect(isObject(value)).toBe(false)
})

test('the one Web Crypto guard says what is missing', async () => {
  const { subtle } = await import('./crypto/subtle')
  expect(subtle()).toBe(globalThis.crypto.subtle)
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'crypto')
  Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true })
  try {
    expect(() => subtle()).toThrow(/Web Crypto \(globalThis\.crypto\.subtle\) is required/)
  } finally {
    if (saved) Object.defineProperty(globalThis, 'crypto', saved)
  }
})
