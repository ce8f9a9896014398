// wxpay.download / download.stream against the scriptable gateway: the file is unsigned, the
// digest (computed here with node:crypto, independently of the SDK's @noble/hashes) is what is
// trusted. Refused cases assert that the gateway saw nothing.
import { createHash, createPublicKey, verify } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { gunzipSync, gzipSync } from 'node:zlib'
import { type Gateway, startGateway } from '@wxpay/sandbox/testing'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { clientOptions, mchid, merchantSerial, platformSerial, secret } from '../test/fixtures'
import { type TestKeys, testKeys } from '../test/keys'
import { collect } from './download'
import {
  WechatpayError,
  WechatpaySignatureError,
  WechatpayTransportError,
  WechatpayValidationError,
} from './errors'
import { Wechatpay as FetchWechatpay } from './index'
import { Wechatpay } from './node'

let keys: TestKeys
let gateway: Gateway
// a bill as WeChat Pay writes them: a UTF-8 BOM, backtick-prefixed values, CRLF
const BILL = Buffer.from(
  `\ufeff交易时间,公众账号ID,商户号,微信订单号,商户订单号,订单金额\r\n${Array.from(
    { length: 2000 },
    (_, i) =>
      `\`2026-11-29 10:00:${String(i % 60).padStart(2, '0')},\`wx2421b1c4370ec43b,\`${mchid},\`42000${i},\`T${i},\`0.0${i % 10}`,
  ).join('\r\n')}\r\n`,
)
const sha1 = (b: Uint8Array) => createHash('sha1').update(b).digest('hex')

beforeAll(async () => {
  keys = testKeys()
  gateway = await startGateway({
    mchid,
    merchantSerial,
    merchantPublicKey: keys.merchantPublicKey,
    platformSerial,
    platformKey: keys.platformKey,
    secret,
  })
})
afterAll(() => gateway.close())
afterEach(() => {
  gateway.seen.length = 0
  gateway.handler = () => ({ status: 204 })
})

const serve = (body: Uint8Array) => {
  gateway.handler = () => ({
    status: 200,
    sign: false,
    headers: { 'content-type': 'application/octet-stream' },
    body,
  })
}
const transports = [
  ['undici', Wechatpay],
  ['fetch', FetchWechatpay as typeof Wechatpay],
] as const

describe.each(transports)('wxpay.download (%s)', (_, Client) => {
  const client = () => new Client({ ...clientOptions(keys), baseUrl: gateway.url, backupBaseUrl: false })
  const url = () =>
    `${gateway.url}v3/billdownload/file?token=6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA_Cv_isgaUtBzp4QtiozLO`

  test('a plain bill: signed GET over the URL’s path and query, bytes returned after the SHA-1 check', async () => {
    serve(BILL)
    const data = await client().download(url(), { hash_type: 'SHA1', hash_value: sha1(BILL).toUpperCase() })
    expect(Buffer.compare(Buffer.from(data), BILL)).toBe(0)
    expect(gateway.seen).toHaveLength(1)
    const seen = gateway.seen[0]!
    expect(seen.method).toBe('GET')
    expect(seen.url).toBe(new URL(url()).pathname + new URL(url()).search)
    expect(seen.valid).toBe(true) // the gateway checked the Authorization with node:crypto
  })

  test('a gzip bill (tartype=gzip): the digest is over the uncompressed bytes', async () => {
    serve(gzipSync(BILL))
    const data = await client().download(`${url()}&tartype=gzip`, {
      hash_type: 'SHA1',
      hash_value: sha1(BILL),
    })
    expect(Buffer.compare(Buffer.from(data), BILL)).toBe(0)
  })

  test('SHA256 digests are accepted too', async () => {
    serve(BILL)
    const hash_value = createHash('sha256').update(BILL).digest('hex')
    const data = await client().download(url(), { hash_type: 'sha256', hash_value })
    expect(data.length).toBe(BILL.length)
  })

  test('a tampered file (one byte changed): WechatpaySignatureError DIGEST_MISMATCH, no bytes returned', async () => {
    const tampered = Buffer.from(BILL)
    tampered[tampered.length - 3]! ^= 1
    serve(tampered)
    const error = await client()
      .download(url(), { hash_type: 'SHA1', hash_value: sha1(BILL) })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatpaySignatureError)
    expect(error).toMatchObject({ code: 'DIGEST_MISMATCH' })
  })

  test.each([
    ['another host', 'https://evil.example/v3/billdownload/file?token=x'],
    ['the right host name on another port', 'http://127.0.0.1:1/v3/billdownload/file?token=x'],
    ['credentials in the URL', 'http://user:pw@127.0.0.1/v3/billdownload/file'],
    ['not a URL', '/v3/billdownload/file?token=x'],
  ])('a foreign download URL (%s) is refused before anything is sent', async (_, foreign) => {
    const error = await client()
      .download(foreign, { hash_type: 'SHA1', hash_value: sha1(BILL) })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatpayValidationError)
    expect(error).toMatchObject({ option: 'url' })
    await expect(
      client().download.stream(foreign, { hash_type: 'SHA1', hash_value: sha1(BILL) }),
    ).rejects.toMatchObject({ option: 'url' })
    expect(gateway.seen).toHaveLength(0)
  })

  test('a download_url on the backup host is refused before anything is sent (downloads go to baseUrl, which fails over)', async () => {
    const backup = gateway.url.replace('127.0.0.1', 'localhost')
    const wxpay = new Client({ ...clientOptions(keys), baseUrl: gateway.url, backupBaseUrl: backup })
    const foreign = `${backup}v3/billdownload/file?token=x`
    const error = await wxpay
      .download(foreign, { hash_type: 'SHA1', hash_value: sha1(BILL) })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatpayValidationError)
    expect(error).toMatchObject({ option: 'url', message: expect.stringMatching(/backupBaseUrl host/) })
    await expect(
      wxpay.download.stream(foreign, { hash_type: 'SHA1', hash_value: sha1(BILL) }),
    ).rejects.toMatchObject({ option: 'url' })
    expect(gateway.seen).toHaveLength(0)
  })

  test.each([
    [{ hash_type: 'MD5', hash_value: sha1(BILL) }, 'hash_type'],
    [{ hash_type: 'SHA1', hash_value: 'abc' }, 'hash_value'],
    [{ hash_type: 'SHA256', hash_value: sha1(BILL) }, 'hash_value'],
  ])('a bad digest option %o is refused before anything is sent', async (options, option) => {
    await expect(client().download(url(), options)).rejects.toMatchObject({ option })
    expect(gateway.seen).toHaveLength(0)
  })

  test('an error reply (JSON, non-2xx) is a WechatpayApiError', async () => {
    gateway.handler = () => ({ status: 400, body: '{"code":"INVALID_REQUEST","message":"token expired"}' })
    await expect(
      client().download(url(), { hash_type: 'SHA1', hash_value: sha1(BILL) }),
    ).rejects.toMatchObject({
      name: 'WechatpayApiError',
      code: 'INVALID_REQUEST',
    })
  })

  test('stream: the bytes arrive; a digest mismatch errors the stream at its end', async () => {
    serve(gzipSync(BILL))
    const good = await client().download.stream(`${url()}&tartype=gzip`, {
      hash_type: 'SHA1',
      hash_value: sha1(BILL),
    })
    expect(Buffer.compare(Buffer.from(await new Response(good).arrayBuffer()), BILL)).toBe(0)

    const tampered = Buffer.from(BILL)
    tampered[10]! ^= 1
    serve(tampered)
    const bad = await client().download.stream(url(), { hash_type: 'SHA1', hash_value: sha1(BILL) })
    const reader = bad.getReader()
    let received = 0
    let error: unknown
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        received += value.length
      }
    } catch (e) {
      error = e
    }
    expect(received).toBe(BILL.length) // every byte flowed; the error comes at the end
    expect(error).toBeInstanceOf(WechatpaySignatureError)
    expect(error).toMatchObject({ code: 'DIGEST_MISMATCH' })
  })
})

describe.each(transports)(
  'broken files surface as typed WechatpayErrors, never a bare zlib or TypeError (%s)',
  (_, Client) => {
    const client = () => new Client({ ...clientOptions(keys), baseUrl: gateway.url, backupBaseUrl: false })
    const url = () => `${gateway.url}v3/billdownload/file?token=T&tartype=gzip`
    const gz = gzipSync(BILL)
    // node:zlib, independently, agrees that these are not whole gzip streams.
    const broken = [
      ['gzip cut in half', gz.subarray(0, gz.length >> 1)],
      ['gzip magic then garbage', Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(64, 0x41)])],
    ] as const
    test.each(broken)('download: %s → WechatpaySignatureError DIGEST_MISMATCH', async (_, body) => {
      expect(() => gunzipSync(body)).toThrow()
      serve(body)
      const error = await client()
        .download(url(), { hash_type: 'SHA1', hash_value: sha1(BILL) })
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(WechatpaySignatureError)
      expect(error).toMatchObject({ code: 'DIGEST_MISMATCH' })
    })

    test.each(broken)('download.stream: %s → the stream errors with DIGEST_MISMATCH', async (_, body) => {
      serve(body)
      const stream = await client().download.stream(url(), { hash_type: 'SHA1', hash_value: sha1(BILL) })
      const error = await new Response(stream).arrayBuffer().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(WechatpaySignatureError)
      expect(error).toMatchObject({ code: 'DIGEST_MISMATCH' })
    })

    test.each([
      ['plain', BILL],
      ['gzip', gz],
    ] as const)(
      'download.stream: a %s body cut off by the server → WechatpayTransportError CONNECTION',
      async (_, body) => {
        // The head promises the whole file; the socket closes after a part of it.
        const part = body.subarray(0, 4096)
        gateway.handler = () => ({
          raw: Buffer.concat([
            Buffer.from(
              `HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: ${body.length}\r\n\r\n`,
            ),
            part,
          ]),
        })
        const stream = await client().download.stream(url(), { hash_type: 'SHA1', hash_value: sha1(BILL) })
        const error = await new Response(stream).arrayBuffer().catch((e: unknown) => e)
        expect(error).toBeInstanceOf(WechatpayTransportError)
        expect(error).toMatchObject({ code: 'CONNECTION', retryable: false })
      },
    )

    test('download: a body cut off by the server is a WechatpayError too', async () => {
      gateway.handler = () => ({
        raw: Buffer.concat([
          Buffer.from(`HTTP/1.1 200 OK\r\ncontent-length: ${gz.length}\r\n\r\n`),
          gz.subarray(0, 4096),
        ]),
      })
      const error = await client()
        .download(url(), { hash_type: 'SHA1', hash_value: sha1(BILL) })
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(WechatpayError)
    })
  },
)

test('the README’s bill snippet turns the bytes into text without the BOM', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const line = /^const csv = (.+?) \/\/.*$/m.exec(readme)?.[1]
  expect(line).toBeDefined()
  const decode = new Function('bytes', `return ${line}`) as (bytes: Uint8Array) => string
  const csv = decode(BILL)
  expect(BILL.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf])) // the bill has one
  expect(csv.charCodeAt(0)).not.toBe(0xfeff)
  expect(csv.startsWith('交易时间')).toBe(true)
})

test('past the in-memory limit, the uncompressed file is refused with RESPONSE_TOO_LARGE, the code of every oversized reply', async () => {
  const error = await collect(new Blob([BILL]).stream(), 1000).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(WechatpayTransportError)
  expect(error).toMatchObject({ code: 'RESPONSE_TOO_LARGE' })
  await expect(collect(new Blob([BILL]).stream(), BILL.length)).resolves.toHaveLength(BILL.length)
})

test('the download request is signed with the merchant key over GET, path?query and an empty body', async () => {
  serve(BILL)
  const client = new Wechatpay({ ...clientOptions(keys), baseUrl: gateway.url, backupBaseUrl: false })
  const target = '/v3/billdownload/file?token=abc&tartype=gzip'
  await client.download(`${gateway.url.slice(0, -1)}${target}`, { hash_type: 'SHA1', hash_value: sha1(BILL) })
  const auth = String(gateway.seen[0]!.headers.authorization)
  const field = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(auth)![1]!
  const message = `GET\n${target}\n${field('timestamp')}\n${field('nonce_str')}\n\n`
  const ok = verify(
    'sha256',
    Buffer.from(message),
    createPublicKey(keys.merchantPublicKey),
    Buffer.from(field('signature'), 'base64'),
  )
  expect(ok).toBe(true)
})

describe('v2 downloadbill: the CSV on success, XML on failure', () => {
  const client = () => new Wechatpay({ ...clientOptions(keys), baseUrl: gateway.url, backupBaseUrl: false })
  const xml = { appid: 'wx2421b1c4370ec43b', mch_id: mchid, bill_date: '20261129', bill_type: 'ALL' }

  test('a CSV reply: its bytes, as they came (the signed request was checked by the gateway)', async () => {
    serve(BILL)
    const { data } = await client().v2.pay.downloadbill.post({ xml })
    expect(Buffer.compare(Buffer.from(data as Uint8Array), BILL)).toBe(0)
    expect(gateway.seen[0]!.valid).toBe(true)
  })
  test('an XML FAIL reply: WechatpayBusinessError', async () => {
    gateway.handler = () => ({
      status: 200,
      body: '<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[No Bill Exist]]></return_msg></xml>',
    })
    await expect(client().v2.pay.downloadbill.post({ xml })).rejects.toMatchObject({
      name: 'WechatpayBusinessError',
      message: 'No Bill Exist',
    })
  })
})
