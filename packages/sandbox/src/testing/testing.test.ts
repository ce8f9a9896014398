// The test doubles against fixed vectors and independent checks: a double that is wrong would
// make every test that uses it prove nothing.
import { createPublicKey, verify } from 'node:crypto'
import { afterEach, beforeAll, describe, expect, test } from 'vitest'
import {
  checkV3Authorization,
  decryptResource,
  encryptResource,
  type Gateway,
  rsaKeyPair,
  signedV2Xml,
  signV3Notification,
  signV3Reply,
  startGateway,
  type TestCredentials,
  testCredentials,
  v2Sign,
  v2Xml,
  v3Authorization,
  verifyV3Reply,
} from './index'
import { NOTIFICATION_VECTOR, OFFICIAL_TEST_PRIVATE_KEY } from './vectors'

// The APIv3 key of wechatpay-java's AeadAesCipherTest (32 bytes: AES-256).
const APIV3_KEY = NOTIFICATION_VECTOR.apiv3Key

describe('notification resource (AEAD_AES_256_GCM)', () => {
  test("decrypts wechatpay-java's AeadAesCipherTest vector, and encrypts it back byte for byte", () => {
    const resource = { nonce: 'uluk4a9R25RW', associated_data: 'associatedData' }
    const ciphertext = 'ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI='
    expect(decryptResource(APIV3_KEY, { ...resource, algorithm: 'AEAD_AES_256_GCM', ciphertext })).toBe(
      'message',
    )
    expect(encryptResource(APIV3_KEY, resource.nonce, resource.associated_data, 'message')).toBe(ciphertext)
  })

  test('a flipped tag bit or another AAD fails to decrypt; a key that is not 32 bytes is refused', () => {
    const ciphertext = encryptResource(APIV3_KEY, 'n0nce0123456', 'transaction', '{"a":1}')
    const bytes = Buffer.from(ciphertext, 'base64')
    bytes[bytes.length - 1]! ^= 1
    const base = { algorithm: 'AEAD_AES_256_GCM' as const, nonce: 'n0nce0123456' }
    expect(() =>
      decryptResource(APIV3_KEY, {
        ...base,
        associated_data: 'transaction',
        ciphertext: bytes.toString('base64'),
      }),
    ).toThrow()
    expect(() => decryptResource(APIV3_KEY, { ...base, associated_data: 'refund', ciphertext })).toThrow()
    expect(() => encryptResource('testMchAPIv3Key0', 'n0nce0123456', '', 'x')).toThrow(/32 bytes/)
  })
})

describe('signV3Notification', () => {
  const { plaintext, ciphertext, signature } = NOTIFICATION_VECTOR

  test('reproduces the vector byte for byte: body, ciphertext and signature', () => {
    const { headers, body } = signV3Notification({
      privateKey: OFFICIAL_TEST_PRIVATE_KEY,
      serial: 'PUB_KEY_ID_0119000001092026112200000000000001',
      apiv3Key: APIV3_KEY,
      id: 'EV-2018022511223320873',
      create_time: '2015-05-20T13:29:35+08:00',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      original_type: 'transaction',
      resource: plaintext,
      nonce: 'fK3pQ9sZ2mXw',
      associatedData: 'transaction',
      timestamp: 1554208460,
      signatureNonce: '593BEC0C930BF1AFEB40B4A08C8FB242',
    })
    expect(body).toBe(
      `{"id":"EV-2018022511223320873","create_time":"2015-05-20T13:29:35+08:00","resource_type":"encrypt-resource","event_type":"TRANSACTION.SUCCESS","summary":"支付成功","resource":{"original_type":"transaction","algorithm":"AEAD_AES_256_GCM","ciphertext":"${ciphertext}","associated_data":"transaction","nonce":"fK3pQ9sZ2mXw"}}`,
    )
    expect(headers).toEqual({
      'Wechatpay-Timestamp': '1554208460',
      'Wechatpay-Nonce': '593BEC0C930BF1AFEB40B4A08C8FB242',
      'Wechatpay-Signature': signature,
      'Wechatpay-Serial': 'PUB_KEY_ID_0119000001092026112200000000000001',
      'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
      'Content-Type': 'application/json',
    })
  })

  test('defaults: a fresh envelope that verifies and decrypts; associatedData null leaves the field out', () => {
    const { publicKey, privateKey } = rsaKeyPair()
    const serial = 'PUB_KEY_ID_X'
    const { headers, body } = signV3Notification({
      privateKey,
      serial,
      apiv3Key: APIV3_KEY,
      resource: { a: 1 },
    })
    expect(verifyV3Reply({ headers, body, serial, publicKey, now: Math.floor(Date.now() / 1000) })).toBe(true)
    const envelope = JSON.parse(body)
    expect(envelope).toMatchObject({ resource_type: 'encrypt-resource', event_type: 'TRANSACTION.SUCCESS' })
    expect(envelope.create_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/)
    expect(envelope.resource.nonce).toMatch(/^[0-9A-Za-z]{12}$/)
    expect(decryptResource(APIV3_KEY, envelope.resource)).toBe('{"a":1}')
    const bare = JSON.parse(
      signV3Notification({ privateKey, serial, apiv3Key: APIV3_KEY, resource: 'x', associatedData: null })
        .body,
    )
    expect('associated_data' in bare.resource).toBe(false)
    expect(decryptResource(APIV3_KEY, bare.resource)).toBe('x')
  })
})

