// APIv2 (XML) notifications through the public client: Vector D (a real refund req_info), signed
// pay results (signs from @wxpay/sandbox/testing, node:crypto), refund req_info encrypted here
// with node:crypto AES-256-ECB (an independent oracle, on purpose), and every way to be refused.
import { createCipheriv, createHash } from 'node:crypto'
import { signedV2Xml, v2Sign, v2Xml } from '@wxpay/sandbox/testing'
import { beforeAll, describe, expect, test } from 'vitest'
import { clientOptions, mchid } from '../../test/fixtures'
import { type TestKeys, testKeys } from '../../test/keys'
import { WechatpaySignatureError, WechatpayValidationError } from '../errors'
import { Wechatpay } from '../node'

const secret = 'Q2wE4rT6yU8iO0pA1sD3fG5hJ7kL9zX1'

let keys: TestKeys
let wxpay: Wechatpay

beforeAll(() => {
  keys = testKeys()
  wxpay = new Wechatpay({ ...clientOptions(keys), secret })
})

async function expectRefused(promise: Promise<unknown>, message?: RegExp): Promise<void> {
  const error = await promise.then(
    (value) => ({ resolved: value }),
    (err: unknown) => err,
  )
  expect(error).toBeInstanceOf(WechatpaySignatureError)
  if (message) expect((error as Error).message).toMatch(message)
}

/** node:crypto: base64(AES-256-ECB/PKCS#7(plaintext)) under the lowercase hex MD5 of the APIv2 key. */
function encryptReqInfo(plaintext: string | Buffer, key = secret): string {
  const aesKey = Buffer.from(createHash('md5').update(key).digest('hex'), 'ascii')
  const cipher = createCipheriv('aes-256-ecb', aesKey, null)
  return Buffer.concat([cipher.update(Buffer.from(plaintext)), cipher.final()]).toString('base64')
}

const paid = {
  return_code: 'SUCCESS',
  return_msg: 'OK',
  appid: 'wxd930ea5d5a258f4f',
  mch_id: mchid,
  nonce_str: 'AbC123',
  result_code: 'SUCCESS',
  openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
  trade_type: 'JSAPI',
  bank_type: 'CMC',
  total_fee: '100',
  cash_fee: '100',
  transaction_id: '4200000000000000000000000001',
  out_trade_no: '1217752501201407033233368018',
  attach: '  spaces kept  ',
  time_end: '20261130080000',
}

