// The RSA checks that stand in for a Web Crypto import at construction. Keys come from openssl
// (sizes, exponents, multi-prime) and node:crypto (a JWK with one number changed); both are oracles
// independent of the SDK's DER reader.
import { createPrivateKey } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { type TestKeys, testKeys } from '../../test/keys'
import { openssl, pemDer, rsaKey } from '../../test/openssl'
import { children, readRoot } from './der'
import { bitLength, checkRsaPrivateKey, checkRsaPublicKey, MIN_RSA_BITS, RsaKeyError } from './rsa'

let keys: TestKeys
let dir: string

beforeAll(() => {
  keys = testKeys()
  dir = mkdtempSync(join(keys.dir, 'rsa-'))
})

/** The RSAPublicKey inside an SPKI PEM (BIT STRING content after its unused-bits byte). */
function rsaPublicKey(spkiPem: string): Uint8Array<ArrayBuffer> {
  const der = new Uint8Array(pemDer(spkiPem))
  const [, bits] = children(der, readRoot(der))
  return der.slice(bits!.contentStart + 1, bits!.end)
}

/** The RSAPrivateKey of a private key PEM, as `openssl rsa -traditional` writes it. */
function rsaPrivateKey(pem: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(pemDer(openssl(['rsa', '-traditional'], pem)))
}

/** A PKCS#8 PEM of `pem` with one JWK field changed, rebuilt by node:crypto. */
function tampered(pem: string, field: 'p' | 'q' | 'dp' | 'qi' | 'd'): string {
  const jwk = createPrivateKey(pem).export({ format: 'jwk' })
  const value = Buffer.from(jwk[field]!, 'base64url')
  value.writeUInt8(value.at(-1)! ^ 2, value.length - 1)
  return createPrivateKey({ key: { ...jwk, [field]: value.toString('base64url') }, format: 'jwk' })
    .export({ type: 'pkcs8', format: 'pem' })
    .toString()
}

describe('size', () => {
  test('bit lengths agree with openssl, and 2048 is the floor', () => {
    const small = rsaKey(dir, 1024)
    const odd = rsaKey(dir, 2056)
    for (const [key, bits] of [
      [small, 1024],
      [odd, 2056],
    ] as const) {
      expect(openssl(['pkey', '-in', key.path, '-noout', '-text'])).toContain(`Private-Key: (${bits} bit`)
    }
    expect(() => checkRsaPublicKey(rsaPublicKey(small.publicKey))).toThrow(
      new RsaKeyError('is a 1024-bit RSA key; WeChat Pay requires RSA keys of at least 2048 bits'),
    )
    expect(() => checkRsaPrivateKey(rsaPrivateKey(small.key))).toThrow(/1024-bit/)
    expect(checkRsaPublicKey(rsaPublicKey(odd.publicKey))).toBe(2056)
    expect(checkRsaPrivateKey(rsaPrivateKey(odd.key))).toBe(2056)
    expect(checkRsaPublicKey(rsaPublicKey(keys.platformPublicKey))).toBe(MIN_RSA_BITS)
    expect(checkRsaPrivateKey(rsaPrivateKey(keys.merchantKey))).toBe(MIN_RSA_BITS)
  })

  test('bitLength', () => {
    expect([0n, 1n, 255n, 256n, 2n ** 2047n].map(bitLength)).toEqual([0, 1, 8, 9, 2048])
  })
})

describe('exponent', () => {
  test('e = 3 (openssl rsa_keygen_pubexp) is accepted', () => {
    const path = join(dir, 'e3.pem')
    openssl([
      'genpkey',
      '-algorithm',
      'RSA',
      '-pkeyopt',
      'rsa_keygen_bits:2048',
      '-pkeyopt',
      'rsa_keygen_pubexp:3',
      '-out',
      path,
    ])
    expect(openssl(['pkey', '-in', path, '-noout', '-text'])).toMatch(/publicExponent: 3 /)
    expect(checkRsaPrivateKey(rsaPrivateKey(openssl(['pkey', '-in', path])))).toBe(2048)
  })

  test('e = 1, an even e, or e ≥ 2^33 is refused', () => {
    const der = rsaPublicKey(keys.platformPublicKey)
    // RSAPublicKey ends with the exponent 02 03 01 00 01; swap in other exponents.
    expect([...der.subarray(-5)]).toEqual([0x02, 0x03, 0x01, 0x00, 0x01])
    const withExponent = (exponent: number[]) => {
      const body = [...der.subarray(4, -5), 0x02, exponent.length, ...exponent]
      return new Uint8Array([0x30, 0x82, body.length >> 8, body.length & 0xff, ...body])
    }
    expect(checkRsaPublicKey(withExponent([0x01, 0x00, 0x01]))).toBe(2048)
    for (const exponent of [[0x01], [0x01, 0x00, 0x00], [0x02, 0x00, 0x00, 0x00, 0x01]]) {
      expect(() => checkRsaPublicKey(withExponent(exponent))).toThrow(/unsupported public exponent/)
    }
  })
})

describe('private key numbers', () => {
  test('a key whose numbers do not agree is refused (p, q, dP, qInv, d each changed)', () => {
    for (const field of ['p', 'q', 'dp', 'qi', 'd'] as const) {
      expect(() => checkRsaPrivateKey(rsaPrivateKey(tampered(keys.merchantKey, field)))).toThrow(
        /numbers do not agree/,
      )
    }
  })

  test('a multi-prime key (openssl rsa_keygen_primes:3) is refused: Web Crypto does not import those', () => {
    const path = join(dir, 'three.pem')
    openssl([
      'genpkey',
      '-algorithm',
      'RSA',
      '-pkeyopt',
      'rsa_keygen_bits:2048',
      '-pkeyopt',
      'rsa_keygen_primes:3',
      '-out',
      path,
    ])
    const pkcs8 = new Uint8Array(pemDer(openssl(['pkey', '-in', path])))
    // PrivateKeyInfo → OCTET STRING → RSAPrivateKey (version 1)
    const [, , octets] = children(pkcs8, readRoot(pkcs8))
    expect(() => checkRsaPrivateKey(pkcs8.slice(octets!.contentStart, octets!.end))).toThrow(/multi-prime/)
  })

  test('the messages name no number of the key', () => {
    const jwk = createPrivateKey(keys.merchantKey).export({ format: 'jwk' })
    for (const field of ['p', 'q', 'd'] as const) {
      let message = ''
      try {
        checkRsaPrivateKey(rsaPrivateKey(tampered(keys.merchantKey, field)))
      } catch (err) {
        message = (err as Error).message
      }
      expect(message).not.toBe('')
      for (const value of Object.values(jwk))
        if (typeof value === 'string' && value.length > 8) expect(message).not.toContain(value.slice(0, 8))
      expect(message).not.toMatch(/[0-9a-f]{16}/i)
    }
  })
})
