// Pay-sign against the vectors of the protocol notes: H and I are WeChat Pay's official examples
// (the official test key, OFFICIAL_TEST_PRIVATE_KEY), J and K were computed independently with
// openssl from WeChat Pay's sample APIv2 key. The expected values are copied, never recomputed here.
import { createHash, createPublicKey, verify } from 'node:crypto'
import { OFFICIAL_TEST_PRIVATE_KEY } from '@wxpay/sandbox/testing'
import { describe, expect, test } from 'vitest'
import { WechatpayValidationError } from '../errors'
import { Wechatpay } from '../index'

const SAMPLE_V2_KEY = '192006250b4c09247ec02edce69f6a2d'
const wxpay = new Wechatpay({
  mchid: '10000100',
  privateKey: OFFICIAL_TEST_PRIVATE_KEY,
  secret: SAMPLE_V2_KEY,
})
const H = {
  appId: 'wx2421b1c4370ec43b',
  timeStamp: '1554208460',
  nonceStr: '593BEC0C930BF1AFEB40B4A08C8FB242',
  prepayId: 'wx201410272009395522657a690389285100',
}
const VECTOR_H =
  'mI35pfNEQV6777ke/1T+LJLQDNTm7yeoUJH+j/adPGhmCCi0PbgkvYQTRcXH0uibcLVtvFLdGLpmoYO9FV6lBBsTAjuhh5YOvQi0e2g3e0yytitiNET9FEuqM0pjnKfRW4K6LIZDdbWJv9KhZUx3DrJa5TL7OJ7VdADVivxVySIlPVKjGwuCXzuXSJes0UcILgWQUMyha5/3nYofuHtS7r+KYyMuxD+oJ9VM1Qdxk4UIG59CP5Y3wtYIFybyF3bdu1caHTRRX+DLyMXyYA/IrTmiW01c4RPjpHBX5Dk1sZyY1zVsWNsvMHr2e1NTWtBxKJ+qk5N61J7caYoepHFaxw=='
const VECTOR_I =
  'gXx9KhTP6IooKV1SuG3OCGlBIgZbKtubCZvnau6khw1iffvNT28IzLbKmztq2xA/RCNbZa1XOsoiuVmAEeTZQicWfhv4P+O4oBRIrx0X9f3cnWFkMBU9alTWs0nyQ1N9fcILOTe0f4kxOhVh+/Xhn5hOiUK7Sz3XA1mcpa3R2NCWf/e+0ow/RDf15iTymOHgDrEkT/gedg/3E0iXfDX3mFicSZhrHESZDOTXcl9RzELREBUFznd/o2NQM99WcL86m23HY0cTy+QGWU4QDmNrbQ9ihmLW71qPb0Cx/d7EQvw/Kyx0A6s64ZQp3hHdcmiRcLnjVXrKCk7LShaCK+lS3Q=='
const J = {
  appId: 'wx2421b1c4370ec43b',
  timeStamp: '1395712654',
  nonceStr: 'e61463f8efa94090b1f366cccfbbb444',
  prepayId: 'u802345jgfjsdfgsdg888',
}
const K = {
  appId: 'wx2421b1c4370ec43b',
  partnerId: '10000100',
  prepayId: 'wx201410272009395522657a690389285100',
  nonceStr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
  timeStamp: '1554208460',
}

describe('APIv3 (SHA256withRSA, merchant key)', () => {
  test('vector H: JSAPI', async () => {
    expect(await wxpay.paySign.jsapi(H)).toEqual({
      appId: H.appId,
      timeStamp: H.timeStamp,
      nonceStr: H.nonceStr,
      package: `prepay_id=${H.prepayId}`,
      signType: 'RSA',
      paySign: VECTOR_H,
    })
  })
  test('vector H: mini program (the same signature, no appId)', async () => {
    expect(await wxpay.paySign.miniProgram(H)).toEqual({
      timeStamp: H.timeStamp,
      nonceStr: H.nonceStr,
      package: `prepay_id=${H.prepayId}`,
      signType: 'RSA',
      paySign: VECTOR_H,
    })
  })
  test('vector I: APP (the bare prepay_id is signed), OpenSDK PayReq fields', async () => {
    expect(await wxpay.paySign.app(H)).toEqual({
      appid: H.appId,
      partnerid: '10000100',
      prepayid: H.prepayId,
      package: 'Sign=WXPay',
      noncestr: H.nonceStr,
      timestamp: H.timeStamp,
      sign: VECTOR_I,
    })
  })
  test('timeStamp and nonceStr are generated when not given; node:crypto verifies the result', async () => {
    const before = Math.floor(Date.now() / 1000)
    const params = await wxpay.paySign.jsapi({ appId: H.appId, prepayId: H.prepayId })
    expect(params.nonceStr).toMatch(/^[0-9A-Za-z]{32}$/)
    expect(Number(params.timeStamp)).toBeGreaterThanOrEqual(before)
    const message = `${H.appId}\n${params.timeStamp}\n${params.nonceStr}\n${params.package}\n`
    const key = createPublicKey(OFFICIAL_TEST_PRIVATE_KEY)
    expect(verify('sha256', Buffer.from(message), key, Buffer.from(params.paySign, 'base64'))).toBe(true)
  })
})