describe('Vector D (docs/protocol-2.md §2.3): a real refund notification req_info', () => {
  // gopay wechat/notify_test.go (TestDecryptRefundNotifyReqInfo), APIv2 key ziR0QKsTUfMOuochC9RfCdmfHECorQAP.
  const reqInfo =
    'YYwp8C48th0wnQzTqeI+41pflB26v+smFj9z6h9RPBgxTyZyxc+4YNEz7QEgZNWj/6rIb2MfyWMZmCc41CfjKSssoSZPXxOhUayb6KvNSZ1p6frOX1PDWzhyruXK7ouNND+gDsG4yZ0XXzsL4/pYNwLLba/71QrnkJ/BHcByk4EXnglju5DLup9pJQSnTxjomI9Rxu57m9jg5lLQFxMWXyeASZJNvof0ulnHlWJswS4OxKOkmW7VEyKyLGV6npoOm03Qsx2wkRxLsSa9gPpg4hdaReeUqh1FMbm7aWjyrVYT/MEZWg98p4GomEIYvz34XfDncTezX4bf/ZiSLXt79aE1/YTZrYfymXeCrGjlbe0rg/T2ezJHAC870u2vsVbY1/KcE2A443N+DEnAziXlBQ1AeWq3Rqk/O6/TMM0lomzgctAOiAMg+bh5+Gu1ubA9O3E+vehULydD5qx2o6i3+qA9ORbH415NyRrQdeFq5vmCiRikp5xYptWiGZA0tkoaLKMPQ4ndE5gWHqiBbGPfULZWokI+QjjhhBmwgbd6J0VqpRorwOuzC/BHdkP72DCdNcm7IDUpggnzBIy0+seWIkcHEryKjge3YDHpJeQCqrAH0CgxXHDt1xtbQbST1VqFyuhPhUjDXMXrknrGPN/oE1t0rLRq+78cI+k8xe5E6seeUXQsEe8r3358mpcDYSmXWSXVZxK6er9EF98APqHwcndyEJD2YyCh/mMVhERuX+7kjlRXSiNUWa/Cv/XAKFQuvUYA5ea2eYWtPRHa4DpyuF1SNsaqVKfgqKXZrJHfAgslVpSVqUpX4zkKszHF4kwMZO3M7J1P94Mxa7Tm9mTOJePOoHPXeEB+m9rX6pSfoi3mJDQ5inJ+Vc4gOkg/Wd/lqiy6TTyP/dHDN6/v+AuJx5AXBo/2NDD3fWhHjkqEKIuARr2ClZt9ZRQO4HkXdZo7CN06sGCHk48Tg8PmxnxKcMZm7Aoquv5yMIM2gWSWIRJhwJ8cUpafIHc+GesDlbF6Zbt+/KXkafJAQq2RklEN+WvZ/zFz113EPgWPjp16TwBoziq96MMekvWKY/vdhjol8VFtGH9F61Oy1Xwf6DJtPw=='
  const envelope = {
    return_code: 'SUCCESS',
    appid: 'wx2421b1c4370ec43b',
    mch_id: '10000100',
    nonce_str: 'TeqClE3i0mvn3DrK',
    req_info: reqInfo,
  }
  const client = () => new Wechatpay({ mchid: '10000100', secret: 'ziR0QKsTUfMOuochC9RfCdmfHECorQAP' })

  test('decrypts to the refund fields; the envelope is kept apart as data', async () => {
    expect(reqInfo).toHaveLength(1112)
    const notification = await client().notifications.parseV2(v2Xml(envelope))
    expect(notification.kind).toBe('refund')
    if (notification.kind !== 'refund') throw new Error('narrowing')
    expect({ ...notification.refund }).toEqual({
      out_refund_no: '50fd012ed1b311e7af7800163e32c503',
      out_trade_no: '4893e76d8c8b434cb64e9cd536338e33',
      refund_account: 'REFUND_SOURCE_RECHARGE_FUNDS',
      refund_fee: '6',
      refund_id: '50000404922017112502468056157',
      refund_recv_accout: '支付用户零钱',
      refund_request_source: 'API',
      refund_status: 'SUCCESS',
      settlement_refund_fee: '6',
      settlement_total_fee: '6',
      success_time: '2017-11-25 15:36:17',
      total_fee: '6',
      transaction_id: '4200000015201711256947025404',
    })
    expect({ ...notification.data }).toEqual(envelope)
  })

  test('another APIv2 key cannot decrypt it', async () => {
    await expectRefused(
      new Wechatpay({ mchid: '10000100', secret }).notifications.parseV2(v2Xml(envelope)),
      /req_info/,
    )
  })

  test('req_info with a byte changed in its last block does not decrypt (padding)', async () => {
    const bytes = Buffer.from(reqInfo, 'base64')
    bytes[bytes.length - 1]! ^= 0x5a
    await expectRefused(
      client().notifications.parseV2(v2Xml({ ...envelope, req_info: bytes.toString('base64') })),
      /req_info/,
    )
  })
})

