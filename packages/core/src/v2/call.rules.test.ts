// The APIv2 per-endpoint rules (docs/protocol-3.md §1–§4) end to end, against the scriptable
// gateway of @wxpay/sandbox/testing: it checks each request's sign with node:crypto and the replies
// are made there (signed with the sandbox's node:crypto signer, or unsigned as WeChat Pay sends
// them), independently of the SDK. The certificate endpoints run through a given `fetch`, which
// the client trusts to present the certificate (the undici mutual-TLS path has its own tests).
import { createHash } from 'node:crypto'
import { type Gateway, signedV2Xml, startGateway, v2Sign, v2Xml } from '@wxpay/sandbox/testing'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { appid, clientOptions, mchid, merchantSerial, platformSerial, secret } from '../../test/fixtures'
import { testKeys } from '../../test/keys'
import { WechatpayBusinessError, WechatpaySignatureError, WechatpayValidationError } from '../errors'
import { Wechatpay } from '../index'

let gateway: Gateway
let wxpay: Wechatpay

beforeAll(async () => {
  const keys = testKeys()
  gateway = await startGateway({
    mchid,
    merchantSerial,
    merchantPublicKey: keys.merchantPublicKey,
    platformSerial,
    platformKey: keys.platformKey,
    secret,
  })
  wxpay = new Wechatpay({
    ...clientOptions(keys),
    baseUrl: gateway.url,
    backupBaseUrl: false,
    fetch: globalThis.fetch,
  })
})
afterAll(() => gateway.close())
afterEach(() => {
  gateway.seen.length = 0
  gateway.handler = () => ({ status: 204 })
})

const redpack = {
  nonce_str: 'n1',
  mch_billno: 'B1',
  mch_id: mchid,
  wxappid: appid,
  send_name: 'shop',
  re_openid: 'o1',
  total_amount: 100,
  total_num: 1,
  wishing: 'hi',
  client_ip: '127.0.0.1',
  act_name: 'a',
  remark: 'r',
}
/** What WeChat Pay answers to sendredpack: SUCCESS, and no sign. */
const redpackReply = {
  return_code: 'SUCCESS',
  return_msg: '发放成功',
  result_code: 'SUCCESS',
  mch_billno: 'B1',
  mch_id: mchid,
  wxappid: appid,
  re_openid: 'o1',
  total_amount: '100',
  send_listid: '1000041701201411111234567890',
}

describe('§1 replies without a sign', () => {
  test('a red packet: the unsigned SUCCESS is the result (the money has moved)', async () => {
    gateway.handler = () => ({ status: 200, body: v2Xml(redpackReply) })
    const { data } = await wxpay.v2.mmpaymkttransfers.sendredpack.post({ xml: redpack })
    expect(data).toMatchObject({ send_listid: '1000041701201411111234567890' })
    expect(gateway.seen[0]!.valid).toBe(true)
  })

  test('a red packet whose reply carries a sign: it must verify', async () => {
    gateway.handler = () => ({ status: 200, body: signedV2Xml(redpackReply, secret) })
    await expect(wxpay.v2.mmpaymkttransfers.sendredpack.post({ xml: redpack })).resolves.toMatchObject({
      status: 200,
    })
    gateway.handler = () => ({ status: 200, body: v2Xml({ ...redpackReply, sign: 'F'.repeat(32) }) })
    await expect(wxpay.v2.mmpaymkttransfers.sendredpack.post({ xml: redpack })).rejects.toBeInstanceOf(
      WechatpaySignatureError,
    )
  })

  test('an unsigned result_code FAIL is a business error with its code', async () => {
    gateway.handler = () => ({
      status: 200,
      body: v2Xml({ ...redpackReply, result_code: 'FAIL', err_code: 'NOTENOUGH', err_code_des: '余额不足' }),
    })
    await expect(wxpay.v2.mmpaymkttransfers.sendredpack.post({ xml: redpack })).rejects.toMatchObject({
      name: 'WechatpayBusinessError',
      code: 'NOTENOUGH',
    })
  })

  test('anywhere else, an unsigned SUCCESS is refused', async () => {
    gateway.handler = () => ({
      status: 200,
      body: v2Xml({ return_code: 'SUCCESS', result_code: 'SUCCESS', mch_id: mchid }),
    })
    await expect(
      wxpay.v2.pay.closeorder.post({ xml: { appid, mch_id: mchid, out_trade_no: 'T1' } }),
    ).rejects.toBeInstanceOf(WechatpaySignatureError)
    // …also on another red-packet endpoint the peers do not list.
    await expect(
      wxpay.v2.mmpaymkttransfers.queryworkwxredpack.post({ xml: { mch_id: mchid, appid, mch_billno: 'B1' } }),
    ).rejects.toBeInstanceOf(WechatpaySignatureError)
  })
})

