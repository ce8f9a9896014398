// The generic routes over HTTP: requests signed by the test doubles of ./testing (APIv3) or by an
// MD5 written here with node:crypto (APIv2), replies checked with node:crypto and the platform
// public key, independently of the code under test.

import { execFileSync } from 'node:child_process'
import { createHash, createHmac, createVerify } from 'node:crypto'
import { request as httpsRequest } from 'node:https'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Sandbox } from '../start'
import { authorization, fieldsOf, replyVerifies, start, v3, xmlOf } from '../test-helpers'

let sb: Sandbox
beforeAll(async () => {
  sb = await start({ mtls: true })
})
afterAll(() => sb?.close())

/** APIv2 MD5 sign, written here on purpose (docs/protocol.md, "APIv2 signing"). */
function md5Sign(fields: Record<string, string>, secret: string): string {
  const text = Object.keys(fields)
    .filter((k) => k !== 'sign' && fields[k] !== '')
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('&')
  return createHash('md5').update(`${text}&key=${secret}`).digest('hex').toUpperCase()
}

/** POST signed XML over the mutual-TLS listener (node:https with the merchant certificate). */
function postMtls(path: string, fields: Record<string, string>): Promise<Record<string, string>> {
  const signed = { ...fields, sign: md5Sign(fields, sb.merchant.secret) }
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      new URL(path, sb.mtls!.url),
      { method: 'POST', ca: sb.mtls!.ca, ...sb.mtls!.clientCert },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve(fieldsOf(Buffer.concat(chunks).toString())))
      },
    )
    req.on('error', reject)
    req.end(xmlOf(signed))
  })
}

async function postV2(base: string, path: string, fields: Record<string, string>) {
  const signed = { ...fields, sign: md5Sign(fields, sb.merchant.secret) }
  const res = await fetch(new URL(path, base), { method: 'POST', body: xmlOf(signed) })
  return { status: res.status, fields: fieldsOf(await res.text()) }
}

const order = () => ({
  transaction_id: '4208450740201411110007820472',
  out_order_no: 'P20150806125346',
  unfreeze_unsplit: true,
  receivers: [{ type: 'MERCHANT_ID', account: '86693852', amount: 888, description: '分给商户A' }],
})

