// Every outcome of APIv3 reply verification, with replies signed by node:crypto or openssl
// (independently of the SDK's Web Crypto code). Every failure must be a WechatpaySignatureError.
import { randomBytes, sign } from 'node:crypto'
import { seededInputs } from '@wxpay/sandbox/testing'
import { beforeAll, describe, expect, onTestFailed, test } from 'vitest'
import { platformSerial } from '../../test/fixtures'
import { opensslSign, type TestKeys, testKeys } from '../../test/keys'
import { WechatpaySignatureError } from '../errors'
import type { KeyStore } from '../keys/key-store'
import { validateOptions } from '../options'
import { verifyReply } from './verify'

const NOW_S = 1_790_000_000
const NOW = NOW_S * 1000

let keys: TestKeys
let certs: KeyStore

beforeAll(() => {
  keys = testKeys()
  // The same path as the client: options → validated config → serial → imported key.
  certs = validateOptions({
    mchid: '1900000109',
    certs: { [platformSerial]: keys.platformPublicKey, [keys.certificateSerial]: keys.certificate },
  }).keys
})

const encode = (text: string) => new TextEncoder().encode(text)

interface Signed {
  body?: string
  /** What the signature covers, when it is not the body. */
  signedBody?: string
  timestamp?: string | number
  nonce?: string
  key?: string
  serial?: string
  signer?: 'node' | 'openssl'
}

function signedHeaders(options: Signed = {}): Record<string, string> {
  const timestamp = String(options.timestamp ?? NOW_S)
  const nonce = options.nonce ?? randomBytes(16).toString('hex')
  const key = options.key ?? keys.platformKey
  const message = `${timestamp}\n${nonce}\n${options.signedBody ?? options.body ?? ''}\n`
  const signature =
    options.signer === 'openssl'
      ? opensslSign(key, message, keys.dir)
      : sign('sha256', Buffer.from(message), key).toString('base64')
  return {
    'wechatpay-timestamp': timestamp,
    'wechatpay-nonce': nonce,
    'wechatpay-signature': signature,
    'wechatpay-serial': options.serial ?? platformSerial,
    'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
    'request-id': 'rid-1',
    'content-type': 'application/json',
  }
}

function verify(
  headers: Record<string, string>,
  body: string | Uint8Array<ArrayBuffer> = '',
  options: { status?: number; now?: number } = {},
) {
  return verifyReply({
    status: options.status ?? 200,
    headers,
    body: typeof body === 'string' ? encode(body) : body,
    keys: certs,
    now: options.now ?? NOW,
  })
}

async function expectRefused(promise: Promise<void>, message?: RegExp): Promise<WechatpaySignatureError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  )
  expect(error).toBeInstanceOf(WechatpaySignatureError)
  const typed = error as WechatpaySignatureError
  expect(typed.code).toBe('SIGNATURE_INVALID')
  expect(typed.name).toBe('WechatpaySignatureError')
  if (message) expect(typed.message).toMatch(message)
  return typed
}

const body = JSON.stringify({
  sp_mchid: '1900000109',
  recharge_state: 'CLOSED',
  memo: '充值已关闭',
  recharge_amount: { amount: 100, currency: 'CNY' },
})

