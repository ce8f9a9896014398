// The Node entry's native operations (crypto/node.ts) answer exactly as the Web Crypto path and the
// portable base64 codec do, on good input and on every kind of bad input: signed, sealed and
// encoded here independently with node:crypto and Buffer.
import { Buffer } from 'node:buffer'
import { createCipheriv, generateKeyPairSync, randomBytes, sign, webcrypto } from 'node:crypto'
import { seededInputs } from '@wxpay/sandbox/testing'
import { describe, expect, onTestFailed, test } from 'vitest'
import { nodeBase64, nodeNativeCrypto } from './node'

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
const spki = (key: typeof publicKey) => key.export({ type: 'spki', format: 'der' })
const bytes = (b: Buffer) => new Uint8Array(b)

describe('rsaVerify', async () => {
  const key = await webcrypto.subtle.importKey('spki', spki(publicKey), RSA, false, ['verify'])
  const message = bytes(Buffer.from('1700000000\nnonce\n{"a":1}\n'))
  const signature = bytes(sign('sha256', message, privateKey))

  test('agrees with Web Crypto on a good signature and on each kind of bad one', async () => {
    const flipped = signature.slice()
    flipped[7]! ^= 1
    const wrongKey = bytes(sign('sha256', message, other.privateKey))
    const cases: [Uint8Array, Uint8Array][] = [
      [signature, message],
      [flipped, message],
      [wrongKey, message],
      [signature, bytes(Buffer.from('1700000000\nnonce\n{"a":2}\n'))],
      [signature.subarray(0, 255), message],
      [new Uint8Array(0), message],
    ]
    for (const [sig, data] of cases) {
      const web = await webcrypto.subtle.verify(RSA, key, sig, data)
      expect(nodeNativeCrypto.rsaVerify(key, sig as never, data as never)).toBe(web)
    }
    expect(nodeNativeCrypto.rsaVerify(key, signature, message)).toBe(true)
  })

  test('refuses a key imported for another algorithm or use', async () => {
    const pss = await webcrypto.subtle.importKey(
      'spki',
      spki(publicKey),
      { name: 'RSA-PSS', hash: 'SHA-256' },
      false,
      ['verify'],
    )
    const sha1 = await webcrypto.subtle.importKey(
      'spki',
      spki(publicKey),
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1' },
      false,
      ['verify'],
    )
    expect(nodeNativeCrypto.rsaVerify(pss, signature, message)).toBe(false)
    expect(nodeNativeCrypto.rsaVerify(sha1, signature, message)).toBe(false)
  })
})

describe('aesGcmDecrypt', async () => {
  const raw = randomBytes(32)
  const key = await webcrypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['decrypt'])
  const nonce = bytes(Buffer.from('0123456789ab'))
  const aad = bytes(Buffer.from('transaction'))
  const plain = Buffer.from('{"out_trade_no":"1217752501201407033233368018"}')
  const cipher = createCipheriv('aes-256-gcm', raw, nonce)
  cipher.setAAD(aad)
  const sealed = bytes(Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]))

  test('opens what node:crypto sealed, byte for byte', () => {
    expect(Buffer.from(nodeNativeCrypto.aesGcmDecrypt(key, nonce, sealed, aad)!)).toEqual(plain)
  })

  test('fails closed (undefined, no throw) where Web Crypto fails', async () => {
    const tampered = sealed.slice()
    tampered[3]! ^= 1
    const badTag = sealed.slice()
    badTag[badTag.length - 1]! ^= 1
    const cases: [Uint8Array, Uint8Array, Uint8Array][] = [
      [nonce, tampered, aad],
      [nonce, badTag, aad],
      [nonce, sealed, bytes(Buffer.from('other'))],
      [bytes(Buffer.from('0123456789ac')), sealed, aad],
      [nonce, sealed.subarray(0, 16), aad],
    ]
    for (const [n, data, a] of cases) {
      const web = await webcrypto.subtle
        .decrypt({ name: 'AES-GCM', iv: n, additionalData: a, tagLength: 128 }, key, data)
        .then(
          () => 'opened',
          () => undefined,
        )
      expect(web).toBeUndefined()
      expect(nodeNativeCrypto.aesGcmDecrypt(key, n as never, data as never, a as never)).toBeUndefined()
    }
  })

  test('refuses a key imported for another use', async () => {
    const encryptOnly = await webcrypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt'])
    expect(nodeNativeCrypto.aesGcmDecrypt(encryptOnly, nonce, sealed, aad)).toBeUndefined()
  })
})

describe('base64', () => {
  test('round-trips any bytes as Buffer encodes them', () => {
    const random = seededInputs(onTestFailed)
    for (const length of [0, 1, 2, 3, 4, 255, 256, 1000]) {
      const data = bytes(random.bytes(length))
      const text = nodeBase64.encode(data)
      expect(text).toBe(Buffer.from(data).toString('base64'))
      if (length > 0) expect(nodeBase64.decode(text)).toEqual(data)
    }
  })

  test('is strict: non-canonical or malformed text is undefined, as in encoding.ts', () => {
    for (const text of [
      '',
      'QQ',
      'QQ=',
      'QR==',
      'QUI=x',
      'Q Q==',
      'QQ==QQ==',
      '-_8=',
      'QUJD\n',
      'QUJ=',
      '====',
    ]) {
      expect(nodeBase64.decode(text), text).toBeUndefined()
    }
    expect(nodeBase64.decode('QQ==')).toEqual(new Uint8Array([0x41]))
  })

  test("decodes into an ArrayBuffer of its own, never Buffer's shared pool (a private key's DER goes through here)", () => {
    for (const length of [1, 2, 3, 32, 256, 1218]) {
      const data = new Uint8Array(randomBytes(length))
      const out = nodeBase64.decode(Buffer.from(data).toString('base64'))
      expect(out).toEqual(data)
      expect(out!.byteOffset).toBe(0)
      expect(out!.buffer.byteLength).toBe(length)
    }
  })
})
