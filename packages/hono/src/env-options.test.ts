import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Wechatpay, WechatpayValidationError } from '@wxpay/core'
import { describe, expect, test } from 'vitest'
import { resolveOptions } from './env-options'

const PEM = '-----BEGIN PUBLIC KEY-----\nMIIB\nIjAN\n-----END PUBLIC KEY-----\n'

describe('resolveOptions', () => {
  test('reads every missing field from its WECHATPAY_* variable', () => {
    expect(
      resolveOptions(
        {},
        {
          WECHATPAY_MCHID: '1900000109',
          WECHATPAY_SERIAL: 'ABC123',
          WECHATPAY_PRIVATE_KEY: 'PRIVATE',
          WECHATPAY_CERTS: JSON.stringify({ PUB_KEY_ID_1: PEM }),
          WECHATPAY_SECRET: 'S'.repeat(32),
          WECHATPAY_BASE_URL: 'http://127.0.0.1:1/',
          WECHATPAY_BACKUP_BASE_URL: 'http://127.0.0.1:2/',
          WECHATPAY_TIMEOUT: '2500',
          WECHATPAY_CERTIFICATES_ENDPOINT: 'v3/global/certificates',
          UNRELATED: 'x',
        },
      ),
    ).toEqual({
      mchid: '1900000109',
      serial: 'ABC123',
      privateKey: 'PRIVATE',
      certs: { PUB_KEY_ID_1: PEM },
      secret: 'S'.repeat(32),
      baseUrl: 'http://127.0.0.1:1/',
      backupBaseUrl: 'http://127.0.0.1:2/',
      timeout: 2500,
      certificatesEndpoint: 'v3/global/certificates',
    })
  })

  test('a given option wins; its variable is not even read', () => {
    const options = resolveOptions(
      { mchid: '1', certs: { A: PEM } },
      { WECHATPAY_MCHID: '2', WECHATPAY_CERTS: 'not json' },
    )
    expect(options).toEqual({ mchid: '1', certs: { A: PEM } })
  })

  test('empty variables count as unset', () => {
    expect(resolveOptions({}, { WECHATPAY_MCHID: '', WECHATPAY_SECRET: '' })).toEqual({})
  })

  test('`\\n`-escaped PEMs (one-line .env values) are handed over as they are, and the core reads them', () => {
    const escaped = PEM.replaceAll('\n', '\\n')
    const options = resolveOptions(
      {},
      { WECHATPAY_PRIVATE_KEY: escaped, WECHATPAY_CERTS: JSON.stringify({ A: escaped }) },
    )
    // no copy of the core's PEM reading here: the values arrive untouched
    expect(options.privateKey).toBe(escaped)
    expect(options.certs).toEqual({ A: escaped })
  })

  test('a client builds from one-line `\\n`-escaped PEMs in the environment (keys from openssl)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxpay-hono-'))
    try {
      const openssl = (args: string[]) => execFileSync('openssl', args, { encoding: 'utf8' })
      const key = join(dir, 'key.pem')
      openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key])
      const oneLine = (pem: string) => pem.trim().replaceAll('\n', '\\n')
      const env = {
        WECHATPAY_MCHID: '1900000109',
        WECHATPAY_SERIAL: 'ABC123',
        WECHATPAY_PRIVATE_KEY: oneLine(readFileSync(key, 'utf8')),
        WECHATPAY_CERTS: JSON.stringify({ PUB_KEY_ID_1: oneLine(openssl(['pkey', '-in', key, '-pubout'])) }),
      }
      expect(env.WECHATPAY_PRIVATE_KEY).not.toContain('\n')
      expect(new Wechatpay(resolveOptions({}, env))).toBeInstanceOf(Wechatpay)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('Wrangler JSON vars: WECHATPAY_CERTS as an object, WECHATPAY_TIMEOUT as a number', () => {
    const options = resolveOptions({}, { WECHATPAY_CERTS: { A: PEM }, WECHATPAY_TIMEOUT: 900 })
    expect(options).toEqual({ certs: { A: PEM }, timeout: 900 })
  })

  test('WECHATPAY_AUTO_CERTIFICATES: true, false, an interval in ms (string or Wrangler number/boolean)', () => {
    const auto = (value: unknown) =>
      resolveOptions({}, { WECHATPAY_AUTO_CERTIFICATES: value }).autoCertificates
    expect(auto('true')).toBe(true)
    expect(auto('false')).toBe(false)
    expect(auto(true)).toBe(true)
    expect(auto('3600000')).toEqual({ intervalMs: 3_600_000 })
    expect(auto(3_600_000)).toEqual({ intervalMs: 3_600_000 })
    expect(auto('')).toBeUndefined()
    for (const bad of ['yes', '1h', '-5']) {
      expect(() => auto(bad)).toThrow(WechatpayValidationError)
      expect(() => auto(bad)).toThrow(/^autoCertificates: WECHATPAY_AUTO_CERTIFICATES must be/)
    }
    // a given option wins
    expect(
      resolveOptions({ autoCertificates: false }, { WECHATPAY_AUTO_CERTIFICATES: 'true' }).autoCertificates,
    ).toBe(false)
  })

  test('WECHATPAY_CERTIFICATE_ANCHOR: the root CA PEM, as given', () => {
    expect(resolveOptions({}, { WECHATPAY_CERTIFICATE_ANCHOR: PEM }).certificateAnchor).toBe(PEM)
    expect(
      resolveOptions({ certificateAnchor: 'given' }, { WECHATPAY_CERTIFICATE_ANCHOR: PEM }).certificateAnchor,
    ).toBe('given')
  })

  test('WECHATPAY_BACKUP_BASE_URL=false disables the backup host', () => {
    expect(resolveOptions({}, { WECHATPAY_BACKUP_BASE_URL: 'false' }).backupBaseUrl).toBe(false)
  })

  test.each([
    [{ WECHATPAY_CERTS: '{"A": "-----BEGIN' }, 'certs', /not valid JSON/],
    [{ WECHATPAY_CERTS: '["-----BEGIN"]' }, 'certs', /JSON object of serial/],
    [{ WECHATPAY_TIMEOUT: 'soon' }, 'timeout', /number of milliseconds/],
    [{ WECHATPAY_SECRET: { value: 'x' } }, 'secret', /must be a string/],
  ])('%j → WechatpayValidationError naming %s, not the value', (env, option, message) => {
    let error: unknown
    try {
      resolveOptions({}, env)
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(WechatpayValidationError)
    expect((error as WechatpayValidationError).option).toBe(option)
    expect((error as Error).message).toMatch(message)
    expect((error as Error).message).not.toMatch(/BEGIN|soon/)
  })
})