describe('APIv3 endpoints answered from the catalogue', () => {
  test('a valid call gets a signed, schema-shaped reply (POST v3/profitsharing/orders)', async () => {
    const reply = await v3(sb, '/v3/profitsharing/orders', order())
    expect(reply.status).toBe(200)
    expect(replyVerifies(sb, reply)).toBe(true)
    const data = reply.json() as Record<string, unknown>
    expect(data).toMatchObject({
      state: expect.any(String),
      receivers: [expect.objectContaining({ amount: 1 })],
    })
  })

  test.each([
    [
      'a missing required field',
      { ...order(), out_order_no: undefined },
      'out_order_no',
      'out_order_no is required',
    ],
    ['a wrong type', { ...order(), unfreeze_unsplit: 'yes' }, 'unfreeze_unsplit', 'must be a boolean'],
    [
      'a value outside the enum',
      { ...order(), receivers: [{ ...order().receivers[0], type: 'BANK' }] },
      'receivers[0].type',
      'must be one of MERCHANT_ID',
    ],
    [
      'a wrong type inside an array item',
      { ...order(), receivers: [{ ...order().receivers[0], amount: '888' }] },
      'receivers[0].amount',
      'must be an integer',
    ],
  ])('%s is a 400 PARAM_ERROR naming the field', async (_, body, field, message) => {
    const reply = await v3(sb, '/v3/profitsharing/orders', body)
    expect(reply.status).toBe(400)
    const error = reply.json() as {
      code: string
      message: string
      detail: { field: string; location: string }
    }
    expect(error.code).toBe('PARAM_ERROR')
    expect(error.detail).toEqual({ field, location: 'body' })
    expect(error.message).toContain(message)
  })

  test('a required query field and the signature are checked', async () => {
    const missing = await v3(sb, '/v3/profitsharing/orders/P1', undefined, { method: 'GET' })
    expect([missing.status, (missing.json() as { detail: unknown }).detail]).toEqual([
      400,
      { field: 'transaction_id', location: 'query' },
    ])
    const ok = await v3(sb, '/v3/profitsharing/orders/P1?transaction_id=42', undefined, { method: 'GET' })
    expect([ok.status, replyVerifies(sb, ok)]).toEqual([200, true])
    const forged = await v3(sb, '/v3/profitsharing/orders', order(), { mchid: '1900000000' })
    expect([forged.status, (forged.json() as { code: string }).code]).toEqual([401, 'SIGN_ERROR'])
  })

  test('an unknown path is a 404, a wrong method a 405', async () => {
    expect((await v3(sb, '/v3/profitsharing/nowhere', {})).status).toBe(404)
    expect((await v3(sb, '/v3/profitsharing/orders', undefined, { method: 'GET' })).status).toBe(405)
  })

  test('faults apply to the catalogue routes too', async () => {
    await sb.faults.set({ status: { value: 503, count: 1 } })
    const faulted = await v3(sb, '/v3/profitsharing/orders', order())
    expect([faulted.status, (faulted.json() as { code: string }).code]).toEqual([503, 'SERVICE_UNAVAILABLE'])
    expect((await v3(sb, '/v3/profitsharing/orders', order())).status).toBe(200)
  })

  test('a statement is signed over {"sha1":…}, and the file has that SHA-1 (docs/protocol-3.md)', async () => {
    const reply = await v3(sb, '/v3/global/statements?date=2026-01-01', undefined, { method: 'GET' })
    expect(reply.status).toBe(200)
    const sha1 = createHash('sha1').update(reply.text).digest('hex')
    expect(reply.headers.get('wechatpay-statement-sha1')).toBe(sha1)
    const message = `${reply.headers.get('wechatpay-timestamp')}\n${reply.headers.get('wechatpay-nonce')}\n{"sha1":"${sha1}"}\n`
    const verifier = createVerify('RSA-SHA256').update(message)
    expect(verifier.verify(sb.platform.publicKey, reply.headers.get('wechatpay-signature')!, 'base64')).toBe(
      true,
    )
    // the signature is not over the file itself
    expect(replyVerifies(sb, reply)).toBe(false)
  })
})

