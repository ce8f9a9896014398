// APIv3 request signatures, byte for byte against `openssl dgst -sha256 -sign` (the oracle) and
// wechatpay-axios-plugin's `Rsa.sign` (a peer SDK), for the same key and string.
import { verify } from 'node:crypto'
import { beforeAll, describe, expect, test } from 'vitest'
import { Formatter, Rsa } from 'wechatpay-axios-plugin'
import { mchid } from '../../test/fixtures'
import { opensslSign, type TestKeys, testKeys } from '../../test/keys'
import { parsePrivateKey } from '../crypto/pem'
import { importRsaKey } from '../crypto/signature'
import { authorization, requestMessage, SCHEME } from './authorization'

const serial = '3775B6A45ACD588826D15E583A95F5DD00000001'
const timestamp = '1700000000'
const fixedNonce = 'n0nCe4T3sTiNg0123456789ABCDEFGHi'

let keys: TestKeys
let pkcs8Key: CryptoKey
let pkcs1Key: CryptoKey

beforeAll(async () => {
  keys = testKeys()
  pkcs8Key = await importRsaKey(parsePrivateKey(keys.merchantKey))
  pkcs1Key = await importRsaKey(parsePrivateKey(keys.merchantKeyPkcs1))
})

/** Parses `SCHEME k="v",k="v"` strictly: the scheme, one space, quoted pairs separated by commas. */
function parseHeader(header: string): Record<string, string> {
  const match = /^(\S+) (.*)$/.exec(header)
  expect(match?.[1]).toBe('WECHATPAY2-SHA256-RSA2048')
  const pairs: Record<string, string> = {}
  const rest = match![2]!
  expect(rest).toMatch(/^(?:[a-z_]+="[^"]*")(?:,[a-z_]+="[^"]*")*$/)
  for (const [, name, value] of rest.matchAll(/([a-z_]+)="([^"]*)"/g)) {
    expect(pairs).not.toHaveProperty(name!)
    pairs[name!] = value!
  }
  return pairs
}

const requests: Array<[string, string, string, string]> = [
  [
    'a JSON body',
    'POST',
    '/v3/pay/transactions/out-trade-no/1217752501201407033233368018/close',
    '{"mchid":"1900000109"}',
  ],
  [
    'an empty body',
    'POST',
    '/v3/platsolution/ecommerce/recharges/out-recharge-no/cz-1/close?sub_mchid=1900001121',
    '',
  ],
  ['a GET with a query', 'GET', '/v3/pay/transactions/out-trade-no/T1?mchid=1900000109', ''],
  [
    'a percent-encoded path',
    'GET',
    '/v3/pay/transactions/out-trade-no/T-1%7Cx*?mchid=1900000109&a=%E4%B8%AD',
    '',
  ],
  [
    'a Chinese body',
    'POST',
    '/v3/pay/transactions/native',
    '{"description":"腾讯充值中心-QQ会员充值","amount":{"total":1}}',
  ],
  ['a body with emoji and newlines', 'PATCH', '/v3/x', '{\n  "memo": "😀\\n ok"\n}'],
]

describe('requestMessage', () => {
  test('five lines, each ending in \\n', () => {
    expect(requestMessage('POST', '/v3/a?b=1', timestamp, fixedNonce, '{}')).toBe(
      `POST\n/v3/a?b=1\n1700000000\n${fixedNonce}\n{}\n`,
    )
  })

  test('an empty body gives an empty last line: the string ends \\n\\n', () => {
    const message = requestMessage('GET', '/v3/a', timestamp, fixedNonce, '')
    expect(message).toBe(`GET\n/v3/a\n1700000000\n${fixedNonce}\n\n`)
    expect(message.endsWith('\n\n')).toBe(true)
  })

  test.each(requests)('%s: equals the peer SDK Formatter.request', (_, method, url, body) => {
    expect(requestMessage(method, url, timestamp, fixedNonce, body)).toBe(
      Formatter.request(method, url, timestamp, fixedNonce, body),
    )
  })
})

