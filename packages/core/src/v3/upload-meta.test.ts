// Upload `meta` per endpoint (docs/protocol-3.md, "Upload meta"): the digest fields each endpoint
// takes, filled from the file with node:crypto's sha256 / sm3 computed here as the oracle, the
// caller's fields merged, the file part named per endpoint, and the signature over the meta text
// exactly as sent, checked by the gateway of @wxpay/sandbox/testing (node:crypto).
import { createHash } from 'node:crypto'
import {
  checkV3Authorization,
  type Gateway,
  type Seen,
  signV3Reply,
  startGateway,
} from '@wxpay/sandbox/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { clientOptions, mchid, merchantSerial, platformSerial } from '../../test/fixtures'
import { type TestKeys, testKeys } from '../../test/keys'
import { Wechatpay as FetchWechatpay } from '../index'
import { sensitive } from '../keys/sensitive'
import { Wechatpay } from '../node'
import { encodeMedia, uploadRuleOf } from './multipart'

const PDF = new TextEncoder().encode('%PDF-1.7\r\n fapiao \u0000\u00ff')
const sm3 = (data: Uint8Array) => createHash('sm3').update(data).digest('hex')
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')

/** A minimal multipart/form-data reader (RFC 7578), written for this test only. */
function parts(body: Uint8Array, contentType: string) {
  const boundary = /boundary=(.+)$/.exec(contentType)![1]!
  const pieces = Buffer.from(body).toString('latin1').split(`--${boundary}`)
  return pieces.slice(1, -1).map((piece) => {
    const [head, ...rest] = piece.slice(2, -2).split('\r\n\r\n')
    const name = /name="([^"]+)"/.exec(head!)![1]!
    return { name, head: head!, body: Buffer.from(rest.join('\r\n\r\n'), 'latin1') }
  })
}

describe('the meta of each upload endpoint', () => {
  test.each([
    [
      'v3/new-tax-control-fapiao/fapiao-applications/upload-fapiao-file',
      { file_type: 'PDF', sub_mchid: '1900000109' },
      `{"digest_alogrithm":"SM3","digest":"${sm3(PDF)}","file_type":"PDF","sub_mchid":"1900000109"}`,
      'file',
    ],
    [
      'v3/taxi-invoice/cards/upload-file',
      { company_mchid: '1900000109', region_id: 440300 },
      `{"digest_algorithm":"DIGEST_ALGORITHM_SM3","digest":"${sm3(PDF)}","company_mchid":"1900000109","region_id":440300}`,
      'file',
    ],
    [
      'v3/ecommerce/account/cancel-applications/media',
      undefined,
      `{"file_name":"f.pdf","file_digest":"${sha256(PDF)}"}`,
      'file',
    ],
    [
      'v3/mch-operation-manage/enhanced-due-diligence/D1/upload',
      { sub_mchid: '1900000109', item_id: 7 },
      `{"file_name":"f.pdf","file_digest":"${sha256(PDF)}","sub_mchid":"1900000109","item_id":7}`,
      'due_diligence_file',
    ],
    [
      'v3/marketing/shopping-receipt/shoppingreceipts',
      {
        transaction_id: '42',
        openid: 'o1',
        merchant_contact_information: { consultation_phone_number: 'x' },
      },
      `{"sha256":"${sha256(PDF)}","transaction_id":"42","openid":"o1","merchant_contact_information":{"consultation_phone_number":"x"}}`,
      'file',
    ],
    ['v3/merchant/media/upload', undefined, `{"filename":"f.pdf","sha256":"${sha256(PDF)}"}`, 'file'],
    // An endpoint newer than the catalogue: the common shape.
    ['v3/not-yet/upload', undefined, `{"filename":"f.pdf","sha256":"${sha256(PDF)}"}`, 'file'],
  ])('%s', async (path, meta, expected, filePart) => {
    const encoded = await encodeMedia(
      { filename: 'f.pdf', data: PDF, ...(meta ? { meta } : {}) },
      uploadRuleOf(path),
    )
    expect(encoded.meta).toBe(expected)
    const [first, last] = [
      parts(encoded.body, encoded.contentType)[0]!,
      parts(encoded.body, encoded.contentType).at(-1)!,
    ]
    expect(first.name).toBe('meta')
    expect(first.body.toString('utf8')).toBe(expected)
    expect(last.name).toBe(filePart)
    expect(Buffer.compare(last.body, Buffer.from(PDF))).toBe(0)
  })

  test('the submission-file upload: item_id and manage_record_id are form parts of their own', async () => {
    const rule = uploadRuleOf('v3/mch-manage/submission-files/sub-mchid/1900000109/upload')
    const encoded = await encodeMedia(
      { filename: 'f.pdf', data: PDF, fields: { item_id: 3, manage_record_id: 'R1' } },
      rule,
    )
    expect(
      parts(encoded.body, encoded.contentType).map((p) => [
        p.name,
        p.name === 'submission_file' ? '' : p.body.toString(),
      ]),
    ).toEqual([
      ['meta', `{"file_name":"f.pdf","file_digest":"${sha256(PDF)}"}`],
      ['item_id', '3'],
      ['manage_record_id', 'R1'],
      ['submission_file', ''],
    ])
  })

  test.each([
    [{ digest: 'x' }, 'media.meta.digest'],
    [{ digest_alogrithm: 'SHA256' }, 'media.meta.digest_alogrithm'],
    [{ file_type: () => 'PDF' }, 'media.meta.file_type'],
    [{ file_type: Number.NaN }, 'media.meta.file_type'],
    // A sensitive() marker is not encrypted inside meta (yet): refused, never sent in clear.
    [{ sub_mchid: sensitive('1900000109') }, 'media.meta.sub_mchid'],
  ])('the fapiao upload refuses meta %o, naming %s', async (meta, option) => {
    const rule = uploadRuleOf('v3/new-tax-control-fapiao/fapiao-applications/upload-fapiao-file')
    await expect(encodeMedia({ filename: 'f.pdf', data: PDF, meta }, rule)).rejects.toMatchObject({
      name: 'WechatpayValidationError',
      option,
    })
  })
})

