// APIv2 request preparation and reply decoding, against the scriptable gateway of
// @wxpay/sandbox/testing, which checks each request's sign with node:crypto and signs replies.
import { type Gateway, signedV2Xml, startGateway, v2Xml } from '@wxpay/sandbox/testing'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import {
  appid,
  clientOptions,
  mchid,
  merchantSerial,
  platformSerial,
  secret,
  v2OrderPaidReply,
} from '../../test/fixtures'
import { testKeys } from '../../test/keys'
import { WechatpayBusinessError, WechatpayValidationError } from '../errors'
import { Wechatpay as FetchWechatpay } from '../index'
import { Wechatpay } from '../node'

let gateway: Gateway
let clients: Array<[string, Wechatpay]>

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
  const options = { ...clientOptions(keys), baseUrl: gateway.url, backupBaseUrl: false as const }
  clients = [
    ['undici', new Wechatpay(options)],
    ['fetch', new FetchWechatpay(options) as Wechatpay],
  ]
})

afterAll(async () => {
  await gateway.close()
})

afterEach(() => {
  gateway.seen.length = 0
  gateway.handler = () => ({ status: 204 })
})

const success = {
  return_code: 'SUCCESS',
  return_msg: 'OK',
  appid,
  mch_id: mchid,
  nonce_str: 'r',
  result_code: 'SUCCESS',
}

describe.each([0, 1])('v2 calls, transport %i', (index) => {
  const close = (xml: Record<string, string>) =>
    clients[index]![1].v2.pay.closeorder.post({ xml: { appid, mch_id: mchid, out_trade_no: 'T1', ...xml } })

  test('an unsigned return_code FAIL cannot choose the error code: FAIL, with return_msg', async () => {
    // Before: code ORDERPAID, taken from a reply nobody signed.
    gateway.handler = () => ({
      status: 200,
      body: v2Xml({
        return_code: 'FAIL',
        return_msg: '签名错误',
        err_code: 'ORDERPAID',
        err_code_des: 'order paid',
      }),
    })
    const error = await close({}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatpayBusinessError)
    expect(error).toMatchObject({ code: 'FAIL', message: '签名错误' })
    expect((error as WechatpayBusinessError).data).toEqual({ return_code: 'FAIL', return_msg: '签名错误' })
  })

  test('a return_code FAIL carrying a sign is still FAIL (only SUCCESS replies are verified)', async () => {
    gateway.handler = () => ({
      status: 200,
      body: signedV2Xml({ return_code: 'FAIL', return_msg: 'x', err_code: 'SYSTEMERROR' }, secret),
    })
    await expect(close({})).rejects.toMatchObject({
      name: 'WechatpayBusinessError',
      code: 'FAIL',
      message: 'x',
    })
  })

  test('a return_code FAIL without return_msg → code and message FAIL', async () => {
    gateway.handler = () => ({ status: 200, body: v2Xml({ return_code: 'FAIL', err_code_des: 'chosen' }) })
    await expect(close({})).rejects.toMatchObject({
      code: 'FAIL',
      message: 'FAIL',
      data: { return_code: 'FAIL' },
    })
  })

  test('a verified result_code FAIL names its err_code', async () => {
    gateway.handler = () => ({ status: 200, body: signedV2Xml(v2OrderPaidReply, secret) })
    await expect(close({})).rejects.toMatchObject({ code: 'ORDERPAID', message: 'order paid' })
  })

  test('an empty nonce_str is replaced by a generated one (empty values are not signed)', async () => {
    // Before: sent empty, and left out of the sign.
    gateway.handler = () => ({ status: 200, body: signedV2Xml(success, secret) })
    await close({ nonce_str: '' })
    const seen = gateway.seen[0]!
    expect(seen.fields?.nonce_str).toMatch(/^[0-9A-Za-z]{32}$/)
    expect(seen.valid).toBe(true)
  })

  test('a given nonce_str is sent as given', async () => {
    gateway.handler = () => ({ status: 200, body: signedV2Xml(success, secret) })
    await close({ nonce_str: 'ibuaiVcKdpRxkhJA' })
    expect(gateway.seen[0]!.fields?.nonce_str).toBe('ibuaiVcKdpRxkhJA')
    expect(gateway.seen[0]!.valid).toBe(true)
  })

  test.each([
    ['attach', ' a'],
    ['attach', 'a '],
    ['body', 'test\n'],
    ['body', '\ttest'],
    ['device_info', '\u3000x'],
    ['appid', `${appid} `],
  ])('xml.%s = %j (whitespace at an end) → refused before I/O', async (field, value) => {
    // Before: sent; the gateway trims before checking, so the sign would not match.
    const error = await close({ [field]: value }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatpayValidationError)
    expect(error).toMatchObject({ option: `xml.${field}` })
    expect(gateway.seen).toHaveLength(0)
  })

  test('whitespace inside a value is kept and signed', async () => {
    gateway.handler = () => ({ status: 200, body: signedV2Xml(success, secret) })
    await close({ attach: 'a b\tc\nd' })
    expect(gateway.seen[0]!.fields?.attach).toBe('a b\tc\nd')
    expect(gateway.seen[0]!.valid).toBe(true)
  })
})
