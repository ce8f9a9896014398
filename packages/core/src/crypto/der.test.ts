// The DER reader's strictness and its X.509 Time reading. Expected dates are written from
// RFC 5280 4.1.2.5 (UTCTime YY < 50 is 20YY, otherwise 19YY), not computed by the code under test.
import { describe, expect, test } from 'vitest'
import { DerError, integerBytes, readNode, readRoot, readTime, TAG, unsignedInteger } from './der'

const bytes = (...values: number[]) => new Uint8Array(values)
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0))
const time = (tag: number, text: string) => {
  const der = bytes(tag, text.length, ...ascii(text))
  return readTime(der, readRoot(der), 'time')
}

describe('readNode', () => {
  test('short and long length forms', () => {
    expect(readNode(bytes(0x04, 0x01, 0xaa), 0)).toEqual({ tag: 4, start: 0, contentStart: 2, end: 3 })
    const long = new Uint8Array(3 + 200)
    long.set([0x04, 0x81, 200])
    expect(readNode(long, 0).end).toBe(203)
  })

  test('a non-minimal length (BER) is refused: Web Crypto on workerd refuses it too', () => {
    expect(() => readNode(bytes(0x04, 0x81, 0x01, 0xaa), 0)).toThrow(/non-minimal DER length/)
    expect(() => readNode(bytes(0x04, 0x82, 0x00, 0x01, 0xaa), 0)).toThrow(/non-minimal DER length/)
  })

  test('truncated and overlong values', () => {
    expect(() => readNode(bytes(0x04), 0)).toThrow(DerError)
    expect(() => readNode(bytes(0x04, 0x02, 0xaa), 0)).toThrow(/runs past/)
    expect(() => readRoot(bytes(0x04, 0x01, 0xaa, 0x00))).toThrow(/trailing/)
  })
})

describe('INTEGER', () => {
  const int = (...content: number[]) => {
    const der = bytes(TAG.INTEGER, content.length, ...content)
    return { der, node: readRoot(der) }
  }

  test('minimal encodings are read, with the 00 sign byte of a high-bit value', () => {
    const { der, node } = int(0x00, 0x80)
    expect([...integerBytes(der, node, 'n')]).toEqual([0x00, 0x80])
    expect(unsignedInteger(der, node, 'n')).toBe(128n)
    const e = int(0x01, 0x00, 0x01)
    expect(unsignedInteger(e.der, e.node, 'e')).toBe(65537n)
  })

  test('empty, non-minimal or negative integers are refused', () => {
    for (const content of [[], [0x00, 0x01], [0xff, 0x80]]) {
      const { der, node } = int(...content)
      expect(() => integerBytes(der, node, 'n')).toThrow(DerError)
    }
    const negative = int(0x80)
    expect(() => unsignedInteger(negative.der, negative.node, 'n')).toThrow(/negative n/)
  })
})

describe('readTime', () => {
  test('UTCTime: years 50–99 are 19YY, 00–49 are 20YY', () => {
    expect(time(TAG.UTC_TIME, '500101000000Z').toISOString()).toBe('1950-01-01T00:00:00.000Z')
    expect(time(TAG.UTC_TIME, '491231235959Z').toISOString()).toBe('2049-12-31T23:59:59.000Z')
    expect(time(TAG.UTC_TIME, '230919151558Z').toISOString()).toBe('2023-09-19T15:15:58.000Z')
  })

  test('GeneralizedTime', () => {
    expect(time(TAG.GENERALIZED_TIME, '20510101000000Z').toISOString()).toBe('2051-01-01T00:00:00.000Z')
  })

  test('anything RFC 5280 does not allow is refused', () => {
    for (const [tag, text] of [
      [TAG.UTC_TIME, '2101010000Z'], // no seconds
      [TAG.UTC_TIME, '210101000000+0800'], // not UTC
      [TAG.GENERALIZED_TIME, '20210231000000Z'], // 31 February
      [TAG.GENERALIZED_TIME, '20210101246000Z'],
      [TAG.GENERALIZED_TIME, '20210101000000.5Z'],
      [TAG.INTEGER, '20210101000000Z'],
    ] as const) {
      expect(() => time(tag, text)).toThrow(DerError)
    }
  })
})
