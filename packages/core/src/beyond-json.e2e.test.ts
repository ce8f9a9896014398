// Uploads, downloads and APIv2 mutual TLS end to end against @wxpay/sandbox, which parses the
// multipart, checks the signature over meta, publishes real bill digests and requires a client
// certificate from its own test CA. PKCS#12 files are made here with openssl (an independent tool).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { Wechatpay as FetchWechatpay } from './index'
import { Wechatpay, WechatpaySignatureError, WechatpayValidationError } from './node'

let sb: Sandbox
let dir: string
beforeAll(async () => {
  sb = await startSandbox({ mtls: true })
  dir = mkdtempSync(join(tmpdir(), 'wxpay-p12-'))
}, 60_000)
afterAll(async () => {
  await sb.close()
  rmSync(dir, { recursive: true, force: true })
})
afterEach(async () => {
  await sb.faults.clear()
})

const client = () => new Wechatpay({ ...sb.clientOptions(), backupBaseUrl: false })
// the BOM is kept: bills begin with one, and it is part of what the digest covers
const decode = (bytes: Uint8Array) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)

describe('media upload', () => {
  test('an image: multipart with meta first, the signature over meta verified by the sandbox; the reply verified', async () => {
    const data = new Uint8Array(4096).map((_, i) => (i * 31) & 0xff)
    const { status, data: reply } = await client().v3.merchant.media.upload.post({
      media: { filename: 'receipt.png', data },
    })
    expect(status).toBe(200)
    const { media_id } = reply as { media_id: string }
    const kept = sb.uploads.find((u) => u.media_id === media_id)!
    expect(Buffer.compare(kept.data, Buffer.from(data))).toBe(0)
    expect(kept.contentType).toBe('image/png')
  })

  test('a complaint image, uploaded and read back: the unsigned image reply is returned as bytes', async () => {
    const data = new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])])
    const uploaded = await client().v3.merchantService.images.upload.post({
      media: { filename: 'c.jpg', data },
    })
    const media_id = (uploaded.data as { media_id: string }).media_id
    const image = await client().chain('v3/merchant-service/images/{media_id}').get({ media_id })
    expect(image.data).toBeInstanceOf(Uint8Array)
    expect([...(image.data as Uint8Array)]).toEqual([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])
  })
})

describe('bills: tradebill → download, digest checked', () => {
  // bill dates are China Standard Time days
  const bill = (query: Record<string, string>) =>
    client().v3.bill.tradebill.get({
      query: { bill_date: new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10), ...query },
    })

  test.each([[{}], [{ tar_type: 'GZIP' }]])('%o: the CSV, checked against hash_value', async (query) => {
    const out_trade_no = `BILL${Date.now()}`
    sb.orders.create({ out_trade_no, amount: 321 })
    await sb.orders.pay(out_trade_no)
    const { data } = await bill(query)
    const { download_url, hash_type, hash_value } = data as Record<string, string>
    const csv = decode(
      await client().download(download_url!, { hash_type: hash_type!, hash_value: hash_value! }),
    )
    expect(csv.startsWith('\ufeff交易时间')).toBe(true)
    expect(csv).toContain(`\`${out_trade_no},`)
  })

  test('a corrupted file (the corruptDownload fault): DIGEST_MISMATCH, in both forms', async () => {
    const { data } = await bill({ tar_type: 'GZIP' })
    const { download_url, hash_type, hash_value } = data as Record<string, string>
    const options = { hash_type: hash_type!, hash_value: hash_value! }
    await sb.faults.set({ corruptDownload: true })
    const error = await client()
      .download(download_url!, options)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatpaySignatureError)
    expect(error).toMatchObject({ code: 'DIGEST_MISMATCH' })
    const stream = await client().download.stream(download_url!, options)
    await expect(new Response(stream).arrayBuffer()).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' })
  })

  test('a download_url on a foreign origin: refused, the sandbox sees nothing', async () => {
    const { data } = await bill({})
    const url = new URL((data as Record<string, string>).download_url!)
    url.hostname = 'localhost' // same sandbox, but not the configured origin
    sb.requests.clear()
    await expect(
      client().download(url.href, { hash_type: 'SHA1', hash_value: '0'.repeat(40) }),
    ).rejects.toMatchObject({ name: 'WechatpayValidationError', option: 'url' })
    expect(sb.requests).toHaveLength(0)
  })
})

