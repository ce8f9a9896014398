// APIv3 notifications end to end through the public client: Vector C (docs/protocol-2.md §1.3), round
// trips and the forgery/tampering matrix. Notifications are built here with node:crypto on purpose
// (RSA-SHA256 signing and AES-256-GCM encryption), an oracle independent of core's Web Crypto code.
import { createCipheriv, createPublicKey, randomBytes, sign } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { inspect } from 'node:util'
import { NOTIFICATION_VECTOR, OFFICIAL_TEST_PRIVATE_KEY, signV3Notification } from '@wxpay/sandbox/testing'
import { afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import { clientOptions, platformSerial } from '../../test/fixtures'
import { type TestKeys, testKeys } from '../../test/keys'
import { WechatpaySignatureError, WechatpayValidationError } from '../errors'
import { type LooseNode, Wechatpay } from '../node'
import type { WechatpayNotification } from './types'

const NOW_S = 1_790_000_000
const apiv3Key = 'k9Pz3Qw7Rt5Yu1Io8As6Df4Gh2Jk0LmN'

let keys: TestKeys
let wxpay: Wechatpay

beforeAll(() => {
  keys = testKeys()
  wxpay = new Wechatpay({ ...clientOptions(keys), apiv3Key })
})

// The window check reads Date.now(): pin it (only Date is faked; timers stay real).
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW_S * 1000 })
})
afterEach(() => {
  vi.useRealTimers()
})

/** node:crypto AES-256-GCM: base64(ciphertext ‖ 16-byte tag), as WeChat Pay builds `resource.ciphertext`. */
function encrypt(
  plaintext: string | Buffer,
  options: { key?: string; nonce?: string; aad?: string } = {},
): string {
  const cipher = createCipheriv(
    'aes-256-gcm',
    Buffer.from(options.key ?? apiv3Key),
    Buffer.from(options.nonce ?? 'fK3pQ9sZ2mXw'),
    { authTagLength: 16 },
  )
  cipher.setAAD(Buffer.from(options.aad ?? ''))
  return Buffer.concat([cipher.update(Buffer.from(plaintext)), cipher.final(), cipher.getAuthTag()]).toString(
    'base64',
  )
}

interface Envelope {
  event_type?: string
  resource?: unknown
  /** Plaintext as is (instead of JSON of `resource`). */
  plaintext?: string | Buffer
  nonce?: string
  /** `undefined`: 'transaction'; `null`: field left out. */
  aad?: string | null
  /** Encrypt with this AAD while the envelope says `aad`. */
  encryptAad?: string
  key?: string
  /** Replace the ciphertext after encryption. */
  mutate?: (sealed: Buffer) => Buffer
  extra?: Record<string, unknown>
  resourceExtra?: Record<string, unknown>
}

/** A compact JSON envelope, keys in WeChat Pay's order. */
function envelope(options: Envelope = {}): string {
  const nonce = options.nonce ?? 'fK3pQ9sZ2mXw'
  const aad = options.aad === undefined ? 'transaction' : options.aad
  const plaintext = options.plaintext ?? JSON.stringify(options.resource ?? { out_trade_no: 'T1' })
  let ciphertext = encrypt(plaintext, {
    nonce,
    aad: options.encryptAad ?? aad ?? '',
    ...(options.key ? { key: options.key } : {}),
  })
  if (options.mutate) ciphertext = options.mutate(Buffer.from(ciphertext, 'base64')).toString('base64')
  return JSON.stringify({
    id: 'EV-2018022511223320873',
    create_time: '2015-05-20T13:29:35+08:00',
    resource_type: 'encrypt-resource',
    event_type: options.event_type ?? 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: {
      original_type: 'transaction',
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext,
      ...(aad === null ? {} : { associated_data: aad }),
      nonce,
      ...options.resourceExtra,
    },
    ...options.extra,
  })
}

interface Signing {
  timestamp?: number | string
  key?: string
  serial?: string
  nonce?: string
  /** Sign this instead of the body. */
  signed?: string | Buffer
}