describe('accepted', () => {
  test('a 200 reply signed with node:crypto', async () => {
    await expect(verify(signedHeaders({ body }), body)).resolves.toBeUndefined()
  })

  test('a 200 reply signed with openssl', async () => {
    await expect(verify(signedHeaders({ body, signer: 'openssl' }), body)).resolves.toBeUndefined()
  })

  test('a nonce outside ASCII is signed as UTF-8 (the message is built in one buffer sized for it)', async () => {
    // WeChat Pay's nonces are ASCII; the verifier must still hash exactly the UTF-8 bytes signed.
    for (const nonce of ['nönce-é', '随机串-中文', '😀'.repeat(40)]) {
      await expect(verify(signedHeaders({ body, nonce }), body), nonce).resolves.toBeUndefined()
      await expectRefused(verify({ ...signedHeaders({ body, nonce }), 'wechatpay-nonce': `${nonce}x` }, body))
    }
  })

  test('a 204 with an empty body (still signed)', async () => {
    await expect(verify(signedHeaders({ body: '' }), '', { status: 204 })).resolves.toBeUndefined()
  })

  test('a 202 reply', async () => {
    const text = '{"code":"USER_PAYING","message":"paying"}'
    await expect(verify(signedHeaders({ body: text }), text, { status: 202 })).resolves.toBeUndefined()
  })

  test('the raw bytes are verified, not a re-serialisation (whitespace, key order, escapes)', async () => {
    const raw = '{ "b":1,\n  "a":"\\u4e2d" }'
    await expect(verify(signedHeaders({ body: raw }), raw)).resolves.toBeUndefined()
  })

  test('a body that is not valid UTF-8 is verified as bytes', async () => {
    const bytes = new Uint8Array([0x7b, 0xff, 0xfe, 0x00, 0xc3, 0x7d])
    const nonce = 'n1'
    const signature = sign(
      'sha256',
      Buffer.concat([Buffer.from(`${NOW_S}\n${nonce}\n`), bytes, Buffer.from('\n')]),
      keys.platformKey,
    )
    const headers = {
      ...signedHeaders(),
      'wechatpay-nonce': nonce,
      'wechatpay-signature': signature.toString('base64'),
    }
    await expect(verify(headers, bytes)).resolves.toBeUndefined()
  })

  test('a 1 MiB body', async () => {
    const big = JSON.stringify({ data: 'x'.repeat(1024 * 1024) })
    await expect(verify(signedHeaders({ body: big }), big)).resolves.toBeUndefined()
  })

  test.each([-299, -1, 0, 1, 299])('timestamp now %+d s', async (delta) => {
    await expect(verify(signedHeaders({ body, timestamp: NOW_S + delta }), body)).resolves.toBeUndefined()
  })

  test('with the real clock (no `now` given)', async () => {
    const timestamp = Math.floor(Date.now() / 1000) - 5
    await expect(
      verifyReply({
        status: 200,
        headers: signedHeaders({ body, timestamp }),
        body: encode(body),
        keys: certs,
      }),
    ).resolves.toBeUndefined()
  })

  test('X.509 certificate mode: signed with certKey, certs maps the certificate serial to its PEM', async () => {
    const headers = signedHeaders({ body, key: keys.certKey, serial: keys.certificateSerial })
    await expect(verify(headers, body)).resolves.toBeUndefined()
    const viaOpenssl = signedHeaders({
      body,
      key: keys.certKey,
      serial: keys.certificateSerial,
      signer: 'openssl',
    })
    await expect(verify(viaOpenssl, body)).resolves.toBeUndefined()
  })
})

