// PEM parsing against openssl's own DER output, and `new Wechatpay(options)` validation.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { importRsaKey } from '../src/crypto/keys'
import { PemError, parsePrivateKey, parsePublicKey } from '../src/crypto/pem'
import { Wechatpay, WechatpayTransportError, WechatpayValidationError } from '../src/node'
import { DEFAULT_BACKUP_BASE_URL, validateOptions } from '../src/options'
import { clientOptions, mchid, merchantSerial, platformSerial, secret } from './fixtures'
import { type TestKeys, testKeys } from './keys'

// Fixed by test/keys.ts (`-set_serial`); needed here before the keys exist, to name test cases.
const certificateSerial = '5B1F6A0D3C2E4F8091A2B3C4D5E6F708'

let keys: TestKeys
let encryptedPkcs8: string
let encryptedTraditional: string
let ecKey: string
let ecPublicKey: string
let certificateSpkiDer: Buffer
let merchantDer: Buffer

function openssl(args: string[], input?: string): string {
  return execFileSync('openssl', args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] })
}

/** The DER inside a PEM, decoded with Buffer (independently of the SDK's decoder). */
function pemDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----(BEGIN|END) [^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
}

function pem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64')
  return `-----BEGIN ${label}-----\n${base64.replace(/.{64}/g, '$&\n')}\n-----END ${label}-----\n`
}

