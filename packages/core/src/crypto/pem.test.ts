// PEM and DER parsing, checked against openssl's own DER output (an independent oracle).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { type TestKeys, testKeys } from '../../test/keys'
import { openssl, pemOf as pem, pemDer } from '../../test/openssl'
import { children, readRoot } from './der'
import { normalizePem, PemError, parsePrivateKey, parsePublicKey } from './pem'
import { importRsaKey } from './signature'

let keys: TestKeys
let encryptedPkcs8: string
let encryptedTraditional: string
let ecKey: string
let ecPublicKey: string
let certificateSpkiDer: Buffer
let merchantDer: Buffer

beforeAll(() => {
  keys = testKeys()
  const merchantPath = join(keys.dir, 'merchant.pem')
  encryptedPkcs8 = openssl([
    'pkcs8',
    '-topk8',
    '-v2',
    'aes-256-cbc',
    '-in',
    merchantPath,
    '-passout',
    'pass:x',
  ])
  encryptedTraditional = openssl([
    'rsa',
    '-in',
    merchantPath,
    '-aes256',
    '-passout',
    'pass:x',
    '-traditional',
  ])
  ecKey = openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'])
  ecPublicKey = openssl(['pkey', '-pubout'], ecKey)
  const certPath = join(keys.dir, 'certificate.pem')
  writeFileSync(certPath, keys.certificate)
  certificateSpkiDer = pemDer(openssl(['x509', '-in', certPath, '-pubkey', '-noout']))
  merchantDer = pemDer(keys.merchantKey)
})

function pemError(parse: () => unknown): PemError {
  let error: unknown
  try {
    parse()
  } catch (err) {
    error = err
  }
  expect(error).toBeInstanceOf(PemError)
  return error as PemError
}

