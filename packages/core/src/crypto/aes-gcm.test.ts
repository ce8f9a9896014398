// AES-256-GCM against the official SDK vector and against node:crypto, written here on purpose as
// an independent oracle (the product code is Web Crypto).
import { createCipheriv } from 'node:crypto'
import { seededInputs } from '@wxpay/sandbox/testing'
import { describe, expect, onTestFailed, test } from 'vitest'
import { aesGcmDecrypt, importAesGcmKey } from './aes-gcm'

const bytes = (text: string) => new TextEncoder().encode(text)
const b64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'))

/** node:crypto encryption: base64-free `ciphertext ‖ tag`, as WeChat Pay builds it. */
function nodeEncrypt(key: Buffer, nonce: Buffer, aad: Buffer, plaintext: Buffer): Uint8Array<ArrayBuffer> {
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 })
  cipher.setAAD(aad)
  return new Uint8Array(Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]))
}

// Vector A (docs/protocol-2.md §1.3): the Java SDK's AeadAesCipherTest, key from its TestConfig.
const vectorA = {
  key: 'a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb',
  nonce: 'uluk4a9R25RW',
  aad: 'associatedData',
  ciphertext: 'ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=',
  plaintext: 'message',
}

describe('AES-256-GCM', () => {
  test('Vector A decrypts to "message"', async () => {
    const key = await importAesGcmKey(bytes(vectorA.key))
    const plain = await aesGcmDecrypt(key, bytes(vectorA.nonce), b64(vectorA.ciphertext), bytes(vectorA.aad))
    expect(plain && new TextDecoder().decode(plain)).toBe(vectorA.plaintext)
  })

  test('Vector A fails closed on each tampering', async () => {
    const key = await importAesGcmKey(bytes(vectorA.key))
    const data = b64(vectorA.ciphertext)
    const nonce = bytes(vectorA.nonce)
    const aad = bytes(vectorA.aad)
    const flipped = (at: number) => {
      const copy = data.slice()
      copy[at]! ^= 1
      return copy
    }
    const cases: Array<[string, Promise<Uint8Array | undefined>]> = [
      ['a flipped ciphertext bit', aesGcmDecrypt(key, nonce, flipped(0), aad)],
      ['a flipped tag bit', aesGcmDecrypt(key, nonce, flipped(data.length - 1), aad)],
      ['another AAD', aesGcmDecrypt(key, nonce, data, bytes('associatedDatA'))],
      ['an empty AAD', aesGcmDecrypt(key, nonce, data, new Uint8Array())],
      ['another nonce', aesGcmDecrypt(key, bytes('uluk4a9R25RX'), data, aad)],
      ['a 13-byte nonce', aesGcmDecrypt(key, bytes(`${vectorA.nonce}x`), data, aad)],
      ['an 11-byte nonce', aesGcmDecrypt(key, bytes(vectorA.nonce.slice(1)), data, aad)],
      ['a tag cut to 8 bytes', aesGcmDecrypt(key, nonce, data.slice(0, -8), aad)],
      ['input shorter than a tag', aesGcmDecrypt(key, nonce, data.slice(0, 15), aad)],
      ['empty input', aesGcmDecrypt(key, nonce, new Uint8Array(), aad)],
      [
        'another key',
        importAesGcmKey(bytes('b7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb')).then((k) =>
          aesGcmDecrypt(k, nonce, data, aad),
        ),
      ],
    ]
    for (const [label, outcome] of cases)
      expect({ label, plain: await outcome }).toEqual({ label, plain: undefined })
  })

  test('round trips with node:crypto: sizes 0…70, with and without AAD', async () => {
    const random = seededInputs(onTestFailed)
    const raw = random.bytes(32)
    const key = await importAesGcmKey(new Uint8Array(raw))
    for (let size = 0; size <= 70; size++) {
      const nonce = random.bytes(12)
      const aad = size % 2 ? random.bytes(size) : Buffer.alloc(0)
      const plaintext = random.bytes(size)
      const sealed = nodeEncrypt(raw, nonce, aad, plaintext)
      const opened = await aesGcmDecrypt(key, new Uint8Array(nonce), sealed, new Uint8Array(aad))
      expect(opened && Buffer.from(opened).equals(plaintext)).toBe(true)
    }
  })

  test('a nonce other than 12 bytes is refused even where GCM itself would decrypt (node:crypto accepts any IV length)', async () => {
    const random = seededInputs(onTestFailed)
    const raw = random.bytes(32)
    const key = await importAesGcmKey(new Uint8Array(raw))
    for (const length of [8, 11, 13, 16, 32]) {
      const nonce = random.bytes(length)
      const sealed = nodeEncrypt(raw, nonce, Buffer.alloc(0), Buffer.from('{"a":1}'))
      expect({
        length,
        plain: await aesGcmDecrypt(key, new Uint8Array(nonce), sealed, new Uint8Array()),
      }).toEqual({
        length,
        plain: undefined,
      })
    }
  })

  test('a ciphertext sealed with a 64-bit tag is refused (the tag is 128 bits, never shorter)', async () => {
    const random = seededInputs(onTestFailed)
    const raw = random.bytes(32)
    const nonce = random.bytes(12)
    const cipher = createCipheriv('aes-256-gcm', raw, nonce, { authTagLength: 8 })
    const sealed = Buffer.concat([
      cipher.update(Buffer.from('{"amount":100}')),
      cipher.final(),
      cipher.getAuthTag(),
    ])
    const key = await importAesGcmKey(new Uint8Array(raw))
    expect(
      await aesGcmDecrypt(key, new Uint8Array(nonce), new Uint8Array(sealed), new Uint8Array()),
    ).toBeUndefined()
  })

  test('only 32-byte keys are imported', () => {
    expect(() => importAesGcmKey(new Uint8Array(16))).toThrow(RangeError)
    expect(() => importAesGcmKey(new Uint8Array(33))).toThrow(RangeError)
  })
})