describe('refund notifications (node:crypto encrypts req_info)', () => {
  const refund = `<root><out_refund_no><![CDATA[R1]]></out_refund_no><refund_status><![CDATA[SUCCESS]]></refund_status><refund_fee><![CDATA[100]]></refund_fee></root>`
  const envelope = (req_info: string) =>
    v2Xml({ return_code: 'SUCCESS', mch_id: mchid, nonce_str: 'n', req_info })

  test('round trip, as text and as bytes', async () => {
    for (const body of [envelope(encryptReqInfo(refund)), Buffer.from(envelope(encryptReqInfo(refund)))]) {
      const notification = await wxpay.notifications.parseV2(body)
      expect(notification.kind === 'refund' && { ...notification.refund }).toEqual({
        out_refund_no: 'R1',
        refund_status: 'SUCCESS',
        refund_fee: '100',
      })
    }
  })

  test.each<[string, string, RegExp]>([
    ['encrypted with another APIv2 key', encryptReqInfo(refund, secret.replace('Q', 'q')), /req_info/],
    ['not base64', '***', /req_info is not base64/],
    [
      'not whole blocks',
      Buffer.from(encryptReqInfo(refund), 'base64').subarray(0, 20).toString('base64'),
      /decrypt/,
    ],
    ['a plaintext that is not XML', encryptReqInfo('hello'), /req_info/],
    [
      'a plaintext with an <xml> root instead of <root>',
      encryptReqInfo(refund.replaceAll('root>', 'xml>')),
      /<root>/,
    ],
    ['a plaintext with a DOCTYPE', encryptReqInfo(`<!DOCTYPE root [<!ENTITY x "y">]>${refund}`), /DOCTYPE/],
    ['an empty <root/>', encryptReqInfo('<root></root>'), /no fields/],
    ['a plaintext that is not UTF-8', encryptReqInfo(Buffer.from([0x3c, 0xff, 0x3e])), /UTF-8/],
  ])('req_info %s is refused', async (_, reqInfo, message) => {
    await expectRefused(wxpay.notifications.parseV2(envelope(reqInfo)), message)
  })

  test("another merchant's envelope (mch_id) is refused, even when req_info decrypts", async () => {
    const xml = v2Xml({
      return_code: 'SUCCESS',
      mch_id: '1900000999',
      nonce_str: 'n',
      req_info: encryptReqInfo(refund),
    })
    await expectRefused(wxpay.notifications.parseV2(xml), /mch_id 1900000999 is not this client's mchid/)
  })
})

describe('signed notifications (pay results)', () => {
  test.each([
    ['MD5 without sign_type (32 hex)', signedV2Xml(paid, secret)],
    ['MD5 with sign_type MD5', signedV2Xml({ ...paid, sign_type: 'MD5' }, secret, 'MD5')],
    ['HMAC-SHA256 with sign_type', signedV2Xml({ ...paid, sign_type: 'HMAC-SHA256' }, secret, 'HMAC-SHA256')],
    ['HMAC-SHA256 without sign_type (64 hex)', v2Xml({ ...paid, sign: v2Sign(paid, secret, 'HMAC-SHA256') })],
    ['an unknown extra field, signed', signedV2Xml({ ...paid, promotion_detail: '{"a":1}' }, secret)],
  ])('%s verifies; every field comes back as a string', async (_, xml) => {
    const notification = await wxpay.notifications.parseV2(xml)
    expect(notification.kind).toBe('signed')
    expect(notification.data).toMatchObject(paid)
  })

  test.each<[string, string, RegExp]>([
    ['a bad sign', v2Xml({ ...paid, sign: 'F'.repeat(32) }), /does not verify \(MD5\)/],
    [
      'a field changed after signing',
      signedV2Xml(paid, secret).replace('[CDATA[100]]', '[CDATA[1]]'),
      /does not verify/,
    ],
    [
      'a field added after signing',
      signedV2Xml(paid, secret).replace('</xml>', '<coupon_fee>1</coupon_fee></xml>'),
      /does not verify/,
    ],
    ['signed with another key', signedV2Xml(paid, secret.replace('Q', 'q')), /does not verify/],
    [
      'an MD5 sign under sign_type HMAC-SHA256',
      v2Xml({
        ...paid,
        sign_type: 'HMAC-SHA256',
        sign: v2Sign({ ...paid, sign_type: 'HMAC-SHA256' }, secret, 'MD5'),
      }),
      /does not verify \(HMAC-SHA256\)/,
    ],
    ['sign_type SHA1', v2Xml({ ...paid, sign_type: 'SHA1', sign: 'A'.repeat(40) }), /sign_type/],
    ['a 40-hex sign without sign_type', v2Xml({ ...paid, sign: 'A'.repeat(40) }), /32 nor 64/],
    [
      'the sign in lowercase',
      v2Xml({ ...paid, sign: v2Sign(paid, secret).toLowerCase() }),
      /does not verify/,
    ],
    [
      "another merchant's, signed with the same APIv2 key (mch_id)",
      signedV2Xml({ ...paid, mch_id: '1900000999' }, secret),
      /mch_id 1900000999 is not this client's mchid/,
    ],
    ["another merchant's (mchid)", signedV2Xml({ ...paid, mchid: '1900000999' }, secret), /mchid 1900000999/],
    ['neither sign nor req_info', v2Xml(paid), /neither sign nor req_info/],
    ['a FAIL without sign', v2Xml({ return_code: 'FAIL', return_msg: 'x' }), /neither/],
    ['a DOCTYPE', `<!DOCTYPE xml [<!ENTITY e "x">]>${signedV2Xml(paid, secret)}`, /DOCTYPE/],
    ['not XML', 'hello', /malformed XML/],
    ['a JSON body', JSON.stringify(paid), /malformed XML/],
  ])('%s is refused', async (_, xml, message) => {
    await expectRefused(wxpay.notifications.parseV2(xml), message)
  })

  test("a service provider: sub_mch_id is the handler's to check (the client has no sub-merchant)", async () => {
    const notification = await wxpay.notifications.parseV2(
      signedV2Xml({ ...paid, sub_mch_id: '1900000888' }, secret),
    )
    expect(notification.data).toMatchObject({ mch_id: mchid, sub_mch_id: '1900000888' })
  })

  test('a body over 1 MiB is refused; bytes that are not UTF-8 are refused', async () => {
    const big = signedV2Xml({ ...paid, attach: 'x'.repeat(1024 * 1024) }, secret)
    await expectRefused(wxpay.notifications.parseV2(big), /larger than/)
    await expectRefused(wxpay.notifications.parseV2(Buffer.from([0x3c, 0x78, 0xff])), /UTF-8/)
  })

  test('a client without secret refuses, naming secret', async () => {
    const client = new Wechatpay({ mchid })
    const error = await client.notifications.parseV2(signedV2Xml(paid, secret)).catch((err: unknown) => err)
    expect(error).toBeInstanceOf(WechatpayValidationError)
    expect((error as WechatpayValidationError).option).toBe('secret')
  })
})
