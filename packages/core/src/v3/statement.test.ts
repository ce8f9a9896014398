// Cross-border and HK statements (docs/protocol-3.md, "Statements"): the gateway of
// @wxpay/sandbox/testing signs `{"sha1":"…"}` with node:crypto and the SHA-1 is node:crypto's, so
// both checks run against oracles independent of the SDK; each kind of tampering must be refused.
import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { type Gateway, signV3Reply, startGateway } from '@wxpay/sandbox/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { clientOptions, platformSerial } from '../../test/fixtures'
import { type TestKeys, testKeys } from '../../test/keys'
import { WechatpaySignatureError } from '../errors'
import { Wechatpay as FetchWechatpay } from '../index'
import { Wechatpay } from '../node'

const CSV = new TextEncoder().encode(
  'Transaction time,Merchant ID,Amount\r\n`2026-12-01 10:00:00,`1900000109,`1.00\r\n',
)
const sha1 = (data: Uint8Array) => createHash('sha1').update(data).digest('hex')

let keys: TestKeys
let gateway: Gateway
beforeAll(async () => {
  keys = testKeys()
  gateway = await startGateway()
})
afterAll(() => gateway.close())

/** A statement reply: `body` as sent, signed over `{"sha1":"<digest>"}` (or over `signed`). */
function statement(
  body: Uint8Array,
  digest: string | undefined,
  options: { signed?: string; headers?: Record<string, string> } = {},
) {
  const signedBody = options.signed ?? `{"sha1":"${digest}"}`
  const headers: Record<string, string> = {
    ...signV3Reply({ privateKey: keys.platformKey, serial: platformSerial, body: signedBody }),
    'content-type': 'text/plain',
    ...options.headers,
  }
  if (digest !== undefined) headers['Wechatpay-Statement-Sha1'] = digest
  return { status: 200, headers, body, sign: false }
}

describe.each(['undici', 'fetch'])('%s', (transport) => {
  const client = (base = '') => {
    const options = {
      ...clientOptions(keys),
      baseUrl: `${gateway.url}${base}`,
      backupBaseUrl: false as const,
    }
    return transport === 'undici' ? new Wechatpay(options) : (new FetchWechatpay(options) as Wechatpay)
  }

  test('v3/global/statements: signature over the SHA-1, and the CSV has that SHA-1', async () => {
    gateway.handler = () => statement(CSV, sha1(CSV))
    const { data } = await client().v3.global.statements.get({ query: { date: '2026-12-01' } })
    expect(Buffer.from(data).equals(Buffer.from(CSV))).toBe(true)
  })

  test('hk/v3/statements, upper-case digest: accepted', async () => {
    gateway.handler = () => statement(CSV, sha1(CSV).toUpperCase())
    const { data } = await client().hk.v3.statements.get({ query: { date: '2026-12-01' } })
    expect(Buffer.from(data).equals(Buffer.from(CSV))).toBe(true)
  })

  test('v3/statements under the base …/hk/ is hk/v3/statements', async () => {
    gateway.handler = () => statement(CSV, sha1(CSV))
    const { data } = await client('hk/')
      .chain('v3/statements' as string)
      .get({ query: { date: '2026-12-01' } })
    expect(Buffer.from(data as Uint8Array).equals(Buffer.from(CSV))).toBe(true)
    expect(gateway.seen.at(-1)!.url).toBe('/hk/v3/statements?date=2026-12-01')
    gateway.handler = () => statement(CSV, sha1(CSV), { signed: 'x' })
    await expect(
      client('hk/')
        .chain('v3/statements' as string)
        .get(),
    ).rejects.toBeInstanceOf(WechatpaySignatureError)
  })

  test('a gzip file (tar_type GZIP): the SHA-1 is over the plain CSV, which is returned', async () => {
    gateway.handler = () => statement(gzipSync(CSV), sha1(CSV))
    const { data } = await client().v3.global.statements.get({ query: { date: '2026-12-01' } })
    expect(Buffer.from(data).equals(Buffer.from(CSV))).toBe(true)
  })

  test('gzip as HTTP content-encoding (Accept-Encoding: gzip)', async () => {
    gateway.handler = () => statement(gzipSync(CSV), sha1(CSV), { headers: { 'content-encoding': 'gzip' } })
    const { data } = await client().v3.global.statements.get({
      query: { date: '2026-12-01' },
      headers: { 'accept-encoding': 'gzip' },
    })
    expect(Buffer.from(data).equals(Buffer.from(CSV))).toBe(true)
  })

  test.each([
    [
      'a file that is not the one signed for',
      () => statement(new TextEncoder().encode('forged'), sha1(CSV)),
      'DIGEST_MISMATCH',
    ],
    [
      'a signature over the file instead of {"sha1"}',
      () => statement(CSV, sha1(CSV), { signed: new TextDecoder().decode(CSV) }),
      'SIGNATURE_INVALID',
    ],
    [
      'a SHA-1 header changed after signing',
      () => ({
        ...statement(CSV, sha1(CSV)),
        headers: {
          ...statement(CSV, sha1(CSV)).headers,
          'Wechatpay-Statement-Sha1': sha1(new Uint8Array([1])),
        },
      }),
      'SIGNATURE_INVALID',
    ],
    [
      'no Wechatpay-Statement-Sha1',
      () => statement(CSV, undefined, { signed: `{"sha1":"${sha1(CSV)}"}` }),
      'SIGNATURE_INVALID',
    ],
    [
      'no signature at all',
      () => ({ status: 200, headers: { 'Wechatpay-Statement-Sha1': sha1(CSV) }, body: CSV, sign: false }),
      'SIGNATURE_INVALID',
    ],
  ])('refused: %s', async (_, reply, code) => {
    gateway.handler = reply
    const error = await client()
      .v3.global.statements.get({ query: { date: '2026-12-01' } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatpaySignatureError)
    expect(error).toMatchObject({ code })
  })
})