describe('v2', () => {
  test("v2Sign is the sandbox's, checked against the official sample (MD5)", () => {
    const sample = {
      appid: 'wxd930ea5d5a258f4f',
      mch_id: '10000100',
      body: 'test',
      nonce_str: 'ibuaiVcKdpRxkhJA',
      device_info: '1000',
    }
    expect(v2Sign(sample, '192006250b4c09247ec02edce69f6a2d', 'MD5')).toBe('9A0A8659F005D6984697E2CA0A9CF3B7')
  })

  test('v2Xml keeps order and any value (a "]]>" inside CDATA); signedV2Xml signs last', () => {
    expect(v2Xml({ b: 'x]]>y', a: '' })).toBe(
      '<xml><b><![CDATA[x]]]]><![CDATA[>y]]></b><a><![CDATA[]]></a></xml>',
    )
    const xml = signedV2Xml({ return_code: 'SUCCESS' }, 'k', 'HMAC-SHA256')
    expect(xml).toMatch(/<sign><!\[CDATA\[[0-9A-F]{64}\]\]><\/sign><\/xml>$/)
    expect(signedV2Xml({ a: '1' }, 'k')).toContain(v2Sign({ a: '1' }, 'k', 'MD5'))
    expect(() => signedV2Xml({ a: '1' }, 'k', 'SHA1')).toThrow(/SHA1/)
  })
})

describe('v3 reply and request signers', () => {
  let c: TestCredentials
  beforeAll(() => {
    c = testCredentials()
  })

  test('signV3Reply: node:crypto verifies exactly TIMESTAMP\\nNONCE\\nBODY\\n', () => {
    const h = signV3Reply({ privateKey: c.platform.privateKey, serial: c.platformSerial, body: '{"a":1}' })
    expect(h['Wechatpay-Nonce']).toMatch(/^[0-9A-Za-z]{32}$/)
    const message = `${h['Wechatpay-Timestamp']}\n${h['Wechatpay-Nonce']}\n{"a":1}\n`
    const signature = Buffer.from(h['Wechatpay-Signature'], 'base64')
    expect(verify('sha256', Buffer.from(message), c.platform.publicKey, signature)).toBe(true)
    const check = (extra: Partial<Parameters<typeof verifyV3Reply>[0]>) =>
      verifyV3Reply({
        headers: h,
        body: '{"a":1}',
        serial: c.platformSerial,
        publicKey: c.platform.publicKey,
        ...extra,
      })
    expect(check({})).toBe(true)
    expect(check({ body: '{"a":2}' })).toBe(false)
    expect(check({ serial: 'PUB_KEY_ID_OTHER' })).toBe(false)
    expect(check({ publicKey: c.other.publicKey })).toBe(false)
    expect(check({ now: Number(h['Wechatpay-Timestamp']) + 300 })).toBe(false)
    expect(check({ now: Number(h['Wechatpay-Timestamp']) + 299 })).toBe(true)
  })

  test('v3Authorization → checkV3Authorization; another key, path or body is refused', () => {
    const request = { method: 'POST', target: '/v3/x?a=1', body: '{"b":2}' }
    const authorization = v3Authorization({
      ...request,
      privateKey: c.merchant.privateKey,
      mchid: c.mchid,
      serial: c.merchantSerial,
    })
    const expected = { mchid: c.mchid, serial: c.merchantSerial, publicKey: c.merchant.publicKey }
    expect(checkV3Authorization({ ...request, authorization }, expected)).toBeUndefined()
    expect(checkV3Authorization({ ...request, target: '/v3/x', authorization }, expected)).toMatch(
      /signature/,
    )
    expect(checkV3Authorization({ ...request, body: '{}', authorization }, expected)).toMatch(/signature/)
    expect(
      checkV3Authorization({ ...request, authorization }, { ...expected, publicKey: c.other.publicKey }),
    ).toMatch(/signature/)
    expect(checkV3Authorization({ ...request, authorization }, { ...expected, now: 0 })).toMatch(/300 s/)
    expect(checkV3Authorization({ ...request, authorization: undefined }, expected)).toMatch(/missing/)
  })
})

