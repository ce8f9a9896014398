import { WechatpayValidationError } from '@wxpay/core'
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

  test('`\\n`-escaped PEMs (one-line .env values) get their line breaks back', () => {
    const escaped = PEM.replaceAll('\n', '\\n')
    const options = resolveOptions(
      {},
      { WECHATPAY_PRIVATE_KEY: escaped, WECHATPAY_CERTS: JSON.stringify({ A: escaped }) },
    )
    expect(options.privateKey).toBe(PEM)
    expect(options.certs).toEqual({ A: PEM })
    // a PEM with real line breaks is left alone, even if it contains a backslash-n
    expect(resolveOptions({}, { WECHATPAY_PRIVATE_KEY: 'a\\nb\nc' }).privateKey).toBe('a\\nb\nc')
  })

  test('Wrangler JSON vars: WECHATPAY_CERTS as an object, WECHATPAY_TIMEOUT as a number', () => {
    const options = resolveOptions({}, { WECHATPAY_CERTS: { A: PEM }, WECHATPAY_TIMEOUT: 900 })
    expect(options).toEqual({ certs: { A: PEM }, timeout: 900 })
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