/** The Wechatpay-* headers over `TIMESTAMP\nNONCE\nBODY\n`, node:crypto RSA-SHA256. */
function headersFor(body: string | Buffer, options: Signing = {}): Record<string, string> {
  const timestamp = String(options.timestamp ?? NOW_S)
  const nonce = options.nonce ?? randomBytes(16).toString('hex')
  const message = Buffer.concat([
    Buffer.from(`${timestamp}\n${nonce}\n`),
    Buffer.from(options.signed ?? body),
    Buffer.from('\n'),
  ])
  return {
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Signature': sign('sha256', message, options.key ?? keys.platformKey).toString('base64'),
    'Wechatpay-Serial': options.serial ?? platformSerial,
    'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
    'Request-ID': 'rid-notify-1',
    'Content-Type': 'application/json',
  }
}

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => ({ resolved: value }),
    (err: unknown) => err,
  )
}

async function expectRefused(promise: Promise<unknown>, message?: RegExp): Promise<WechatpaySignatureError> {
  const error = await refusal(promise)
  expect(error).toBeInstanceOf(WechatpaySignatureError)
  const typed = error as WechatpaySignatureError
  expect(typed.code).toBe('SIGNATURE_INVALID')
  if (message) expect(typed.message).toMatch(message)
  return typed
}

describe('Vector C (docs/protocol-2.md §1.3): a fixed, signed and encrypted TRANSACTION.SUCCESS', () => {
  // The fixed vector: WeChat Pay's published test key signs it, wechatpay-java's 32-byte APIv3 key
  // encrypts it; shared as data by @wxpay/sandbox/testing.
  const V = NOTIFICATION_VECTOR
  const plaintext = V.plaintext
  // Compact JSON, keys in exactly this order (docs/protocol-2.md §1.3): the signature covers these bytes.
  const body = `{"id":"${V.id}","create_time":"${V.create_time}","resource_type":"encrypt-resource","event_type":"${V.event_type}","summary":"${V.summary}","resource":{"original_type":"${V.original_type}","algorithm":"AEAD_AES_256_GCM","ciphertext":"${V.ciphertext}","associated_data":"${V.associatedData}","nonce":"${V.nonce}"}}`
  // Wechatpay-Serial is not signed: any serial filed under the key in `certs` selects it.
  const serial = 'PUB_KEY_ID_0114232134912410000000000000'
  const headers = {
    'Wechatpay-Timestamp': String(V.timestamp),
    'Wechatpay-Nonce': V.signatureNonce,
    'Wechatpay-Signature': V.signature,
    'Wechatpay-Serial': serial,
    'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
  }
  const client = () =>
    new Wechatpay({
      mchid: '1900000100',
      certs: {
        [serial]: createPublicKey(OFFICIAL_TEST_PRIVATE_KEY).export({
          type: 'spki',
          format: 'pem',
        }) as string,
      },
      apiv3Key: V.apiv3Key,
    })

  test('verifies and decrypts at the vector time (1554208460)', async () => {
    vi.setSystemTime(1554208460_000)
    const event = await client().notifications.parse({ headers, body: Buffer.from(body) })
    expect(event).toEqual({
      id: 'EV-2018022511223320873',
      create_time: '2015-05-20T13:29:35+08:00',
      event_type: 'TRANSACTION.SUCCESS',
      resource_type: 'encrypt-resource',
      summary: '支付成功',
      original_type: 'transaction',
      resource: JSON.parse(plaintext),
    })
    if (event.event_type !== 'TRANSACTION.SUCCESS') throw new Error('narrowing')
    expect(event.resource.amount.total).toBe(100)
    expect(event.resource.out_trade_no).toBe('1217752501201407033233368018')
  })

  test('the same bytes 299 s later still pass; 300 s later they are refused (the window is not widened)', async () => {
    vi.setSystemTime((1554208460 + 299) * 1000)
    await expect(client().notifications.parse({ headers, body })).resolves.toMatchObject({
      id: 'EV-2018022511223320873',
    })
    vi.setSystemTime((1554208460 + 300) * 1000)
    await expectRefused(client().notifications.parse({ headers, body }), /Wechatpay-Timestamp/)
  })

  test('re-serialised (spaces, or the same JSON from JSON.stringify(JSON.parse())) is refused', async () => {
    vi.setSystemTime(1554208460_000)
    await expectRefused(
      client().notifications.parse({ headers, body: JSON.stringify(JSON.parse(body), null, 2) }),
      /does not verify/,
    )
    await expectRefused(client().notifications.parse({ headers, body: `${body}\n` }), /does not verify/)
  })
})