describe('parsePrivateKey', () => {
  test('PKCS#8: the DER as openssl wrote it', () => {
    const material = parsePrivateKey(keys.merchantKey)
    expect(material.format).toBe('pkcs8')
    expect(Buffer.from(material.der).equals(merchantDer)).toBe(true)
  })

  test('PKCS#1 is re-wrapped into exactly the PKCS#8 DER openssl produces for the same key', () => {
    expect(keys.merchantKeyPkcs1).toContain('-----BEGIN RSA PRIVATE KEY-----')
    const material = parsePrivateKey(keys.merchantKeyPkcs1)
    expect(material.format).toBe('pkcs8')
    const opensslPkcs8 = pemDer(openssl(['pkcs8', '-topk8', '-nocrypt'], keys.merchantKeyPkcs1))
    expect(Buffer.from(material.der).equals(opensslPkcs8)).toBe(true)
    expect(Buffer.from(material.der).equals(merchantDer)).toBe(true)
  })

  test('CRLF line endings, surrounding text and a missing final newline are accepted', () => {
    const variants = [
      keys.merchantKey.replace(/\n/g, '\r\n'),
      `Bag Attributes\n    friendlyName: merchant\n${keys.merchantKey}`,
      keys.merchantKey.trimEnd(),
      `\n\n  ${keys.merchantKey}\n\n`,
    ]
    for (const variant of variants) {
      expect(Buffer.from(parsePrivateKey(variant).der).equals(merchantDer)).toBe(true)
    }
  })

  test('the parsed keys import into Web Crypto', async () => {
    await expect(importRsaKey(parsePrivateKey(keys.merchantKey))).resolves.toMatchObject({ type: 'private' })
    await expect(importRsaKey(parsePrivateKey(keys.merchantKeyPkcs1))).resolves.toMatchObject({
      type: 'private',
    })
  })

  test('an encrypted PKCS#8 key is refused, saying how to decrypt it', () => {
    expect(encryptedPkcs8).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----')
    expect(pemError(() => parsePrivateKey(encryptedPkcs8)).message).toMatch(/encrypted.*openssl pkey/)
  })

  test('a traditional encrypted key (Proc-Type: 4,ENCRYPTED) is refused', () => {
    expect(encryptedTraditional).toContain('Proc-Type: 4,ENCRYPTED')
    expect(pemError(() => parsePrivateKey(encryptedTraditional)).message).toMatch(/encrypted/)
  })

  test('an EC key is refused as not RSA', () => {
    expect(pemError(() => parsePrivateKey(ecKey)).message).toMatch(/not an RSA key/)
  })

  test('a public key where a private key is expected', () => {
    expect(pemError(() => parsePrivateKey(keys.merchantPublicKey)).message).toMatch(
      /"PUBLIC KEY" PEM; expected "PRIVATE KEY"/,
    )
    expect(pemError(() => parsePrivateKey(keys.certificate)).message).toMatch(/"CERTIFICATE" PEM/)
  })

  test('garbage base64', () => {
    const error = pemError(() =>
      parsePrivateKey('-----BEGIN PRIVATE KEY-----\n!!!not*base64!!!\n-----END PRIVATE KEY-----'),
    )
    expect(error.message).toMatch(/not valid base64/)
  })

  test('not a PEM at all', () => {
    for (const text of ['', 'hello', merchantDer.toString('base64'), '-----BEGIN PRIVATE KEY-----\nMIIE\n']) {
      expect(pemError(() => parsePrivateKey(text)).message).toMatch(/not a PEM|base64/)
    }
  })

  test('mismatched BEGIN/END labels', () => {
    const text = keys.merchantKey.replace('-----END PRIVATE KEY-----', '-----END PUBLIC KEY-----')
    pemError(() => parsePrivateKey(text))
  })

  test('truncated DER (PKCS#8 and PKCS#1), at several lengths', () => {
    const pkcs1Der = pemDer(keys.merchantKeyPkcs1)
    for (const [label, der, what] of [
      ['PRIVATE KEY', merchantDer, /PKCS#8/],
      ['RSA PRIVATE KEY', pkcs1Der, /PKCS#1/],
    ] as const) {
      for (const length of [der.length - 1, der.length - 10, der.length - 200, 4]) {
        expect(pemError(() => parsePrivateKey(pem(label, der.subarray(0, length)))).message).toMatch(what)
      }
    }
  })

  test('trailing bytes after the DER value', () => {
    const extended = Buffer.concat([merchantDer, Buffer.from([0, 0])])
    expect(pemError(() => parsePrivateKey(pem('PRIVATE KEY', extended))).message).toMatch(/trailing/)
  })
})

describe('parsePublicKey', () => {
  test('SPKI: the DER as openssl wrote it', () => {
    const material = parsePublicKey(keys.platformPublicKey)
    expect(material.format).toBe('spki')
    expect(Buffer.from(material.der).equals(pemDer(keys.platformPublicKey))).toBe(true)
  })

  test('X.509: the extracted SPKI equals `openssl x509 -pubkey -noout`, byte for byte', () => {
    const material = parsePublicKey(keys.certificate)
    expect(material.format).toBe('spki')
    expect(certificateSpkiDer.length).toBeGreaterThan(290)
    expect(Buffer.from(material.der).equals(certificateSpkiDer)).toBe(true)
  })

  test('the parsed keys import into Web Crypto', async () => {
    await expect(importRsaKey(parsePublicKey(keys.platformPublicKey))).resolves.toMatchObject({
      type: 'public',
    })
    await expect(importRsaKey(parsePublicKey(keys.certificate))).resolves.toMatchObject({ type: 'public' })
  })

  test('a private key where a public key is expected', () => {
    expect(pemError(() => parsePublicKey(keys.platformKey)).message).toMatch(
      /"PRIVATE KEY" PEM; expected "PUBLIC KEY"/,
    )
    expect(pemError(() => parsePublicKey(keys.merchantKeyPkcs1)).message).toMatch(/"RSA PRIVATE KEY" PEM/)
  })

  test('an EC public key is refused as not RSA', () => {
    expect(pemError(() => parsePublicKey(ecPublicKey)).message).toMatch(/not an RSA key/)
  })

  test('a PKCS#1 "RSA PUBLIC KEY" is refused, naming the label', () => {
    const pkcs1Public = openssl(['rsa', '-pubin', '-RSAPublicKey_out'], keys.platformPublicKey)
    expect(pemError(() => parsePublicKey(pkcs1Public)).message).toMatch(/"RSA PUBLIC KEY"/)
  })

  test('garbage base64 and truncated DER', () => {
    pemError(() => parsePublicKey('-----BEGIN PUBLIC KEY-----\n%%%%\n-----END PUBLIC KEY-----'))
    const spki = pemDer(keys.platformPublicKey)
    expect(pemError(() => parsePublicKey(pem('PUBLIC KEY', spki.subarray(0, -20)))).message).toMatch(/SPKI/)
    const cert = pemDer(keys.certificate)
    expect(pemError(() => parsePublicKey(pem('CERTIFICATE', cert.subarray(0, -20)))).message).toMatch(
      /X\.509/,
    )
    expect(pemError(() => parsePublicKey(pem('CERTIFICATE', spki))).message).toMatch(/X\.509/)
  })
})

describe('one PEM, however it was pasted', () => {
  test('literal \\n or \\r\\n (a one-line env value), quoted or not, reads as the same DER', () => {
    const oneLine = (text: string, eol: string) => text.trim().replaceAll('\n', eol)
    for (const variant of [
      oneLine(keys.merchantKey, '\\n'),
      oneLine(keys.merchantKey, '\\r\\n'),
      `"${oneLine(keys.merchantKey, '\\n')}"`,
      `${oneLine(keys.merchantKey, '\\n')}\\n`,
    ]) {
      expect(variant).not.toContain('\n')
      expect(Buffer.from(parsePrivateKey(variant).der).equals(merchantDer)).toBe(true)
    }
    const spki = parsePublicKey(oneLine(keys.platformPublicKey, '\\n'))
    expect(Buffer.from(spki.der).equals(pemDer(keys.platformPublicKey))).toBe(true)
    expect(parsePublicKey(oneLine(keys.certificate, '\\n')).certificate?.serial).toBe(keys.certificateSerial)
    expect(normalizePem('no backslash\n')).toBe('no backslash\n')
  })

  test('line breaks escaped twice (\\\\n, e.g. JSON inside JSON) are refused with a message that says so', () => {
    const twice = keys.merchantKey.trim().replaceAll('\n', '\\\\n')
    expect(twice).toContain('\\\\n')
    for (const parse of [
      () => parsePrivateKey(twice),
      () => parsePublicKey(keys.platformPublicKey.trim().replaceAll('\n', '\\\\n')),
    ]) {
      const message = pemError(parse).message
      expect(message).toMatch(/line breaks look escaped twice/)
      expect(message).not.toContain('MII') // never quotes the key
    }
  })

  test('two PEM blocks where one is expected are refused, naming their labels only', () => {
    expect(pemError(() => parsePrivateKey(`${keys.merchantKey}${keys.otherKey}`)).message).toBe(
      'holds 2 PEM blocks (PRIVATE KEY, PRIVATE KEY); expected exactly one key or certificate',
    )
    expect(pemError(() => parsePublicKey(`${keys.certificate}\n${keys.certificate}`)).message).toMatch(
      /holds 2 PEM blocks \(CERTIFICATE, CERTIFICATE\)/,
    )
    expect(
      pemError(() => parsePublicKey(`${keys.platformPublicKey}${keys.certificate}${keys.otherPublicKey}`))
        .message,
    ).toMatch(/holds 3 PEM blocks \(PUBLIC KEY, CERTIFICATE, PUBLIC KEY\)/)
  })
})

describe('what the parse returns besides the DER', () => {
  test('the key size in bits, and a certificate’s serial and dates', () => {
    expect(parsePrivateKey(keys.merchantKey).bits).toBe(2048)
    expect(parsePrivateKey(keys.merchantKeyPkcs1).bits).toBe(2048)
    expect(parsePublicKey(keys.platformPublicKey).bits).toBe(2048)
    expect(parsePublicKey(keys.platformPublicKey).certificate).toBeUndefined()
    const { certificate } = parsePublicKey(keys.certificate)
    expect(certificate?.serial).toBe(keys.certificateSerial)
    const dates = openssl(['x509', '-noout', '-startdate', '-enddate'], keys.certificate)
    expect(certificate?.notBefore).toEqual(new Date(/notBefore=(.*)/.exec(dates)![1]!))
    expect(certificate?.notAfter).toEqual(new Date(/notAfter=(.*)/.exec(dates)![1]!))
  })
})

describe('DER that some Web Crypto would refuse is refused here', () => {
  /** A TLV with a DER length. */
  const tlv = (tag: number, ...parts: Uint8Array[]) => {
    const content = Buffer.concat(parts)
    const n = content.length
    const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff]
    return Buffer.concat([Buffer.from([tag, ...length]), content])
  }
  const RSA_OID = Buffer.from('06092a864886f70d010101', 'hex')
  const NULL = Buffer.from('0500', 'hex')

  test('the SPKI of openssl, rebuilt by tlv(), is the same bytes (the helper is right)', () => {
    const spki = pemDer(keys.platformPublicKey)
    const [, bits] = children(new Uint8Array(spki), readRoot(new Uint8Array(spki)))
    const rebuilt = tlv(0x30, tlv(0x30, RSA_OID, NULL), spki.subarray(bits!.start))
    expect(rebuilt.equals(spki)).toBe(true)
  })

  test('rsaEncryption without its NULL parameters (BoringSSL refuses those)', () => {
    const spki = pemDer(keys.platformPublicKey)
    const [, bits] = children(new Uint8Array(spki), readRoot(new Uint8Array(spki)))
    const noNull = tlv(0x30, tlv(0x30, RSA_OID), spki.subarray(bits!.start))
    expect(pemError(() => parsePublicKey(pem('PUBLIC KEY', noNull))).message).toMatch(
      /parameters must be NULL/,
    )
  })

  test('a BIT STRING that holds no RSAPublicKey, or has unused bits', () => {
    const garbage = tlv(0x30, tlv(0x30, RSA_OID, NULL), tlv(0x03, Buffer.from([0]), Buffer.alloc(270, 0x41)))
    expect(pemError(() => parsePublicKey(pem('PUBLIC KEY', garbage))).message).toMatch(/not a valid SPKI/)
    const spki = pemDer(keys.platformPublicKey)
    const [, bits] = children(new Uint8Array(spki), readRoot(new Uint8Array(spki)))
    const content = Buffer.from(spki.subarray(bits!.contentStart, bits!.end))
    content[0] = 1
    const unused = tlv(0x30, tlv(0x30, RSA_OID, NULL), tlv(0x03, content))
    expect(pemError(() => parsePublicKey(pem('PUBLIC KEY', unused))).message).toMatch(/subjectPublicKey/)
  })

  test('a PrivateKeyInfo of version 1 (RFC 5958 OneAsymmetricKey; BoringSSL imports only version 0)', () => {
    expect([...merchantDer.subarray(4, 7)]).toEqual([0x02, 0x01, 0x00])
    const v1 = Buffer.from(merchantDer)
    v1[6] = 1
    expect(pemError(() => parsePrivateKey(pem('PRIVATE KEY', v1))).message).toMatch(/version is not 0/)
  })

  test('a long-form length where the short form fits (BER)', () => {
    // 30 82 LL LL → 30 83 00 LL LL: the same key with a non-minimal outer length.
    expect([...merchantDer.subarray(0, 2)]).toEqual([0x30, 0x82])
    const ber = Buffer.concat([Buffer.from([0x30, 0x83, 0x00]), merchantDer.subarray(2)])
    expect(pemError(() => parsePrivateKey(pem('PRIVATE KEY', ber))).message).toMatch(/non-minimal DER length/)
  })
})