describe('APIv2 (MD5 / HMAC-SHA256, APIv2 key)', () => {
  test('vector J: JSAPI, MD5 (default) and HMAC-SHA256', async () => {
    expect(await wxpay.paySign.v2.jsapi(J)).toEqual({
      appId: J.appId,
      timeStamp: J.timeStamp,
      nonceStr: J.nonceStr,
      package: `prepay_id=${J.prepayId}`,
      signType: 'MD5',
      paySign: '0784A14C2CD35747364F62512E724FD8',
    })
    const hmac = await wxpay.paySign.v2.miniProgram({ ...J, signType: 'HMAC-SHA256' })
    expect(hmac).toEqual({
      timeStamp: J.timeStamp,
      nonceStr: J.nonceStr,
      package: `prepay_id=${J.prepayId}`,
      signType: 'HMAC-SHA256',
      paySign: '09064E137ACF9AEAA1B73E43E70968EC55B3952D4BC0A6FCEBB6F86FB2912319',
    })
  })
  test('vector K: APP, MD5 (default) and HMAC-SHA256; no signType in the result', async () => {
    const md5 = await wxpay.paySign.v2.app(K)
    expect(md5).toEqual({
      appid: K.appId,
      partnerid: K.partnerId,
      prepayid: K.prepayId,
      package: 'Sign=WXPay',
      noncestr: K.nonceStr,
      timestamp: K.timeStamp,
      sign: '955357D426B18CA09A49C240B988A0F7',
    })
    expect((await wxpay.paySign.v2.app({ ...K, signType: 'HMAC-SHA256' })).sign).toBe(
      'D8E3DA241E0D0FD284DADD35AB75C56C99AC6D2124F3F54572F66A4EE78970A4',
    )
    // the string K documents, hashed with node:crypto: the two agree on what is signed
    const string = `appid=${K.appId}&noncestr=${K.nonceStr}&package=Sign=WXPay&partnerid=${K.partnerId}&prepayid=${K.prepayId}&timestamp=${K.timeStamp}&key=${SAMPLE_V2_KEY}`
    expect(createHash('md5').update(string).digest('hex').toUpperCase()).toBe(md5.sign)
  })
})

describe('bad input: a WechatpayValidationError naming the field', () => {
  test.each([
    [{ ...H, appId: '' }, 'appId'],
    [{ ...H, prepayId: `prepay_id=${H.prepayId}` }, 'prepayId'],
    [{ ...H, timeStamp: '1554208460\n' }, 'timeStamp'],
    [{ ...H, nonceStr: 'x'.repeat(33) }, 'nonceStr'],
  ])('%o', async (input, option) => {
    await expect(wxpay.paySign.jsapi(input)).rejects.toMatchObject({
      name: 'WechatpayValidationError',
      option,
    })
  })
  test('a v2 signType other than MD5 / HMAC-SHA256', async () => {
    // @ts-expect-error not a sign type
    await expect(wxpay.paySign.v2.jsapi({ ...J, signType: 'SHA1' })).rejects.toMatchObject({
      option: 'signType',
    })
  })
  test('no privateKey (v3) / no secret (v2)', async () => {
    const bare = new Wechatpay({ mchid: '10000100' })
    const v3 = await bare.paySign.jsapi(H).catch((e: unknown) => e)
    expect(v3).toBeInstanceOf(WechatpayValidationError)
    expect(v3).toMatchObject({ option: 'privateKey' })
    await expect(bare.paySign.v2.app(K)).rejects.toMatchObject({ option: 'secret' })
  })
})