describe('uploads check the digest their meta names', () => {
  const pdf = Buffer.from('%PDF-1.7 sandbox fapiao')
  // openssl is the oracle of SM3 (GB/T 32905-2016), independent of node:crypto
  const sm3 = execFileSync('openssl', ['dgst', '-sm3', '-r'], { input: pdf }).toString().slice(0, 64)
  const FAPIAO = '/v3/new-tax-control-fapiao/fapiao-applications/upload-fapiao-file'
  /** A multipart upload written here (RFC 7578): `meta`, then the other text parts, then the file. */
  async function upload(
    meta: Record<string, unknown>,
    { target = FAPIAO, filePart = 'file', fields = {} as Record<string, string> } = {},
  ) {
    const metaText = JSON.stringify(meta)
    const boundary = 'sandbox-boundary'
    const part = (name: string, value: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="meta"\r\nContent-Type: application/json\r\n\r\n${metaText}\r\n` +
          Object.entries(fields)
            .map(([name, value]) => part(name, value))
            .join('') +
          `--${boundary}\r\nContent-Disposition: form-data; name="${filePart}"; filename="f.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
      ),
      pdf,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ])
    const res = await fetch(new URL(target.slice(1), sb.url), {
      method: 'POST',
      headers: {
        Authorization: authorization(sb, 'POST', target, metaText),
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
      },
      body,
    })
    return { status: res.status, json: (await res.json()) as { detail?: { field: string } } }
  }

  test('the fapiao upload takes an SM3 digest', async () => {
    const ok = await upload({ file_type: 'PDF', digest_alogrithm: 'SM3', digest: sm3 })
    expect(ok.status).toBe(200)
    const sha256 = createHash('sha256').update(pdf).digest('hex')
    const wrong = await upload({ file_type: 'PDF', digest_alogrithm: 'SM3', digest: sha256 })
    expect([wrong.status, wrong.json.detail?.field]).toEqual([400, 'meta.digest'])
    const named = await upload({ file_type: 'PDF', digest_alogrithm: 'SHA256', digest: sm3 })
    expect([named.status, named.json.detail?.field]).toEqual([400, 'meta.digest_alogrithm'])
  })

  test('the taxi-invoice upload: SM3 named DIGEST_ALGORITHM_SM3, region_id a number', async () => {
    const target = '/v3/taxi-invoice/cards/upload-file'
    const meta = { company_mchid: '1900000109', region_id: 440300, digest_algorithm: 'DIGEST_ALGORITHM_SM3' }
    expect((await upload({ ...meta, digest: sm3 }, { target })).status).toBe(200)
    const sha256 = createHash('sha256').update(pdf).digest('hex')
    const wrong = await upload({ ...meta, digest: sha256 }, { target })
    expect([wrong.status, wrong.json.detail?.field]).toEqual([400, 'meta.digest'])
    const text = await upload({ ...meta, region_id: '440300', digest: sm3 }, { target })
    expect([text.status, text.json.detail?.field]).toEqual([400, 'meta.region_id'])
    const { company_mchid: _, ...noCompany } = meta
    const missing = await upload({ ...noCompany, digest: sm3 }, { target })
    expect([missing.status, missing.json.detail?.field]).toEqual([400, 'meta.company_mchid'])
  })

  test('the submission-file upload: file_name + file_digest, its own file part and form parts', async () => {
    const target = '/v3/mch-manage/submission-files/sub-mchid/1900000110/upload'
    const meta = { file_name: 'f.pdf', file_digest: createHash('sha256').update(pdf).digest('hex') }
    const fields = { item_id: '7', manage_record_id: 'R1' }
    const ok = await upload(meta, { target, filePart: 'submission_file', fields })
    expect(ok.status).toBe(200)
    const noItem = await upload(meta, {
      target,
      filePart: 'submission_file',
      fields: { manage_record_id: 'R1' },
    })
    expect([noItem.status, noItem.json.detail?.field]).toEqual([400, 'item_id'])
    const digest = await upload(
      { ...meta, file_digest: createHash('md5').update(pdf).digest('hex') },
      { target, filePart: 'submission_file', fields },
    )
    expect([digest.status, digest.json.detail?.field]).toEqual([400, 'meta.file_digest'])
  })
})

