// `new Wechatpay(options)` validation: every bad option is a WechatpayValidationError naming it.
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { clientOptions, mchid, merchantSerial, platformSerial, secret } from '../test/fixtures'
import { type TestKeys, testKeys } from '../test/keys'
import { openssl, pemOf as pem, pemDer } from '../test/openssl'
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