describe('refused with WechatpaySignatureError', () => {
  test.each(['wechatpay-timestamp', 'wechatpay-nonce', 'wechatpay-signature', 'wechatpay-serial'])(
    'missing %s',
    async (name) => {
      const headers = signedHeaders({ body })
      delete headers[name]
      const display = name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase())
      await expectRefused(verify(headers, body), new RegExp(`missing ${display}`))
    },
  )

  test.each(['wechatpay-timestamp', 'wechatpay-nonce', 'wechatpay-signature', 'wechatpay-serial'])(
    'empty %s',
    async (name) => {
      await expectRefused(verify({ ...signedHeaders({ body }), [name]: '' }, body))
    },
  )

  test('all four missing: the message names all four', async () => {
    await expectRefused(
      verify({ 'request-id': 'x' }, body),
      /Wechatpay-Timestamp, Wechatpay-Nonce, Wechatpay-Signature, Wechatpay-Serial/,
    )
  })

  test.each([-301, -300, 300, 301, -86_400, 86_400])(
    'timestamp now %+d s (correctly signed)',
    async (delta) => {
      await expectRefused(verify(signedHeaders({ body, timestamp: NOW_S + delta }), body), /away from now/)
    },
  )

  test('a timestamp in milliseconds', async () => {
    await expectRefused(verify(signedHeaders({ body, timestamp: NOW }), body))
  })

  test.each(['abc', '1.79e9', '-1790000000', '0x6AB1A580', '1790000000.0', '+1790000000'])(
    'non-numeric timestamp %j (correctly signed over it)',
    async (timestamp) => {
      await expectRefused(verify(signedHeaders({ body, timestamp }), body), /Unix time/)
    },
  )

  // Whitespace around a header value is not part of it (RFC 9110 §5.5): the timestamp is read
  // trimmed, so a signature over the padded string does not verify.
  test.each([' 1790000000', '1790000000 '])('timestamp %j, signed with its padding', async (timestamp) => {
    await expectRefused(verify(signedHeaders({ body, timestamp }), body), /does not verify/)
  })

  test('an unknown serial', async () => {
    await expectRefused(verify(signedHeaders({ body, serial: 'PUB_KEY_ID_999' }), body), /not among/)
  })

  test('a serial that differs only in case names the same key (keys/key-store.test.ts): the signature decides', async () => {
    const serial = keys.certificateSerial.toLowerCase()
    await expect(verify(signedHeaders({ body, serial, key: keys.certKey }), body)).resolves.toBeUndefined()
    await expectRefused(verify(signedHeaders({ body, serial, key: keys.otherKey }), body), /does not verify/)
  })

  test('an Object.prototype member as the serial', async () => {
    for (const serial of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      await expectRefused(verify(signedHeaders({ body, serial }), body))
    }
  })

  test("another key's signature", async () => {
    await expectRefused(verify(signedHeaders({ body, key: keys.otherKey }), body), /does not verify/)
  })

  test('the merchant key signing as the platform', async () => {
    await expectRefused(verify(signedHeaders({ body, key: keys.merchantKey }), body), /does not verify/)
  })

  test("certificate mode: the platform key's signature under the certificate serial", async () => {
    await expectRefused(
      verify(signedHeaders({ body, serial: keys.certificateSerial }), body),
      /does not verify/,
    )
  })

  test("public key mode: the certificate key's signature under the PUB_KEY_ID serial", async () => {
    await expectRefused(verify(signedHeaders({ body, key: keys.certKey }), body), /does not verify/)
  })

  test('the body with one byte flipped, at several positions', async () => {
    const headers = signedHeaders({ body })
    const bytes = encode(body)
    const positions = [
      0,
      1,
      2,
      Math.floor(bytes.length / 3),
      Math.floor(bytes.length / 2),
      bytes.length - 2,
      bytes.length - 1,
    ]
    for (const position of positions) {
      for (const mask of [0x01, 0x80]) {
        const flipped = bytes.slice()
        flipped[position]! ^= mask
        await expectRefused(verify(headers, flipped), /does not verify/)
      }
    }
    // The untouched bytes still verify with the same headers: only the flip made the difference.
    await expect(verify(headers, bytes)).resolves.toBeUndefined()
  })

  test('a byte appended to or removed from the body', async () => {
    const headers = signedHeaders({ body })
    await expectRefused(verify(headers, `${body} `))
    await expectRefused(verify(headers, `${body}\n`))
    await expectRefused(verify(headers, body.slice(0, -1)))
  })

  test('another nonce or timestamp than the ones signed', async () => {
    const headers = signedHeaders({ body, nonce: 'abc' })
    await expectRefused(verify({ ...headers, 'wechatpay-nonce': 'abd' }, body), /does not verify/)
    await expectRefused(
      verify({ ...headers, 'wechatpay-timestamp': String(NOW_S + 1) }, body),
      /does not verify/,
    )
  })

  test('a WECHATPAY/SIGNTEST/ probe', async () => {
    const { 'wechatpay-signature': valid } = signedHeaders({ body })
    for (const signature of [
      'WECHATPAY/SIGNTEST/',
      `WECHATPAY/SIGNTEST/${valid}`,
      `WECHATPAY/SIGNTEST/${seededInputs(onTestFailed).bytes(256).toString('base64')}`,
    ]) {
      await expectRefused(
        verify({ ...signedHeaders({ body }), 'wechatpay-signature': signature }, body),
        /SIGNTEST/,
      )
    }
  })

  test.each([
    ['not base64 at all', '!!!not-base64!!!'],
    ['base64url alphabet', 'ab-_'.repeat(86)],
    ['a missing padding', 'QUJD' + 'QQ'],
    ['whitespace inside', 'QUJD RA=='],
    ['a line break inside', 'QUJD\nRA=='],
    ['padding in the middle', 'QQ==QUJD'],
    ['valid base64 of the wrong length', 'QUJDRA=='],
    ['valid base64, 256 zero bytes', Buffer.alloc(256).toString('base64')],
    // fixed "random" bytes (seed 1): the table is built before any test runs
    ['valid base64, 256 random bytes', seededInputs(undefined, 1).bytes(256).toString('base64')],
  ])('signature: %s', async (_, signature) => {
    await expectRefused(verify({ ...signedHeaders({ body }), 'wechatpay-signature': signature }, body))
  })

  test('the valid signature with one base64 character changed', async () => {
    const headers = signedHeaders({ body })
    const signature = headers['wechatpay-signature']!
    for (const i of [0, 100, 300]) {
      const c = signature[i] === 'A' ? 'B' : 'A'
      const changed = signature.slice(0, i) + c + signature.slice(i + 1)
      await expectRefused(verify({ ...headers, 'wechatpay-signature': changed }, body))
    }
  })

  test.each(['wechatpay-timestamp', 'wechatpay-nonce', 'wechatpay-signature', 'wechatpay-serial'])(
    'a duplicated %s (joined as `a, b`)',
    async (name) => {
      const headers = signedHeaders({ body })
      const value = headers[name]!
      await expectRefused(verify({ ...headers, [name]: `${value}, ${value}` }, body))
    },
  )

  test('a non-empty body whose signature covers an empty body', async () => {
    await expectRefused(verify(signedHeaders({ body, signedBody: '' }), body), /does not verify/)
  })

  test('an empty body whose signature covers a non-empty one', async () => {
    await expectRefused(verify(signedHeaders({ signedBody: '{}' }), '', { status: 204 }), /does not verify/)
  })

  test('the error carries the status and Request-ID', async () => {
    const headers = { ...signedHeaders({ body, key: keys.otherKey }), 'request-id': 'rid-42' }
    const error = await expectRefused(verify(headers, body, { status: 201 }))
    expect(error.status).toBe(201)
    expect(error.requestId).toBe('rid-42')
  })
})