describe('APIv2 mutual TLS: secapi/pay/refund', () => {
  let n = 0
  async function paidOrder() {
    const out_trade_no = `MT${Date.now()}${n++}`
    sb.orders.create({ out_trade_no, amount: 800 })
    await sb.orders.pay(out_trade_no)
    return out_trade_no
  }
  const refund = (c: Wechatpay, out_trade_no: string) =>
    c.v2.secapi.pay.refund.post({
      xml: {
        appid: sb.merchant.appid,
        mch_id: sb.merchant.mchid,
        transaction_id: sb.orders.get(out_trade_no)?.transaction_id ?? 'none',
        out_trade_no,
        out_refund_no: `R${out_trade_no}`,
        total_fee: '800',
        refund_fee: '300',
      },
    })
  const mtlsClient = (clientCert: object, Client: typeof Wechatpay = Wechatpay) =>
    new Client({ ...sb.clientOptions(), baseUrl: sb.mtls!.url, backupBaseUrl: false, clientCert } as never)
  function p12(name: string, legacy: boolean): Uint8Array {
    const pem = join(dir, `${name}.pem`)
    writeFileSync(pem, sb.mtls!.clientCert.cert + sb.mtls!.clientCert.key)
    const out = join(dir, `${name}.p12`)
    const args = ['pkcs12', '-export', '-in', pem, '-out', out, '-passout', `pass:${sb.merchant.mchid}`]
    execFileSync('openssl', legacy ? [...args, '-legacy'] : args, { stdio: 'pipe' })
    return readFileSync(out)
  }

  test('with the PEM pair: the refund goes through', async () => {
    const reply = await refund(mtlsClient({ ...sb.mtls!.clientCert, ca: sb.mtls!.ca }), await paidOrder())
    expect(reply.data).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS', refund_fee: '300' })
  })

  test('with a modern PKCS#12 (AES-256, passphrase = mchid by default): the refund goes through', async () => {
    const reply = await refund(mtlsClient({ pfx: p12('modern', false), ca: sb.mtls!.ca }), await paidOrder())
    expect(reply.data).toMatchObject({ result_code: 'SUCCESS' })
  })

  test('a legacy PKCS#12 (RC2-40) is refused at construction, saying how to convert it', (context) => {
    let legacy: Uint8Array
    try {
      legacy = p12('legacy', true)
    } catch (err) {
      // Debian's openssl ships the legacy provider, so CI must be able to write one.
      if (process.env.CI) throw err
      console.warn('SKIPPED: this openssl has no legacy provider to write an RC2-40 PKCS#12')
      return context.skip()
    }
    const error = (() => {
      try {
        mtlsClient({ pfx: legacy, ca: sb.mtls!.ca })
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(WechatpayValidationError)
    expect(error).toMatchObject({ option: 'clientCert.pfx' })
    expect((error as Error).message).toContain('openssl pkcs12 -legacy -in')
    expect((error as Error).message).toContain('openssl pkcs12 -export')
  })

  test('a wrong passphrase names clientCert.passphrase and never echoes it', () => {
    const error = (() => {
      try {
        mtlsClient({ pfx: p12('modern2', false), passphrase: 'not-the-mchid', ca: sb.mtls!.ca })
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(error).toMatchObject({ name: 'WechatpayValidationError', option: 'clientCert.passphrase' })
    expect(String((error as Error).message)).not.toContain('not-the-mchid')
  })

  test('without clientCert: a validation error naming clientCert, and nothing is sent', async () => {
    sb.requests.clear()
    const bare = new Wechatpay({ ...sb.clientOptions(), baseUrl: sb.mtls!.url, backupBaseUrl: false })
    await expect(refund(bare, 'T-none')).rejects.toMatchObject({
      name: 'WechatpayValidationError',
      option: 'clientCert',
    })
    // the fetch build without an injected fetch cannot present a certificate: refused the same way
    const edge = new FetchWechatpay({ ...sb.clientOptions(), baseUrl: sb.mtls!.url, backupBaseUrl: false })
    await expect(refund(edge as Wechatpay, 'T-none')).rejects.toMatchObject({ option: 'clientCert' })
    expect(() => mtlsClient(sb.mtls!.clientCert, FetchWechatpay as typeof Wechatpay)).toThrow(/fetch/)
    expect(sb.requests).toHaveLength(0)
  })

  test('the server certificate is verified: without the test CA the handshake fails (no request reaches the routes)', async () => {
    sb.requests.clear()
    const untrusting = mtlsClient({ ...sb.mtls!.clientCert })
    await expect(refund(untrusting, await paidOrder())).rejects.toMatchObject({
      name: 'WechatpayTransportError',
    })
    expect(sb.requests.filter((r) => r.listener === 'mtls')).toHaveLength(0)
  })
})