describe('authorization() with a fixed timestamp and nonce', () => {
  test.each(requests)('%s: header pairs and an openssl-exact signature', async (_, method, url, body) => {
    const header = await authorization({
      key: pkcs8Key,
      mchid,
      serial,
      method,
      pathAndQuery: url,
      body,
      timestamp,
      nonce: fixedNonce,
    })
    expect(header).not.toMatch(/[\r\n]/)
    expect(header.startsWith(`${SCHEME} `)).toBe(true)
    const pairs = parseHeader(header)
    expect(Object.keys(pairs).sort()).toEqual(['mchid', 'nonce_str', 'serial_no', 'signature', 'timestamp'])
    expect(pairs).toMatchObject({ mchid, nonce_str: fixedNonce, timestamp, serial_no: serial })

    const message = `${method}\n${url}\n${timestamp}\n${fixedNonce}\n${body}\n`
    expect(pairs.signature).toBe(opensslSign(keys.merchantKey, message, keys.dir))
    expect(pairs.signature).toBe(Rsa.sign(message, keys.merchantKey))
    expect(
      verify('sha256', Buffer.from(message), keys.merchantPublicKey, Buffer.from(pairs.signature!, 'base64')),
    ).toBe(true)
  })

  test('the signature is standard base64 of 256 bytes (RSA-2048)', async () => {
    const { signature } = parseHeader(
      await authorization({ key: pkcs8Key, mchid, serial, method: 'GET', pathAndQuery: '/v3/x', body: '' }),
    )
    expect(signature).toMatch(/^[A-Za-z0-9+/]{342}==$/)
    expect(Buffer.from(signature!, 'base64')).toHaveLength(256)
  })

  test('PKCS#1 and PKCS#8 forms of the same key give the same signature', async () => {
    for (const [, method, url, body] of requests) {
      const input = { mchid, serial, method, pathAndQuery: url, body, timestamp, nonce: fixedNonce }
      const a = await authorization({ ...input, key: pkcs8Key })
      const b = await authorization({ ...input, key: pkcs1Key })
      expect(b).toBe(a)
      expect(parseHeader(b).signature).toBe(
        opensslSign(
          keys.merchantKeyPkcs1,
          requestMessage(method, url, timestamp, fixedNonce, body),
          keys.dir,
        ),
      )
    }
  })

  test('every part of the string is covered: changing any one changes the signature', async () => {
    const base = {
      key: pkcs8Key,
      mchid,
      serial,
      method: 'POST',
      pathAndQuery: '/v3/a?b=1',
      body: '{}',
      timestamp,
      nonce: fixedNonce,
    }
    const signature = async (input: typeof base) => parseHeader(await authorization(input)).signature
    const reference = await signature(base)
    for (const change of [
      { method: 'PUT' },
      { pathAndQuery: '/v3/a?b=2' },
      { pathAndQuery: '/v3/a' },
      { body: '{} ' },
      { body: '' },
      { timestamp: '1700000001' },
      { nonce: `${fixedNonce.slice(1)}X` },
    ]) {
      expect(await signature({ ...base, ...change })).not.toBe(reference)
    }
  })

  test('without a timestamp and nonce: now in Unix seconds and a fresh nonce', async () => {
    const before = Math.floor(Date.now() / 1000)
    const input = { key: pkcs8Key, mchid, serial, method: 'GET', pathAndQuery: '/v3/x', body: '' }
    const a = parseHeader(await authorization(input))
    const b = parseHeader(await authorization(input))
    const after = Math.floor(Date.now() / 1000)
    expect(a.timestamp).toMatch(/^\d{10}$/)
    expect(Number(a.timestamp)).toBeGreaterThanOrEqual(before)
    expect(Number(a.timestamp)).toBeLessThanOrEqual(after)
    expect(a.nonce_str).toMatch(/^[0-9A-Za-z]{32}$/)
    expect(b.nonce_str).not.toBe(a.nonce_str)
    expect(a.signature).toBe(
      opensslSign(keys.merchantKey, requestMessage('GET', '/v3/x', a.timestamp!, a.nonce_str!, ''), keys.dir),
    )
  })
})