describe('§2 endpoints without nonce_str', () => {
  const reply = () => ({
    status: 200,
    body: signedV2Xml({ return_code: 'SUCCESS', result_code: 'SUCCESS' }, secret),
  })

  test('papay/querycontract: no nonce_str is added; the sign still verifies', async () => {
    gateway.handler = reply
    await wxpay.v2.papay.querycontract.post({
      xml: { appid, mch_id: mchid, contract_id: 'C1', version: '1.0' },
    })
    const seen = gateway.seen[0]!
    expect(seen.valid).toBe(true)
    expect(seen.fields).not.toHaveProperty('nonce_str')
  })

  test('one given by the caller is sent and signed', async () => {
    gateway.handler = reply
    await wxpay.v2.papay.querycontract.post({
      xml: { appid, mch_id: mchid, contract_id: 'C1', version: '1.0', nonce_str: 'given' },
    })
    expect(gateway.seen[0]).toMatchObject({ valid: true, fields: { nonce_str: 'given' } })
  })

  test('any other endpoint gets one', async () => {
    gateway.handler = reply
    await wxpay.v2.pay.closeorder.post({ xml: { appid, mch_id: mchid, out_trade_no: 'T1' } })
    expect(gateway.seen[0]!.fields!.nonce_str).toMatch(/^[0-9A-Za-z]{32}$/)
  })
})

describe('§3 the JSON endpoint', () => {
  const query = {
    mch_id: mchid,
    appid,
    openid: 'o1',
    code: 'C1',
    grant_type: 'authorization_code',
    scope: 'pay_identity',
    sign_type: 'HMAC-SHA256',
  }

  test('appauth/getaccesstoken: a GET signed in its query string, answered in JSON', async () => {
    gateway.handler = () => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"retcode":0,"retmsg":"ok","access_token":"T","expires_in":7200}',
    })
    const { data } = await wxpay.v2.appauth.getaccesstoken.get({ query })
    expect(data).toEqual({ retcode: 0, retmsg: 'ok', access_token: 'T', expires_in: 7200 })
    const seen = gateway.seen[0]!
    expect(seen.method).toBe('GET')
    expect(seen.body).toBe('')
    const url = new URL(seen.url, 'http://x')
    expect(url.pathname).toBe('/appauth/getaccesstoken')
    const sent = Object.fromEntries(url.searchParams)
    expect(sent).not.toHaveProperty('nonce_str')
    expect(sent.sign).toBe(v2Sign({ ...query }, secret, 'HMAC-SHA256'))
  })

  test('a retcode other than 0 is a business error', async () => {
    gateway.handler = () => ({ status: 200, body: '{"retcode":40001,"retmsg":"invalid code"}' })
    const error = await wxpay.v2.appauth.getaccesstoken.get({ query }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatpayBusinessError)
    expect(error).toMatchObject({ code: '40001' })
  })
})