describe('a control character in any of the four Wechatpay-* headers is refused', () => {
  // Signed genuinely over the very nonce: only the control-character rule can refuse it.
  test.each(['\n', '\r', '\u0000', '\t', '\u001b', '\u007f'])('in the signed nonce: %j', async (c) => {
    const headers = signedHeaders({ body, nonce: `n${c}once` })
    await expectRefused(verify(headers, body), /Wechatpay-Nonce contains a control character/)
  })

  test.each([
    ['wechatpay-timestamp', 'Wechatpay-Timestamp'],
    ['wechatpay-signature', 'Wechatpay-Signature'],
    ['wechatpay-serial', 'Wechatpay-Serial'],
  ])('in %s', async (name, shown) => {
    const headers = signedHeaders({ body })
    const value = headers[name] ?? ''
    headers[name] = `${value.slice(0, 4)}\r\n${value.slice(4)}`
    await expectRefused(verify(headers, body), new RegExp(`${shown} contains a control character`))
  })

  test('surrounding spaces and tabs are still optional whitespace, not part of the value', async () => {
    const headers = signedHeaders({ body })
    headers['wechatpay-nonce'] = `\t ${headers['wechatpay-nonce']} \t`
    await expect(verify(headers, body)).resolves.toBeUndefined()
  })
})

describe('what a refusal tells the caller', () => {
  test('a refused reply says the request may already have taken effect; a notification does not', async () => {
    const error = await expectRefused(verify(signedHeaders({ body, key: keys.otherKey }), body))
    expect(error.message).toMatch(
      /does not verify \(the request reached WeChat Pay and may already have taken effect/,
    )
    const notification = await verifyReply({
      subject: 'notification',
      headers: signedHeaders({ body, key: keys.otherKey }),
      body: encode(body),
      keys: certs,
      now: NOW,
    }).catch((err: unknown) => err as Error)
    expect(notification?.message).not.toMatch(/taken effect/)
  })

  test.each([
    ['indented', (text: string) => JSON.stringify(JSON.parse(text), null, 2), /looks reformatted/],
    [
      'reordered',
      (text: string) => {
        const { resource, ...rest } = JSON.parse(text) as Record<string, unknown>
        return JSON.stringify({ resource, ...rest })
      },
      /looks reordered/,
    ],
  ])('a notification body re-serialised (%s) gets a hint about the raw body', async (_, change, hint) => {
    const original = JSON.stringify({
      id: 'EV-1',
      create_time: '2026-11-30T08:00:00+08:00',
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: { algorithm: 'AEAD_AES_256_GCM', ciphertext: 'x', nonce: 'n' },
    })
    const headers = signedHeaders({ body: original }) // signed over the bytes WeChat Pay sent
    const error = await verifyReply({
      subject: 'notification',
      headers,
      body: encode(change(original)),
      keys: certs,
      now: NOW,
    }).catch((err: unknown) => err as Error)
    expect(error).toBeInstanceOf(WechatpaySignatureError)
    expect(error?.message).toMatch(hint)
    expect(error?.message).toMatch(/pass the raw body bytes as received/)
    // the compact original, tampered but not re-serialised, gets no such hint
    const tampered = await verifyReply({
      subject: 'notification',
      headers,
      body: encode(original.replace('EV-1', 'EV-2')),
      keys: certs,
      now: NOW,
    }).catch((err: unknown) => err as Error)
    expect(tampered?.message).not.toMatch(/raw body/)
  })
})
