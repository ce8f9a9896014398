// AES-256-ECB against the official PHP SDK vector and node:crypto (an
// independent oracle written here on purpose; the product code is @noble/ciphers).
import { createCipheriv } from 'node:crypto'
import { seededInputs } from '@wxpay/sandbox/testing'
import { describe, expect, onTestFailed, test } from 'vitest'
import { aesEcbDecrypt } from './aes-ecb'

const bytes = (text: string) => new TextEncoder().encode(text)
const b64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'))
const text = (data: Uint8Array | undefined) => (data ? new TextDecoder().decode(data) : data)

describe('AES-256-ECB / PKCS#7', () => {
  test('Vector E (wechatpay-php AesEcbTest): "hello"', () => {
    expect(
      text(aesEcbDecrypt(bytes('0123456789abcdef0123456789abcdef'), b64('pZwJZBLuy3mDACEQT4YTBw=='))),
    ).toBe('hello')
  })

  test('round trips with node:crypto, sizes 0…64', () => {
    const random = seededInputs(onTestFailed)
    const key = random.bytes(32)
    for (let size = 0; size <= 64; size++) {
      const plaintext = random.bytes(size)
      const cipher = createCipheriv('aes-256-ecb', key, null)
      const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()])
      const opened = aesEcbDecrypt(new Uint8Array(key), new Uint8Array(sealed))
      expect(opened && Buffer.from(opened).equals(plaintext)).toBe(true)
    }
  })

  test('a wrong key, a partial block or an empty input gives undefined (never throws)', () => {
    const key = bytes('0123456789abcdef0123456789abcdef')
    const data = b64('pZwJZBLuy3mDACEQT4YTBw==')
    expect(aesEcbDecrypt(bytes('0123456789abcdef0123456789abcdeF'), data)).toBeUndefined()
    expect(aesEcbDecrypt(key, data.slice(0, 15))).toBeUndefined()
    expect(aesEcbDecrypt(key, new Uint8Array())).toBeUndefined()
    // A block whose last byte decrypts to an impossible pad (node:crypto with padding off as the oracle).
    const cipher = createCipheriv('aes-256-ecb', Buffer.from(key), null).setAutoPadding(false)
    const badPad = Buffer.concat([cipher.update(Buffer.alloc(16, 0x11)), cipher.final()])
    expect(aesEcbDecrypt(key, new Uint8Array(badPad))).toBeUndefined()
  })
})