describe('startGateway', () => {
  let c: TestCredentials
  let gateway: Gateway
  beforeAll(async () => {
    c = testCredentials()
    gateway = await startGateway({
      mchid: c.mchid,
      merchantSerial: c.merchantSerial,
      merchantPublicKey: c.merchant.publicKey,
      platformSerial: c.platformSerial,
      platformKey: c.platform.privateKey,
      secret: c.secret,
    })
    return () => gateway.close()
  })
  afterEach(() => {
    gateway.seen.length = 0
    gateway.handler = () => ({ status: 204 })
  })

  const post = (target: string, body: string, authorization?: string) =>
    fetch(new URL(target.slice(1), gateway.url), {
      method: 'POST',
      body,
      headers: authorization ? { authorization } : {},
    })

  test('checks a v3 request and signs its 2xx reply; a request without Authorization is not valid', async () => {
    gateway.handler = () => ({ status: 200, body: '{"ok":true}' })
    const authorization = v3Authorization({
      method: 'POST',
      target: '/v3/x',
      body: '{}',
      privateKey: c.merchant.privateKey,
      mchid: c.mchid,
      serial: c.merchantSerial,
      nonce: 'A'.repeat(32),
    })
    const res = await post('/v3/x', '{}', authorization)
    const body = await res.text()
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(
      verifyV3Reply({
        headers: res.headers,
        body,
        serial: c.platformSerial,
        publicKey: c.platform.publicKey,
      }),
    ).toBe(true)
    await post('/v3/x', '{}')
    expect(gateway.seen.map((s) => s.valid)).toEqual([true, false])
    expect(gateway.seen[1]!.reason).toMatch(/missing/)
  })

  test('checks a v2 sign; parses the fields', async () => {
    const fields = { mch_id: c.mchid, nonce_str: 'n', sign_type: 'HMAC-SHA256' }
    await post('/pay/closeorder', signedV2Xml(fields, c.secret, 'HMAC-SHA256'))
    await post('/pay/closeorder', signedV2Xml(fields, 'another-key', 'HMAC-SHA256'))
    expect(gateway.seen.map((s) => s.valid)).toEqual([true, false])
    expect(gateway.seen[0]!.fields).toMatchObject(fields)
  })

  test('header lines go out as given, repeated names included; no signing when told not to', async () => {
    gateway.handler = () => ({
      status: 200,
      headers: [
        ['X-A', '1'],
        ['X-A', '2'],
      ],
      body: 'b',
      sign: false,
    })
    const res = await post('/v3/x', '')
    expect(res.headers.get('x-a')).toBe('1, 2')
    expect(res.headers.get('wechatpay-signature')).toBeNull()
    expect(res.headers.get('content-type')).toBeNull()
  })

  test('reset, raw bytes, an async handler, and a stream counted as it goes', async () => {
    gateway.handler = () => 'reset'
    await expect(post('/v3/x', '')).rejects.toThrow()
    gateway.handler = () => ({ raw: 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort' })
    await expect(post('/v3/x', '').then((r) => r.text())).rejects.toThrow()
    gateway.handler = async () => ({ status: 202, body: 'later', sign: false })
    expect(await (await post('/v3/x', '')).text()).toBe('later')
    gateway.handler = () => ({ stream: { status: 200, chunk: Buffer.alloc(1024, 120), total: 64 * 1024 } })
    expect((await (await post('/v3/x', '')).arrayBuffer()).byteLength).toBe(64 * 1024)
    expect(gateway.streamed).toBe(64 * 1024)
  })

  test('hang: never answers; close() still ends', async () => {
    const hanging = await startGateway()
    hanging.handler = () => 'hang'
    const call = fetch(hanging.url, { signal: AbortSignal.timeout(200) })
    await expect(call).rejects.toThrow()
    expect(hanging.seen).toHaveLength(1)
    await hanging.close()
  })
})

test('the public key of the official test key is the one the vector names (modulus 00a6da66fa…)', () => {
  const jwk = createPublicKey(OFFICIAL_TEST_PRIVATE_KEY).export({ format: 'jwk' })
  expect(Buffer.from(jwk.n!, 'base64url').subarray(0, 4).toString('hex')).toBe('a6da66fa')
})