describe('an SM3 upload end to end', () => {
  let keys: TestKeys
  let gateway: Gateway
  beforeAll(async () => {
    keys = testKeys()
    gateway = await startGateway({ platformSerial, platformKey: keys.platformKey })
  })
  afterAll(() => gateway.close())

  test.each(['undici', 'fetch'])('%s: the fapiao file, signed over the meta text as sent', async (name) => {
    const options = { ...clientOptions(keys), baseUrl: gateway.url, backupBaseUrl: false as const }
    const wxpay = name === 'undici' ? new Wechatpay(options) : (new FetchWechatpay(options) as Wechatpay)
    let seen: Seen | undefined
    gateway.handler = (req) => {
      seen = req
      const body = '{"fapiao_media_id":"M1"}'
      return {
        status: 200,
        headers: { ...signV3Reply({ privateKey: keys.platformKey, serial: platformSerial, body }) },
        body,
        sign: false,
      }
    }
    const { data } = await wxpay.v3.newTaxControlFapiao.fapiaoApplications.uploadFapiaoFile.post({
      media: { filename: 'f.pdf', data: PDF, meta: { file_type: 'PDF' } },
    })
    expect(data).toEqual({ fapiao_media_id: 'M1' })
    const [meta, file] = parts(seen!.raw, String(seen!.headers['content-type']))
    expect(JSON.parse(meta!.body.toString())).toEqual({
      digest_alogrithm: 'SM3',
      digest: sm3(PDF),
      file_type: 'PDF',
    })
    expect(Buffer.compare(file!.body, Buffer.from(PDF))).toBe(0)
    const reason = checkV3Authorization(
      { method: 'POST', target: seen!.url, authorization: seen!.headers.authorization, body: meta!.body },
      { mchid, serial: merchantSerial, publicKey: keys.merchantPublicKey },
    )
    expect(reason).toBeUndefined()
  })
})
