import { randomBytes } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { fromBase64, nonce, timingSafeEqual, toBase64, toHexUpper } from '../src/encoding'

describe('base64 (oracle: Node Buffer)', () => {
  test.each([0, 1, 2, 3, 4, 5, 31, 32, 255, 256, 257, 100_000])('round trip of %i random bytes', (length) => {
    const bytes = randomBytes(length)
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
  test('32 characters of [0-9A-Za-z], all different, every character reachable', () => {
    const seen = new Set<string>()
    const chars = new Set<string>()
    for (let i = 0; i < 2000; i++) {
      const n = nonce()
      expect(n).toMatch(/^[0-9A-Za-z]{32}$/)
      seen.add(n)
      for (const c of n) chars.add(c)
    }
    expect(seen.size).toBe(2000)
    expect(chars.size).toBe(62)
  })
})

test('hex and constant-time comparison', () => {
  expect(toHexUpper(new Uint8Array([0, 15, 16, 255]))).toBe('000F10FF')
  expect(timingSafeEqual('ABC', 'ABC')).toBe(true)
  expect(timingSafeEqual('ABC', 'ABD')).toBe(false)
  expect(timingSafeEqual('ABC', 'AB')).toBe(false)
  expect(timingSafeEqual('', '')).toBe(true)
})
