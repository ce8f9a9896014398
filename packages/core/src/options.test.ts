// `new Wechatpay(options)` validation: every bad option is a WechatpayValidationError naming it.
import { createPrivateKey } from 'node:crypto'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { beforeAll, describe, expect, test, vi } from 'vitest'
import { clientOptions, mchid, merchantSerial, platformSerial, secret } from '../test/fixtures'
import { type TestKeys, testKeys } from '../test/keys'
import { certificate, openssl, pemOf as pem, pemDer, rsaKey } from '../test/openssl'
import { Wechatpay, WechatpayTransportError, WechatpayValidationError } from './node'
import { DEFAULT_BACKUP_BASE_URL, validateOptions } from './options'

// Fixed by test/keys.ts (`-set_serial`); needed here before the keys exist, to name test cases.
const certificateSerial = '5B1F6A0D3C2E4F8091A2B3C4D5E6F708'

let keys: TestKeys
let encryptedPkcs8: string
let encryptedTraditional: string
let ecKey: string

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
      'an unparsable certs["<serial>"]',
      () => ({ ...good(), certs: { [platformSerial]: 'garbage' } }),
      `certs["${platformSerial}"]`,
      /not a PEM/,
    ],
    [
      'a private key in certs["<serial>"]',
      () => ({ ...good(), certs: { [platformSerial]: keys.platformKey } }),
      `certs["${platformSerial}"]`,
      /PRIVATE KEY/,
    ],
    [
      'an empty certs["<serial>"]',
      () => ({ ...good(), certs: { [platformSerial]: '' } }),
      `certs["${platformSerial}"]`,
    ],
    [
      'a truncated certificate in certs["<serial>"]',
      () => ({
        ...good(),
        certs: { [certificateSerial]: pem('CERTIFICATE', pemDer(keys.certificate).subarray(0, 100)) },
      }),
      `certs["${certificateSerial}"]`,
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

describe('keys are checked when the client is built', () => {
  // Bad keys and certificates, written by openssl (the independent oracle) for this run only.
  let small: { key: string; path: string; publicKey: string }
  let smallPkcs1: string
  let smallCertificate: string
  let expired: string
  let notYetValid: string
  let highBitSerial: string
  let inconsistentKey: string
  let garbageSpki: string
  const highSerial = 'C3E1A0D3C2E4F8091A2B3C4D5E6F7080'

  beforeAll(() => {
    const dir = keys.dir
    const certPath = join(dir, 'cert.pem')
    small = rsaKey(dir, 1024)
    smallPkcs1 = openssl(['rsa', '-in', small.path, '-traditional'])
    smallCertificate = certificate(dir, small.path, {
      serial: '01AA',
      start: '20240101000000Z',
      end: '20491231235959Z',
    })
    expired = certificate(dir, certPath, { serial: '0102', start: '20200101000000Z', end: '20210101000000Z' })
    // After 2049 X.509 writes GeneralizedTime instead of UTCTime: both forms are read.
    notYetValid = certificate(dir, certPath, {
      serial: '0103',
      start: '20510101000000Z',
      end: '20520101000000Z',
    })
    highBitSerial = certificate(dir, certPath, {
      serial: highSerial,
      start: '20240101000000Z',
      end: '20491231235959Z',
    })
    // A key whose prime no longer divides its modulus (node:crypto rebuilds it from a JWK).
    const jwk = createPrivateKey(keys.merchantKey).export({ format: 'jwk' })
    const p = Buffer.from(jwk.p!, 'base64url')
    p.writeUInt8(p.at(-1)! ^ 2, p.length - 1)
    inconsistentKey = createPrivateKey({ key: { ...jwk, p: p.toString('base64url') }, format: 'jwk' })
      .export({ type: 'pkcs8', format: 'pem' })
      .toString()
    // rsaEncryption, but the BIT STRING holds no RSAPublicKey.
    garbageSpki = pem(
      'PUBLIC KEY',
      Buffer.concat([
        Buffer.from('30820122300d06092a864886f70d01010105000382010f00', 'hex'),
        Buffer.alloc(270, 0x41),
      ]),
    )
  })

  function validationError(options: Record<string, unknown>): WechatpayValidationError {
    let error: unknown
    try {
      new Wechatpay(options as never)
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(WechatpayValidationError)
    return error as WechatpayValidationError
  }

  const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
  const good = () => clientOptions(keys)
  const refused = (options: Record<string, unknown>, option: string, message: RegExp) => {
    const error = validationError(options)
    expect(error.option).toBe(option)
    expect(error.message).toMatch(message)
    return error
  }

  test('an RSA key under 2048 bits is refused: privateKey (PKCS#8 and PKCS#1), certs public keys and certificates', () => {
    expect(openssl(['pkey', '-in', small.path, '-noout', '-text'])).toMatch(/1024 bit/)
    refused({ ...good(), privateKey: small.key }, 'privateKey', /1024-bit RSA key.*at least 2048 bits/)
    refused({ ...good(), privateKey: smallPkcs1 }, 'privateKey', /1024-bit/)
    refused(
      { ...good(), certs: { [platformSerial]: small.publicKey } },
      `certs["${platformSerial}"]`,
      /1024-bit RSA key/,
    )
    refused({ ...good(), certs: { '01AA': smallCertificate } }, 'certs["01AA"]', /1024-bit RSA key/)
  })

  test('a certificate filed under another serial is refused, naming its own', () => {
    const error = refused(
      { ...good(), certs: { [platformSerial.replace('PUB_KEY_ID_', 'ABCDEF')]: keys.certificate } },
      `certs["${platformSerial.replace('PUB_KEY_ID_', 'ABCDEF')}"]`,
      new RegExp(`certificate with serial ${certificateSerial}; file it under that serial`),
    )
    expect(error.message).toContain(certificateSerial)
    refused({ ...good(), certs: { '0103': expired } }, 'certs["0103"]', /serial 102;/)
  })

  test('the serial comparison ignores case and leading zeros (a high-bit serial has a 00 byte in DER)', () => {
    // The DER INTEGER carries a 00 sign byte before C3 (02 11 00 C3…); openssl prints it without.
    expect(pemDer(highBitSerial).includes(Buffer.from(`021100${highSerial}`, 'hex'))).toBe(true)
    expect(openssl(['x509', '-noout', '-serial'], highBitSerial).trim()).toBe(`serial=${highSerial}`)
    for (const id of [highSerial, highSerial.toLowerCase(), `00${highSerial}`, `0${highSerial}`]) {
      expect(() => new Wechatpay({ ...good(), certs: { [id]: highBitSerial } })).not.toThrow()
    }
    for (const id of ['0102', '102', '00102']) {
      refused({ ...good(), certs: { [id]: expired } }, `certs["${id}"]`, /expired/)
    }
  })

  test('a certificate under a PUB_KEY_ID_… serial is refused: that entry is a WeChat Pay public key', () => {
    refused(
      { ...good(), certs: { [platformSerial]: keys.certificate } },
      `certs["${platformSerial}"]`,
      new RegExp(
        `is a certificate \\(serial ${certificateSerial}\\), but a PUB_KEY_ID_… entry is a WeChat Pay public key`,
      ),
    )
    // The reverse is fine: a bare public key under a certificate serial verifies the same replies.
    expect(
      () => new Wechatpay({ ...good(), certs: { [certificateSerial]: keys.platformPublicKey } }),
    ).not.toThrow()
  })

  test('an expired or not yet valid certificate is refused with its date (ISO)', () => {
    expect(openssl(['x509', '-noout', '-enddate'], expired)).toContain('notAfter=Jan  1 00:00:00 2021 GMT')
    refused(
      { ...good(), certs: { '0102': expired } },
      'certs["0102"]',
      /expired on 2021-01-01T00:00:00\.000Z \(notAfter\)/,
    )
    expect(openssl(['x509', '-noout', '-startdate'], notYetValid)).toContain(
      'notBefore=Jan  1 00:00:00 2051 GMT',
    )
    refused(
      { ...good(), certs: { '0103': notYetValid } },
      'certs["0103"]',
      /not valid before 2051-01-01T00:00:00\.000Z \(notBefore\)/,
    )
  })

  test('a PEM value holding two keys or certificates where one is expected is refused', () => {
    refused(
      { ...good(), privateKey: `${keys.merchantKey}${keys.merchantKey}` },
      'privateKey',
      /holds 2 PEM blocks \(PRIVATE KEY, PRIVATE KEY\); expected exactly one/,
    )
    // apiclient_key.pem and apiclient_cert.pem pasted together
    refused(
      { ...good(), privateKey: `${keys.merchantKey}\n${keys.certificate}` },
      'privateKey',
      /holds 2 PEM blocks \(PRIVATE KEY, CERTIFICATE\)/,
    )
    refused(
      { ...good(), certs: { [certificateSerial]: `${keys.certificate}${keys.certificate}` } },
      `certs["${certificateSerial}"]`,
      /holds 2 PEM blocks \(CERTIFICATE, CERTIFICATE\)/,
    )
    refused(
      { ...good(), certs: { [platformSerial]: `${keys.platformPublicKey}${keys.otherPublicKey}` } },
      `certs["${platformSerial}"]`,
      /holds 2 PEM blocks/,
    )
  })

  test('keys Web Crypto would refuse are refused at construction, naming the option', async () => {
    // The oracle: Node's Web Crypto refuses this SPKI (so today every reply fails as a signature error).
    await expect(
      crypto.subtle.importKey('spki', new Uint8Array(pemDer(garbageSpki)), RSA, false, ['verify']),
    ).rejects.toThrow()
    refused(
      { ...good(), certs: { [platformSerial]: garbageSpki } },
      `certs["${platformSerial}"]`,
      /not a valid SPKI RSA public key/,
    )
    // Node imports a key whose numbers disagree (and signs garbage with it); BoringSSL (workerd) refuses it.
    await expect(
      crypto.subtle.importKey('pkcs8', new Uint8Array(pemDer(inconsistentKey)), RSA, false, ['sign']),
    ).resolves.toBeDefined()
    refused({ ...good(), privateKey: inconsistentKey }, 'privateKey', /numbers do not agree/)
  })

  test('a PEM pasted with literal \\n (a one-line env value) is accepted, as the adapters accept it', () => {
    const oneLine = (text: string, eol = '\\n') => text.trim().replaceAll('\n', eol)
    expect(oneLine(keys.merchantKey)).not.toContain('\n')
    const options = {
      ...good(),
      privateKey: oneLine(keys.merchantKey),
      certs: {
        [platformSerial]: oneLine(keys.platformPublicKey, '\\r\\n'),
        [certificateSerial]: `"${oneLine(keys.certificate)}"\n`,
      },
    }
    expect(() => new Wechatpay(options)).not.toThrow()
    expect(() => new Wechatpay({ ...good(), privateKey: oneLine(keys.merchantKeyPkcs1) })).not.toThrow()
  })

  test('no refusal of a private key quotes any of it (message, String, JSON, inspect)', () => {
    const secrets = [keys.merchantKey, small.key, smallPkcs1, inconsistentKey]
      .flatMap((text) => text.split('\n'))
      .filter((line) => line.length >= 16 && !line.startsWith('-----'))
      .map((line) => line.slice(0, 16))
    const privateKeys = [
      small.key,
      smallPkcs1,
      inconsistentKey,
      `${keys.merchantKey}${keys.merchantKey}`,
      `${keys.merchantKey}\n${keys.certificate}`,
      keys.merchantKey.replace(/[A-Za-z]{8}/, '!!!!!!!!'),
      pem('PRIVATE KEY', pemDer(keys.merchantKey).subarray(0, 600)),
      keys.merchantKey.replaceAll('\n', ' '),
    ]
    for (const privateKey of privateKeys) {
      const error = validationError({ ...good(), privateKey })
      expect(error.option).toBe('privateKey')
      const views = [error.message, String(error), JSON.stringify(error), inspect(error), String(error.stack)]
      for (const view of views) for (const secret of secrets) expect(view).not.toContain(secret)
    }
    // A private key filed in certs is named there, and not quoted either.
    const error = validationError({ ...good(), certs: { [platformSerial]: keys.merchantKey } })
    for (const secret of secrets) expect(inspect(error)).not.toContain(secret)
  })

  test('should a runtime refuse an import anyway, the first call rejects with the option named, before any I/O', async () => {
    const original = crypto.subtle.importKey.bind(crypto.subtle)
    const importKey = vi.spyOn(crypto.subtle, 'importKey')
    try {
      for (const [format, option] of [
        ['spki', `certs["${platformSerial}"]`],
        ['pkcs8', 'privateKey'],
      ] as const) {
        importKey.mockImplementation(async (...args: Parameters<SubtleCrypto['importKey']>) => {
          if (args[0] === format) throw new DOMException('refused', 'DataError')
          return original(...args)
        })
        const calls: string[] = []
        const fetch = (async (input: RequestInfo | URL) => {
          calls.push(String(input))
          throw new TypeError('fetch failed')
        }) as typeof globalThis.fetch
        const client = new Wechatpay({ ...good(), fetch })
        const error = await client.v3.pay.transactions.outTradeNo._out_trade_no_.close
          .post({ out_trade_no: 'K1', json: { mchid } })
          .catch((e: unknown) => e)
        expect(error).toBeInstanceOf(WechatpayValidationError)
        expect((error as WechatpayValidationError).option).toBe(option)
        expect((error as Error).message).toMatch(/Web Crypto could not import this RSA key/)
        expect(calls).toEqual([])
      }
    } finally {
      importKey.mockRestore()
    }
  })

  test('a platform key a runtime refused makes notifications.parse name it too, not report a bad signature', async () => {
    const original = crypto.subtle.importKey.bind(crypto.subtle)
    const importKey = vi.spyOn(crypto.subtle, 'importKey')
    try {
      importKey.mockImplementation(async (...args: Parameters<SubtleCrypto['importKey']>) => {
        if (args[0] === 'spki') throw new DOMException('refused', 'DataError')
        return original(...args)
      })
      const client = new Wechatpay({ ...good(), apiv3Key: 'k'.repeat(32) })
      const headers = {
        'wechatpay-timestamp': String(Math.floor(Date.now() / 1000)),
        'wechatpay-nonce': 'n',
        'wechatpay-signature': 'AAAA',
        'wechatpay-serial': platformSerial,
      }
      const error = await client.notifications.parse({ headers, body: '{}' }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(WechatpayValidationError)
      expect((error as WechatpayValidationError).option).toBe(`certs["${platformSerial}"]`)
    } finally {
      importKey.mockRestore()
    }
  })
})