describe('APIv2 endpoints answered from the catalogue', () => {
  const micropay = () => ({
    appid: sb.merchant.appid,
    mch_id: sb.merchant.mchid,
    nonce_str: 'n0nce',
    body: 'sandbox',
    out_trade_no: 'M1',
    total_fee: '1',
    spbill_create_ip: '127.0.0.1',
    auth_code: '134567890123456789',
  })

  test('a valid call gets a reply signed with the APIv2 key', async () => {
    const { fields } = await postV2(sb.url, 'pay/micropay', micropay())
    expect(fields).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS' })
    expect(fields.sign).toBe(md5Sign(fields, sb.merchant.secret))
  })

  test('a missing field or a wrong type is a FAIL naming it; a bad sign is SIGNERROR', async () => {
    const { auth_code: _, ...noCode } = micropay()
    expect((await postV2(sb.url, 'pay/micropay', noCode)).fields).toEqual({
      return_code: 'FAIL',
      return_msg: 'PARAM_ERROR: auth_code is required',
    })
    const typed = await postV2(sb.url, 'pay/micropay', { ...micropay(), total_fee: 'one' })
    expect(typed.fields.return_msg).toMatch(/^PARAM_ERROR: total_fee must be an integer/)
    const res = await fetch(new URL('pay/micropay', sb.url), {
      method: 'POST',
      body: xmlOf({ ...micropay(), sign: md5Sign(micropay(), 'another key of thirty-two chars!') }),
    })
    expect(fieldsOf(await res.text()).return_msg).toMatch(/^SIGNERROR/)
  })

  const redpack = () => ({
    nonce_str: 'n0nce',
    mch_billno: 'B1',
    mch_id: sb.merchant.mchid,
    wxappid: sb.merchant.appid,
    send_name: 'sandbox',
    re_openid: 'o1',
    total_amount: '100',
    total_num: '1',
    wishing: 'hi',
    client_ip: '127.0.0.1',
    act_name: 'a',
    remark: 'r',
  })

  test('a red packet needs mutual TLS, and its SUCCESS reply carries no sign (docs/protocol-3.md)', async () => {
    const plain = await postV2(sb.url, 'mmpaymkttransfers/sendredpack', redpack())
    expect(plain.fields.return_code).toBe('FAIL')
    expect(plain.fields.return_msg).toMatch(/^CERT_ERROR/)
    const fields = { ...redpack(), sign: md5Sign(redpack(), sb.merchant.secret) }
    const text = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest(
        new URL('mmpaymkttransfers/sendredpack', sb.mtls!.url),
        { method: 'POST', ca: sb.mtls!.ca, ...sb.mtls!.clientCert },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => resolve(Buffer.concat(chunks).toString()))
        },
      )
      req.on('error', reject)
      req.end(xmlOf(fields))
    })
    const sent = { fields: fieldsOf(text) }
    expect(sent.fields).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS' })
    expect(sent.fields.sign).toBeUndefined()
  })

  test('a POST whose catalogue fields include the query (submchmanage?action=) is refused without it, naming it', async () => {
    const fields = {
      appid: sb.merchant.appid,
      mch_id: sb.merchant.mchid,
      page_index: '1',
      nonce_str: 'n0nce',
    }
    expect(await postMtls('secapi/mch/submchmanage', fields)).toEqual({
      return_code: 'FAIL',
      return_msg: 'PARAM_ERROR: action is required',
    })
    expect(await postMtls('secapi/mch/submchmanage?action=query', fields)).toMatchObject({
      return_code: 'SUCCESS',
    })
    const wrong = await postMtls('secapi/mch/submchmanage?action=delete', fields)
    expect(wrong.return_msg).toMatch(/^PARAM_ERROR: action must be one of/)
  })

  test('the JSON endpoint (appauth/getaccesstoken) refuses in JSON, naming the field (docs/protocol-3.md)', async () => {
    const query: Record<string, string> = {
      mch_id: sb.merchant.mchid,
      appid: sb.merchant.appid,
      openid: 'o1',
      code: 'C1',
      grant_type: 'authorization_code',
      scope: 'pay_identity',
      sign_type: 'HMAC-SHA256',
    }
    // HMAC-SHA256 over the sorted fields and `&key=`, written here (docs/protocol.md)
    const get = async (fields: Record<string, string>, secret = sb.merchant.secret) => {
      const text = `${Object.keys(fields)
        .sort()
        .map((k) => `${k}=${fields[k]}`)
        .join('&')}&key=${secret}`
      const sign = createHmac('sha256', secret).update(text).digest('hex').toUpperCase()
      const res = await fetch(
        new URL(`appauth/getaccesstoken?${new URLSearchParams({ ...fields, sign })}`, sb.url),
      )
      return { type: res.headers.get('content-type'), json: (await res.json()) as Record<string, unknown> }
    }
    const ok = await get(query)
    expect(ok.type).toMatch(/^application\/json/)
    expect(ok.json.retcode === 0 || ok.json.retcode === '0').toBe(true)
    const { code: _, ...noCode } = query
    const refused = await get(noCode)
    expect(refused.type).toMatch(/^application\/json/)
    expect(refused.json).toEqual({ retcode: -1, retmsg: 'PARAM_ERROR: code is required' })
    const forged = await get(query, 'another key of thirty-two chars!')
    expect(forged.json.retcode).toBe(-1)
    expect(forged.json.retmsg).toMatch(/^SIGNERROR/)
  })
})