describe('round trips (node:crypto signs and encrypts)', () => {
  const transaction = {
    mchid: '1900000109',
    appid: 'wxd930ea5d5a258f4f',
    out_trade_no: 'T1',
    transaction_id: '4200000000000000000000000001',
    trade_type: 'JSAPI',
    trade_state: 'SUCCESS',
    trade_state_desc: '支付成功',
    bank_type: 'OTHERS',
    success_time: '2026-11-30T08:00:00+08:00',
    payer: { openid: 'o1' },
    amount: { total: 100, payer_total: 100, currency: 'CNY', payer_currency: 'CNY' },
  }

  test.each([
    ['TRANSACTION.SUCCESS', transaction],
    [
      'REFUND.SUCCESS',
      {
        mchid: '1900000109',
        out_trade_no: 'T1',
        transaction_id: '42',
        out_refund_no: 'R1',
        refund_id: '50',
        refund_status: 'SUCCESS',
        success_time: '2026-11-30T08:00:00+08:00',
        user_received_account: '支付用户零钱',
        amount: { total: 100, refund: 100, payer_total: 100, payer_refund: 100 },
      },
    ],
    [
      'RECHARGE.CLOSED',
      {
        sp_mchid: '1900000109',
        sub_mchid: '1900001121',
        out_recharge_no: 'cz1',
        recharge_id: 'r1',
        recharge_state: 'CLOSED',
      },
    ],
    ['COMPLAINT.CREATE', { complaint_id: 'c1', action_type: 'CREATE_COMPLAINT' }],
  ])('%s', async (event_type, resource) => {
    const body = envelope({ event_type, resource })
    const event = await wxpay.notifications.parse({ headers: headersFor(body), body })
    expect(event.event_type).toBe(event_type)
    expect(event.resource).toEqual(resource)
    expect(event.original_type).toBe('transaction')
  })

  test("what @wxpay/sandbox/testing's signV3Notification (the sandbox's own notifications) builds", async () => {
    for (const associatedData of [undefined, null, '']) {
      const { headers, body } = signV3Notification({
        privateKey: keys.platformKey,
        serial: platformSerial,
        apiv3Key,
        event_type: 'REFUND.ABNORMAL',
        original_type: 'refund',
        resource: { out_refund_no: 'R9', refund_status: 'ABNORMAL' },
        ...(associatedData === undefined ? {} : { associatedData }),
      })
      const event = await wxpay.notifications.parse({ headers, body })
      expect(event).toMatchObject({
        event_type: 'REFUND.ABNORMAL',
        original_type: 'refund',
        resource: { out_refund_no: 'R9', refund_status: 'ABNORMAL' },
      })
    }
  })

  test('associated_data absent, null or empty', async () => {
    for (const body of [
      envelope({ aad: null }),
      envelope({ aad: '' }),
      envelope({ aad: null, resourceExtra: { associated_data: null } }),
    ]) {
      const event = await wxpay.notifications.parse({ headers: headersFor(body), body })
      expect(event.resource).toEqual({ out_trade_no: 'T1' })
    }
  })

  test('body as string, Buffer, Uint8Array, ArrayBuffer; headers as plain object (any case) or Headers', async () => {
    const body = envelope()
    const headers = headersFor(body)
    const bytes = new TextEncoder().encode(body)
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]))
    for (const request of [
      { headers, body },
      { headers: lower, body: Buffer.from(body) },
      { headers: upper, body: bytes },
      { headers: new Headers(headers), body: bytes.buffer },
      { headers: { ...lower, 'wechatpay-nonce': [lower['wechatpay-nonce']!] }, body },
    ]) {
      await expect(wxpay.notifications.parse(request)).resolves.toMatchObject({
        resource: { out_trade_no: 'T1' },
      })
    }
  })

  test("from a real Node request: IncomingHttpHeaders and the raw bytes (WeChat Pay's own request shape)", async () => {
    const body = envelope({ resource: { out_trade_no: 'T-http', note: '中文 ☃' } })
    const results: Array<WechatpayNotification | unknown> = []
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        const headers: IncomingHttpHeaders = req.headers
        wxpay.notifications.parse({ headers, body: Buffer.concat(chunks) }).then(
          (event) => {
            results.push(event)
            res.writeHead(204).end()
          },
          (err: unknown) => {
            results.push(err)
            res.writeHead(401).end()
          },
        )
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const reply = await fetch(`http://127.0.0.1:${port}/notify`, {
        method: 'POST',
        headers: headersFor(body),
        body,
      })
      expect(reply.status).toBe(204)
      expect(results).toMatchObject([{ resource: { out_trade_no: 'T-http', note: '中文 ☃' } }])
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

describe('forgery and tampering: every case is a WechatpaySignatureError', () => {
  const body = () => envelope()
  const parse = (headers: Record<string, string | string[]>, text: string | Buffer, client = wxpay) =>
    client.notifications.parse({ headers, body: text })

  test.each(['Wechatpay-Timestamp', 'Wechatpay-Nonce', 'Wechatpay-Signature', 'Wechatpay-Serial'])(
    'header %s missing',
    async (name) => {
      const text = body()
      const headers = headersFor(text)
      delete headers[name]
      await expectRefused(parse(headers, text), new RegExp(`notification is missing ${name}`))
    },
  )

  test.each(['\n', '\r\n', '\u0000'])(
    'a signed nonce holding %j (control characters are refused)',
    async (c) => {
      const text = body()
      const headers = headersFor(text, { nonce: `a${c}b` })
      await expectRefused(parse(headers, text), /Wechatpay-Nonce contains a control character/)
    },
  )

  test.each([
    [-299, true],
    [299, true],
    [-300, false],
    [300, false],
    [-86_400, false],
  ])('timestamp %i s from now → accepted: %s', async (offset, accepted) => {
    const text = body()
    const outcome = parse(headersFor(text, { timestamp: NOW_S + offset }), text)
    if (accepted) await expect(outcome).resolves.toMatchObject({ resource: { out_trade_no: 'T1' } })
    else await expectRefused(outcome, /Wechatpay-Timestamp/)
  })

  test('signed by another key', async () => {
    const text = body()
    await expectRefused(parse(headersFor(text, { key: keys.otherKey }), text), /does not verify/)
  })

  test('an unknown serial', async () => {
    const text = body()
    await expectRefused(
      parse(headersFor(text, { serial: 'PUB_KEY_ID_0000000000000000000000000000' }), text),
      /serial/i,
    )
  })

  test('a WECHATPAY/SIGNTEST/ probe', async () => {
    const text = body()
    const headers = { ...headersFor(text), 'Wechatpay-Signature': 'WECHATPAY/SIGNTEST/c7Um1BAtHjMHOLjQ==' }
    await expectRefused(parse(headers, text), /SIGNTEST/)
  })

  test('a signature that is not base64', async () => {
    const text = body()
    await expectRefused(parse({ ...headersFor(text), 'Wechatpay-Signature': '不是 base64' }, text))
  })

  test('the body re-serialised: indented, and compact with the keys reordered', async () => {
    const text = body()
    const headers = headersFor(text)
    const value = JSON.parse(text) as Record<string, unknown>
    await expectRefused(parse(headers, JSON.stringify(value, null, 1)), /does not verify/)
    const { resource, ...rest } = value
    await expectRefused(parse(headers, JSON.stringify({ resource, ...rest })), /does not verify/)
  })

  test('one byte of the body changed after signing', async () => {
    const text = body()
    await expectRefused(parse(headersFor(text), text.replace('T1', 'T2').replace('支付成功', '支付成攻')))
  })

  test('a header sent twice (an array of two values, or two spellings)', async () => {
    const text = body()
    const headers = headersFor(text)
    await expectRefused(
      parse(
        { ...headers, 'Wechatpay-Nonce': [headers['Wechatpay-Nonce']!, headers['Wechatpay-Nonce']!] },
        text,
      ),
      /more than once/,
    )
    await expectRefused(
      parse({ ...headers, 'wechatpay-timestamp': headers['Wechatpay-Timestamp']! }, text),
      /more than once/,
    )
  })

  test('a Wechatpay-Signature-Type other than WECHATPAY2-SHA256-RSA2048', async () => {
    const text = body()
    await expectRefused(
      parse({ ...headersFor(text), 'Wechatpay-Signature-Type': 'WECHATPAY2-SM2-WITH-SM3' }, text),
      /Signature-Type/,
    )
  })

  // Signed correctly, so the signature passes and the decryption must catch it.
  const flipBit = (at: (sealed: Buffer) => number) => (sealed: Buffer) => {
    const copy = Buffer.from(sealed)
    copy[at(copy)]! ^= 0x01
    return copy
  }
  test.each<[string, Envelope, RegExp]>([
    ['a flipped ciphertext bit', { mutate: flipBit(() => 0) }, /does not decrypt/],
    ['a flipped tag bit', { mutate: flipBit((b) => b.length - 1) }, /does not decrypt/],
    ['the tag cut to 8 bytes', { mutate: (b) => b.subarray(0, b.length - 8) }, /does not decrypt/],
    ['only a 15-byte ciphertext', { mutate: (b) => b.subarray(0, 15) }, /shorter than its 16-byte tag/],
    ['the wrong AAD', { aad: 'transaction', encryptAad: 'refund' }, /does not decrypt/],
    ['AAD stated but encrypted without', { aad: 'transaction', encryptAad: '' }, /does not decrypt/],
    ['an 11-byte nonce', { nonce: 'fK3pQ9sZ2mX' }, /nonce is not 12 bytes/],
    ['a 16-byte nonce', { nonce: 'fK3pQ9sZ2mXw0000' }, /nonce is not 12 bytes/],
    ['a 12-character nonce of 14 bytes', { nonce: 'fK3pQ9sZ2m中' }, /nonce is not 12 bytes/],
    ['another APIv3 key', { key: 'X'.repeat(32) }, /does not decrypt/],
    ['a plaintext that is not JSON', { plaintext: 'not json' }, /not a JSON object/],
    ['a plaintext that is a JSON array', { plaintext: '[1,2]' }, /not a JSON object/],
    ['a plaintext that is JSON null', { plaintext: 'null' }, /not a JSON object/],
    ['a plaintext that is not UTF-8', { plaintext: Buffer.from([0x7b, 0x7d, 0xff]) }, /not a JSON object/],
    ['algorithm AEAD_SM4_GCM', { resourceExtra: { algorithm: 'AEAD_SM4_GCM' } }, /algorithm/],
    ['resource_type other than encrypt-resource', { extra: { resource_type: 'plain' } }, /resource_type/],
    ['a ciphertext that is not base64', { resourceExtra: { ciphertext: '@@@@' } }, /not base64/],
    ['a numeric nonce', { resourceExtra: { nonce: 123456789012 } }, /nonce is not a string/],
    ['no id', { extra: { id: undefined } }, /id is not/],
    ['a numeric event_type', { extra: { event_type: 1 } }, /event_type/],
    ['resource as a string', { extra: { resource: 'x' } }, /resource is not an object/],
    ['associated_data a number', { resourceExtra: { associated_data: 7 } }, /associated_data/],
  ])('%s (validly signed)', async (_, options, message) => {
    const text = envelope(options)
    await expectRefused(parse(headersFor(text), text), message)
  })

  test('a body that is not JSON, an array, or not UTF-8 (validly signed)', async () => {
    for (const text of ['not json', '[]', '"x"']) {
      await expectRefused(parse(headersFor(text), text), /not a JSON object/)
    }
    const bytes = Buffer.from([0x7b, 0xff, 0x7d])
    await expectRefused(parse(headersFor(bytes), bytes), /not a JSON object/)
  })

  test('a client with another APIv3 key', async () => {
    const text = body()
    const other = new Wechatpay({ ...clientOptions(keys), apiv3Key: apiv3Key.replace('k', 'K') })
    await expectRefused(parse(headersFor(text), text, other), /does not decrypt/)
  })

  test('a body over 1 MiB, even validly signed, is refused before verification; 1 MiB exactly is read', async () => {
    const base = body()
    const pad = (size: number) =>
      `${base.slice(0, -1)},"pad":"${'x'.repeat(size - Buffer.byteLength(base) - 9)}"}`
    const over = pad(1024 * 1024 + 1)
    expect(Buffer.byteLength(over)).toBe(1024 * 1024 + 1)
    await expectRefused(parse(headersFor(over), over), /larger than 1048576 bytes/)
    await expectRefused(parse(headersFor(over), Buffer.from(over)), /larger than/)
    const exact = pad(1024 * 1024)
    await expect(parse(headersFor(exact), exact)).resolves.toMatchObject({ resource: { out_trade_no: 'T1' } })
  })

  test('verification comes first: a tampered body with a broken resource fails on the signature', async () => {
    const text = body()
    const headers = headersFor(text)
    const tampered = text.replace('AEAD_AES_256_GCM', 'AEAD_SM4_GCM')
    await expectRefused(parse(headers, tampered), /Wechatpay-Signature does not verify/)
  })

  test('errors carry the Request-ID and no key material', async () => {
    const text = envelope({ key: 'Y'.repeat(32) })
    const error = await expectRefused(parse(headersFor(text), text))
    expect(error.requestId).toBe('rid-notify-1')
    const shown = `${error.message}\n${error.stack}\n${inspect(error, { showHidden: true, depth: 5 })}\n${JSON.stringify(error)}`
    expect(shown).not.toContain(apiv3Key)
    expect(shown).not.toContain('out_trade_no')
  })
})

describe('configuration and input', () => {
  const construct = (value: unknown) => () =>
    new Wechatpay({ ...clientOptions(keys), apiv3Key: value as string })

  test.each([
    ['31 characters', apiv3Key.slice(1)],
    ['33 characters', `${apiv3Key}x`],
    ['32 characters that are not ASCII', `${apiv3Key.slice(2)}中`.padEnd(32, 'é')],
    ['empty', ''],
    ['a number', 12345678],
  ])('apiv3Key of %s is refused at construction, naming apiv3Key, without echoing it', (_, value) => {
    let error: unknown
    try {
      construct(value)()
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(WechatpayValidationError)
    expect((error as WechatpayValidationError).option).toBe('apiv3Key')
    if (typeof value === 'string' && value) expect((error as Error).message).not.toContain(value.slice(0, 8))
  })

  test('a client without apiv3Key refuses parse, naming apiv3Key', async () => {
    const client = new Wechatpay(clientOptions(keys))
    const text = envelope()
    const error = await refusal(client.notifications.parse({ headers: headersFor(text), body: text }))
    expect(error).toBeInstanceOf(WechatpayValidationError)
    expect((error as WechatpayValidationError).option).toBe('apiv3Key')
  })

  test('a client without certs refuses parse, naming certs', async () => {
    const client = new Wechatpay({ mchid: '1900000109', apiv3Key })
    const text = envelope()
    const error = await refusal(client.notifications.parse({ headers: headersFor(text), body: text }))
    expect((error as WechatpayValidationError).option).toBe('certs')
  })

  test('a parsed object as body is a WechatpayValidationError naming body', async () => {
    const text = envelope()
    const error = await refusal(
      wxpay.notifications.parse({ headers: headersFor(text), body: JSON.parse(text) }),
    )
    expect(error).toBeInstanceOf(WechatpayValidationError)
    expect((error as WechatpayValidationError).option).toBe('body')
  })

  test('notifications is a root member, never a URL segment, and prints no key', () => {
    expect(typeof wxpay.notifications.parse).toBe('function')
    expect(wxpay.notifications).toBe(wxpay.notifications)
    expect(inspect(wxpay.notifications, { showHidden: true, depth: 10 })).toBe('[Wechatpay notifications]')
    expect(JSON.stringify(wxpay.notifications)).toBe('{}')
    // below the root it is an ordinary segment
    // (no endpoint has that segment: the types need it loosened to spell it)
    expect(String((wxpay.v3 as unknown as LooseNode).notifications)).toBe('[Wechatpay v3/notifications]')
    expect(Object.isFrozen(wxpay.notifications)).toBe(true)
  })
})