describe('query-signed GETs with an XML reply', () => {
  test('papay/h5entrustweb: fields and sign in the query (no nonce_str), the unsigned XML reply taken', async () => {
    gateway.handler = () => ({
      status: 200,
      body: v2Xml({ return_code: 'SUCCESS', result_code: 'SUCCESS', redirect_url: 'https://example.com/r' }),
    })
    const query = {
      appid,
      mch_id: mchid,
      plan_id: '12535',
      contract_code: 'K1',
      request_serial: 1000,
      contract_display_account: '张三',
      notify_url: 'https://example.com/notify?a=1&b=2',
      version: '1.0',
      timestamp: '1414488825',
      clientip: '127.0.0.1',
    }
    const { data } = await wxpay.v2.papay.h5entrustweb.get({ query })
    expect(data).toMatchObject({ redirect_url: 'https://example.com/r' })
    const url = new URL(gateway.seen[0]!.url, 'http://x')
    const sent = Object.fromEntries(url.searchParams)
    expect(sent).not.toHaveProperty('nonce_str')
    const { sign, ...fields } = sent
    expect(fields).toEqual(Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])))
    expect(sign).toBe(v2Sign(fields, secret, 'MD5'))
  })
})

describe('§4 the APIv2 upload (secapi/mch/uploadmedia)', () => {
  const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x0d, 0x0a, 0x00, 0x7f, 0xff, 0xd9])

  /** The form's parts, read by a parser written here (RFC 7578), independently of the encoder. */
  function parts(raw: Buffer, contentType: string) {
    const boundary = /boundary=(.+)$/.exec(contentType)![1]!
    return raw
      .toString('latin1')
      .split(`--${boundary}`)
      .slice(1, -1)
      .map((piece) => {
        const [head, ...rest] = piece.slice(2, -2).split('\r\n\r\n')
        return {
          head: head!,
          name: /name="([^"]+)"/.exec(head!)![1]!,
          body: Buffer.from(rest.join('\r\n\r\n'), 'latin1'),
        }
      })
  }

  test.each(['MD5', 'HMAC-SHA256'] as const)(
    '%s: text parts signed, media_hash the MD5, the file last',
    async (signType) => {
      gateway.handler = () => ({
        status: 200,
        body: signedV2Xml(
          { return_code: 'SUCCESS', result_code: 'SUCCESS', media_id: 'M1' },
          secret,
          signType,
        ),
      })
      const { data } = await wxpay.v2.secapi.mch.uploadmedia.post({
        xml: { sign_type: signType },
        media: { filename: 'id.jpg', data: JPEG },
      })
      expect(data).toMatchObject({ media_id: 'M1' })
      const seen = gateway.seen[0]!
      const form = parts(seen.raw, String(seen.headers['content-type']))
      expect(form.map((p) => p.name)).toEqual(['mch_id', 'media_hash', 'sign_type', 'sign', 'media'])
      const text = Object.fromEntries(form.slice(0, 4).map((p) => [p.name, p.body.toString()]))
      expect(text.media_hash).toBe(createHash('md5').update(JPEG).digest('hex'))
      expect(text.mch_id).toBe(mchid)
      const { sign, ...signed } = text
      expect(sign).toBe(v2Sign(signed, secret, signType))
      expect(form[4]!.head).toContain('filename="id.jpg"')
      expect(Buffer.compare(form[4]!.body, Buffer.from(JPEG))).toBe(0)
    },
  )

  test('bad input is refused before any I/O', async () => {
    await expect(
      wxpay.v2.secapi.mch.uploadmedia.post({
        xml: { mch_id: '1' },
        media: { filename: 'a.jpg', data: JPEG },
      }),
    ).rejects.toMatchObject({ option: 'xml.mch_id' })
    // @ts-expect-error media is required
    await expect(wxpay.v2.secapi.mch.uploadmedia.post({})).rejects.toMatchObject({ option: 'media' })
    await expect(
      wxpay.v2.pay.closeorder.post({ xml: { appid }, media: { filename: 'a.jpg', data: JPEG } } as never),
    ).rejects.toBeInstanceOf(WechatpayValidationError)
    expect(gateway.seen).toEqual([])
  })
})