beforeAll(() => {
  keys = testKeys()
  expect(keys.certificateSerial).toBe(certificateSerial)
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

describe('new Wechatpay(options) validation', () => {
  const good = () => clientOptions(keys)

  test('good options construct, in every key form', () => {
    expect(() => new Wechatpay(good())).not.toThrow()
    expect(() => new Wechatpay({ ...good(), privateKey: keys.merchantKeyPkcs1 })).not.toThrow()
    expect(
      () =>
        new Wechatpay({
          ...good(),
          certs: { [keys.certificateSerial]: keys.certificate, [platformSerial]: keys.platformPublicKey },
        }),
    ).not.toThrow()
    expect(() => new Wechatpay({ mchid })).not.toThrow()
  })

  const cases: Array<[string, () => Record<string, unknown>, string, RegExp?]> = [
    ['no options', () => undefined as never, 'options'],
    ['null options', () => null as never, 'options'],
    ['missing mchid', () => ({ ...good(), mchid: undefined }), 'mchid'],
    ['empty mchid', () => ({ ...good(), mchid: '' }), 'mchid'],
    ['non-digit mchid', () => ({ ...good(), mchid: '19000001o9' }), 'mchid', /digits/],
    ['mchid with a space', () => ({ ...good(), mchid: '1900000109 ' }), 'mchid'],
    ['numeric mchid', () => ({ ...good(), mchid: 1900000109 }), 'mchid'],
    ['empty serial', () => ({ ...good(), serial: '' }), 'serial'],
    ['serial with a space', () => ({ ...good(), serial: '3775B6A4 5ACD' }), 'serial'],
    ['serial with punctuation', () => ({ ...good(), serial: '3775B6A4:5ACD' }), 'serial'],
    ['65-character serial', () => ({ ...good(), serial: 'A'.repeat(65) }), 'serial'],
    ['numeric serial', () => ({ ...good(), serial: 12345 }), 'serial'],
    [
      'the merchant serial inside certs',
      () => ({ ...good(), certs: { [merchantSerial]: keys.platformPublicKey } }),
      'certs',
      /merchant serial/,
    ],
    [
      'the merchant serial inside certs, lowercase',
      () => ({ ...good(), certs: { [merchantSerial.toLowerCase()]: keys.platformPublicKey } }),
      'certs',
      /merchant serial/,
    ],
    [
      'the merchant serial inside certs, next to a good entry',
      () => ({
        ...good(),
        serial: merchantSerial.toLowerCase(),
        certs: { [platformSerial]: keys.platformPublicKey, [merchantSerial]: keys.merchantPublicKey },
      }),
      'certs',
      /merchant serial/,
    ],
    ['certs an array', () => ({ ...good(), certs: [keys.platformPublicKey] }), 'certs'],
    ['certs a string', () => ({ ...good(), certs: keys.platformPublicKey }), 'certs'],
    ['certs null', () => ({ ...good(), certs: null }), 'certs'],
    [
      'a certs key that is not a serial',
      () => ({ ...good(), certs: { 'PUB KEY': keys.platformPublicKey } }),
      'certs',
      /key number 1 \(7 characters\) is not a serial$/,
    ],
    [
      'certs with serial and PEM swapped',
      () => ({
        ...good(),
        certs: { [platformSerial]: keys.platformPublicKey, [keys.platformPublicKey]: 'X' },
      }),
      'certs',
      /key number 2 \(\d+ characters\) is not a serial \(a PEM: are serial and PEM swapped\?\)/,
    ],
    ['a 31-character secret', () => ({ ...good(), secret: secret.slice(1) }), 'secret', /32 characters/],
    ['a 33-character secret', () => ({ ...good(), secret: `${secret}x` }), 'secret', /32 characters/],
    ['an empty secret', () => ({ ...good(), secret: '' }), 'secret'],
    ['a numeric secret', () => ({ ...good(), secret: 1234567890 }), 'secret'],
    ['an unparsable privateKey', () => ({ ...good(), privateKey: 'not a pem' }), 'privateKey', /not a PEM/],
    ['an empty privateKey', () => ({ ...good(), privateKey: '' }), 'privateKey'],
    ['a Buffer privateKey', () => ({ ...good(), privateKey: Buffer.from(keys.merchantKey) }), 'privateKey'],
    [
      'a public key as privateKey',
      () => ({ ...good(), privateKey: keys.merchantPublicKey }),
      'privateKey',
      /PUBLIC KEY/,
    ],
    ['an EC privateKey', () => ({ ...good(), privateKey: ecKey }), 'privateKey', /RSA/],
    [
      'an encrypted PKCS#8 privateKey',
      () => ({ ...good(), privateKey: encryptedPkcs8 }),
      'privateKey',
      /encrypted/,
    ],
    [
      'a traditional encrypted privateKey',
      () => ({ ...good(), privateKey: encryptedTraditional }),
      'privateKey',
      /encrypted/,
    ],
    [
      'an unparsable certs.<serial>',
      () => ({ ...good(), certs: { [platformSerial]: 'garbage' } }),
      `certs.${platformSerial}`,
      /not a PEM/,
    ],
    [
      'a private key in certs.<serial>',
      () => ({ ...good(), certs: { [platformSerial]: keys.platformKey } }),
      `certs.${platformSerial}`,
      /PRIVATE KEY/,
    ],
    [
      'an empty certs.<serial>',
      () => ({ ...good(), certs: { [platformSerial]: '' } }),
      `certs.${platformSerial}`,
    ],
    [
      'a truncated certificate in certs.<serial>',
      () => ({
        ...good(),
        certs: { [certificateSerial]: pem('CERTIFICATE', pemDer(keys.certificate).subarray(0, 100)) },
      }),
      `certs.${certificateSerial}`,
      /X\.509/,
    ],
    ['a baseUrl that is not a URL', () => ({ ...good(), baseUrl: 'api.mch.weixin.qq.com' }), 'baseUrl'],
    ['an ftp baseUrl', () => ({ ...good(), baseUrl: 'ftp://api.mch.weixin.qq.com/' }), 'baseUrl'],
    [
      'a baseUrl with a query',
      () => ({ ...good(), baseUrl: 'https://api.mch.weixin.qq.com/?a=1' }),
      'baseUrl',
    ],
    [
      'a baseUrl with a fragment',
      () => ({ ...good(), baseUrl: 'https://api.mch.weixin.qq.com/#x' }),
      'baseUrl',
    ],
    [
      'a baseUrl with credentials',
      () => ({ ...good(), baseUrl: 'https://u:p@api.mch.weixin.qq.com/' }),
      'baseUrl',
    ],
    ['an empty baseUrl', () => ({ ...good(), baseUrl: '' }), 'baseUrl'],
    [
      'a backupBaseUrl with a different path',
      () => ({
        ...good(),
        baseUrl: 'https://proxy.example/wx/',
        backupBaseUrl: 'https://proxy2.example/other/',
      }),
      'backupBaseUrl',
      /same path/,
    ],
    [
      'a backupBaseUrl without the path prefix',
      () => ({
        ...good(),
        baseUrl: 'https://proxy.example/wx/',
        backupBaseUrl: 'https://api2.mch.weixin.qq.com/',
      }),
      'backupBaseUrl',
    ],
    ['a backupBaseUrl that is not a URL', () => ({ ...good(), backupBaseUrl: 'nope' }), 'backupBaseUrl'],
    ['backupBaseUrl true', () => ({ ...good(), backupBaseUrl: true }), 'backupBaseUrl'],
    ['timeout 0', () => ({ ...good(), timeout: 0 }), 'timeout'],
    ['timeout -1', () => ({ ...good(), timeout: -1 }), 'timeout'],
    ['timeout NaN', () => ({ ...good(), timeout: Number.NaN }), 'timeout'],
    ['timeout Infinity', () => ({ ...good(), timeout: Number.POSITIVE_INFINITY }), 'timeout'],
    ['timeout beyond setTimeout', () => ({ ...good(), timeout: 2 ** 31 }), 'timeout'],
    ['timeout a string', () => ({ ...good(), timeout: '1000' }), 'timeout'],
    ['fetch a string', () => ({ ...good(), fetch: 'fetch' }), 'fetch'],
    ['fetch an object', () => ({ ...good(), fetch: {} }), 'fetch'],
  ]

  test.each(cases)('%s → WechatpayValidationError naming %s', (_, options, option, message) => {
    let error: unknown
    try {
      new Wechatpay(options() as never)
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(WechatpayValidationError)
    const typed = error as WechatpayValidationError
    expect(typed.option).toBe(option)
    expect(typed.code).toBe('INVALID_OPTION')
    expect(typed.message.startsWith(`${option}: `)).toBe(true)
    if (message) expect(typed.message).toMatch(message)
  })

  test('without new, the constructor throws a TypeError', () => {
    expect(() => (Wechatpay as unknown as (o: unknown) => unknown)(good())).toThrow(TypeError)
  })
})

describe('the default backup host', () => {
  const backupOf = (options: Record<string, unknown>) =>
    validateOptions({ mchid, ...options } as never).backupBaseUrl?.href

  test('is api2 only with the default baseUrl', () => {
    expect(DEFAULT_BACKUP_BASE_URL).toBe('https://api2.mch.weixin.qq.com/')
    expect(backupOf({})).toBe('https://api2.mch.weixin.qq.com/')
    expect(backupOf({ baseUrl: 'https://api.mch.weixin.qq.com/' })).toBe('https://api2.mch.weixin.qq.com/')
    expect(backupOf({ baseUrl: 'https://api.mch.weixin.qq.com' })).toBe('https://api2.mch.weixin.qq.com/')
    expect(backupOf({ baseUrl: 'https://proxy.example/' })).toBeUndefined()
    expect(backupOf({ baseUrl: 'http://127.0.0.1:8080/' })).toBeUndefined()
    expect(backupOf({ backupBaseUrl: false })).toBeUndefined()
    expect(backupOf({ baseUrl: 'https://a.example/wx', backupBaseUrl: 'https://b.example/wx/' })).toBe(
      'https://b.example/wx/',
    )
  })

  /** A `fetch` that records each URL and fails like a refused connection (no network is touched). */
  function refusingFetch(urls: string[]): typeof fetch {
    return (async (input: RequestInfo | URL) => {
      urls.push(String(input))
      throw new TypeError('fetch failed')
    }) as typeof fetch
  }

  const close = (client: Wechatpay) =>
    client.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({ out_trade_no: 'B1', json: { mchid } })

  const options = () => clientOptions(keys)

  test('a connection failure on the default host is re-sent once to api2', async () => {
    const urls: string[] = []
    const error = await close(new Wechatpay({ ...options(), fetch: refusingFetch(urls) })).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(WechatpayTransportError)
    expect(urls).toEqual([
      'https://api.mch.weixin.qq.com/v3/pay/transactions/out-trade-no/B1/close',
      'https://api2.mch.weixin.qq.com/v3/pay/transactions/out-trade-no/B1/close',
    ])
  })

  test('no backup with another baseUrl, or with backupBaseUrl: false', async () => {
    for (const extra of [{ baseUrl: 'https://proxy.example/wx/' }, { backupBaseUrl: false as const }]) {
      const urls: string[] = []
      await close(new Wechatpay({ ...options(), ...extra, fetch: refusingFetch(urls) })).catch(() => {})
      expect(urls).toHaveLength(1)
    }
  })
})
