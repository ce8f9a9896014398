// No secret in any error or printed client: every error class the SDK throws in practice, built
// through the public API with secret-bearing inputs, then shown every way Node shows things.

import { createHash } from 'node:crypto'
import { inspect } from 'node:util'
import {
  type Answer,
  type Gateway,
  type Seen,
  signedV2Xml,
  signV3Notification,
  signV3Reply,
  startGateway,
  v2Xml,
} from '@wxpay/sandbox/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  appid,
  clientOptions,
  mchid,
  merchantSerial,
  platformSerial,
  v2OrderPaidReply,
} from '../test/fixtures'
import { type TestKeys, testKeys } from '../test/keys'
import {
  Wechatpay,
  WechatpayApiError,
  WechatpayBusinessError,
  WechatpayError,
  WechatpaySignatureError,
  WechatpayTransportError,
  WechatpayValidationError,
} from './node'

const secret = 'Q7wE9rT1yU3iO5pA7sD9fG1hJ3kL5zX7'
const apiv3Key = 'v3kM8nB2vC4xZ6lK8jH0gF2dS4aP6oI8'

let keys: TestKeys

beforeAll(() => {
  keys = testKeys()
})

const base64Body = (pem: string) => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')
const derOf = (pem: string) => Buffer.from(base64Body(pem), 'base64')
const toPem = (label: string, der: Uint8Array) =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END ${label}-----\n`

/**
 * Every secret value a scenario hands over besides the three above, malformed ones included (an
 * APIv3 key one character short, a PEM with a bad character): the SDK refuses them, and must not
 * echo them while saying why. Each is searched for like the others.
 */
const given = new Set<string>()
function give(value: string): string {
  given.add(value)
  return value
}

/**
 * Every 40-character slice of each secret PEM body (the merchant keys and any PEM a scenario gave),
 * each secret itself, every other given secret whole, and the PEMs whole.
 */
function secretsIn(text: string): string[] {
  const found: string[] = []
  if (text.includes(secret)) found.push('the APIv2 secret')
  if (text.includes(apiv3Key)) found.push('the APIv3 key')
  for (const value of given) {
    if (value.includes('-----BEGIN')) {
      const body = base64Body(value)
      for (let i = 0; i + 40 <= body.length; i++) {
        if (text.includes(body.slice(i, i + 40))) {
          found.push(`a 40-char slice of a given PEM at ${i}`)
          break
        }
      }
    } else if (text.includes(value)) found.push(`a given secret (${value.length} characters)`)
  }
  if (text.includes('-----BEGIN')) found.push('a PEM armour line')
  for (const [name, pem] of [
    ['merchantKey', keys.merchantKey],
    ['merchantKeyPkcs1', keys.merchantKeyPkcs1],
  ] as const) {
    if (text.includes(pem)) found.push(`${name} PEM`)
    const body = base64Body(pem)
    for (let i = 0; i + 40 <= body.length; i++) {
      if (text.includes(body.slice(i, i + 40))) {
        found.push(`a 40-char slice of ${name} at ${i}`)
        break
      }
    }
  }
  return found
}

function renderings(err: unknown): Record<string, string> {
  const error = err as Error
  return {
    message: error.message,
    String: String(error),
    stack: error.stack ?? '',
    inspect: inspect(error, { depth: 10, showHidden: true }),
    JSON: JSON.stringify(error),
  }
}

function options(extra: Record<string, unknown> = {}) {
  return { ...clientOptions(keys), secret, apiv3Key, ...extra }
}

/** The error of `notifications.parse` on a notification signed and encrypted as `extra` says. */
function notificationFailure(extra: Partial<Parameters<typeof signV3Notification>[0]>): Promise<unknown> {
  const { headers, body } = signV3Notification({
    privateKey: keys.platformKey,
    serial: platformSerial,
    apiv3Key,
    resource: { out_trade_no: 'S1' },
    ...extra,
  })
  return rejection(new Wechatpay(options()).notifications.parse({ headers, body }))
}

/** A `fetch` that answers with `reply` (or throws/hangs), never touching the network. */
function stub(reply: Reply): typeof fetch {
  return (async (_input: RequestInfo | URL, init?: RequestInit) => reply(init)) as typeof fetch
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (err: unknown) => err,
  )
}

type Reply = (init: RequestInit | undefined) => Promise<Response> | Response

/** The error of a v3 close order whose reply is `reply`. */
function v3Failure(reply: Reply, extra: Record<string, unknown> = {}): Promise<unknown> {
  return rejection(closeOrder(new Wechatpay(options({ fetch: stub(reply), ...extra }))))
}

/** The error of a v2 close order whose reply is `reply`. */
function v2Failure(reply: Reply): Promise<unknown> {
  return rejection(closeV2(new Wechatpay(options({ fetch: stub(reply) }))))
}

function construction(extra: Record<string, unknown>): unknown {
  try {
    new Wechatpay(options(extra) as never)
  } catch (err) {
    return err
  }
  throw new Error('expected the constructor to throw')
}

const closeOrder = (client: Wechatpay) =>
  client.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({ out_trade_no: 'S1', json: { mchid } })
const closeV2 = (client: Wechatpay) =>
  client.v2.pay.closeorder.post({ xml: { appid, mch_id: mchid, out_trade_no: 'S1' } })

/** [label, expected class, expected code, how to get the error in practice] */
const scenarios: Array<[string, Function, string | RegExp, () => unknown]> = [
  [
    'apiv3Key of 31 characters',
    WechatpayValidationError,
    'INVALID_OPTION',
    () => construction({ apiv3Key: give(apiv3Key.slice(1)) }),
  ],
  [
    'apiv3Key of 32 characters, one not ASCII',
    WechatpayValidationError,
    'INVALID_OPTION',
    () => construction({ apiv3Key: give(`${apiv3Key.slice(1)}é`) }),
  ],
  [
    'apiv3Key passed as mchid',
    WechatpayValidationError,
    'INVALID_OPTION',
    () => construction({ mchid: apiv3Key }),
  ],
  [
    'apiv3Key passed as serial',
    WechatpayValidationError,
    'INVALID_OPTION',
    () => construction({ serial: give(`${apiv3Key}!`) }),
  ],
  [
    'a notification encrypted under another APIv3 key',
    WechatpaySignatureError,
    'SIGNATURE_INVALID',
    () => notificationFailure({ apiv3Key: give(apiv3Key.replace('v', 'V')) }),
  ],
  [
    'a notification signed by another key',
    WechatpaySignatureError,
    'SIGNATURE_INVALID',
    () => notificationFailure({ privateKey: keys.otherKey }),
  ],
  [
    'a notification whose plaintext is not JSON',
    WechatpaySignatureError,
    'SIGNATURE_INVALID',
    () => notificationFailure({ resource: `not json ${apiv3Key}` }),
  ],
  [
    'a v2 refund notification whose req_info does not decrypt',
    WechatpaySignatureError,
    'SIGNATURE_INVALID',
    () =>
      rejection(
        new Wechatpay(options()).notifications.parseV2(
          v2Xml({ return_code: 'SUCCESS', req_info: Buffer.from(secret.repeat(2)).toString('base64') }),
        ),
      ),
  ],
  [
    'secret of 31 characters',
    WechatpayValidationError,
    'INVALID_OPTION',
    () => construction({ secret: give(secret.slice(1)) }),
  ],
  [
    'secret of 33 characters',
    WechatpayValidationError,
    'INVALID_OPTION',
    () => construction({ secret: give(`${secret}!`) }),
  ],
  [
    'secret passed as mchid',
    WechatpayValidationError,
    'INVALID_OPTION',
    () => construction({ mchid: secret }),
  ],
  [
    'secret passed as timeout',
    WechatpayValidationError,
    'INVALID_OPTION',
    () => construction({ timeout: secret }),
  ],
  [
    'secret in baseUrl credentials',
    WechatpayValidationError,
    'INVALID_OPTION',
    () => construction({ baseUrl: `https://u:${secret}@api.mch.weixin.qq.com/` }),
  ],
  [
    'secret passed as serial with punctuation',
    WechatpayValidationError,
    'INVALID_OPTION',
    () => construction({ serial: give(`${secret}!`) }),
  ],
  [
    'privateKey with its DER truncated',
    WechatpayValidationError,
    'INVALID_OPTION',
    () => construction({ privateKey: give(toPem('PRIVATE KEY', derOf(keys.merchantKey).subarray(0, -7))) }),
  ],
  [
    'privateKey with a bad base64 character',
    WechatpayValidationError,
    'INVALID_OPTION',
    () => construction({ privateKey: give(keys.merchantKey.replace(/\n(.)/, '\n*$1')) }),
  ],
  [
    'privateKey PKCS#1 with trailing bytes',
    WechatpayValidationError,
    'INVALID_OPTION',
    () =>
      construction({
        privateKey: give(
          toPem('RSA PRIVATE KEY', Buffer.concat([derOf(keys.merchantKeyPkcs1), Buffer.from([5, 0])])),
        ),
      }),
  ],
  [
    'privateKey with its line breaks escaped twice (\\\\n)',
    WechatpayValidationError,
    'INVALID_OPTION',
    () => construction({ privateKey: give(keys.merchantKey.replace(/\n/g, '\\\\n')) }),
  ],
  [
    'apiv3Key of 33 characters',
    WechatpayValidationError,
    'INVALID_OPTION',
    () => construction({ apiv3Key: give(`${apiv3Key}Z`) }),
  ],
  [
    'privateKey with the wrong label',
    WechatpayValidationError,
    'INVALID_OPTION',
    () => construction({ privateKey: give(keys.merchantKey.replace(/PRIVATE KEY/g, 'SECRET KEY')) }),
  ],
  [
    'certs with serial and PEM swapped (the key is not echoed)',
    WechatpayValidationError,
    'INVALID_OPTION',
    () => construction({ certs: { [keys.merchantKey]: platformSerial } }),
  ],
  [
    'certs keyed by the private key base64 (the key is not echoed)',
    WechatpayValidationError,
    'INVALID_OPTION',
    () => construction({ certs: { [base64Body(keys.merchantKey)]: keys.platformPublicKey } }),
  ],
  [
    'the merchant private key placed in certs',
    WechatpayValidationError,
    'INVALID_OPTION',
    () => construction({ certs: { [platformSerial]: keys.merchantKey } }),
  ],
  [
    'the PKCS#1 private key placed in certs',
    WechatpayValidationError,
    'INVALID_OPTION',
    () => construction({ certs: { [platformSerial]: keys.merchantKeyPkcs1 } }),
  ],
  [
    'a PKCS#8 key whose inner RSAPrivateKey is broken (refused at construction)',
    WechatpayValidationError,
    'INVALID_OPTION',
    () => {
      const der = Buffer.from(derOf(keys.merchantKey))
      // PrivateKeyInfo: 30 82 LL LL | 02 01 00 | AlgorithmIdentifier (15) | 04 82 LL LL | 30 … ← break this tag
      expect(der[26]).toBe(0x30)
      der[26] = 0x31
      return construction({ privateKey: toPem('PRIVATE KEY', der) })
    },
  ],
  [
    'a missing path variable',
    WechatpayValidationError,
    'INVALID_OPTION',
    () =>
      rejection(
        new Wechatpay(options())
          .chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close')
          .post({ json: { mchid } } as never),
      ),
  ],
  [
    'a v2 call on a v3-only client',
    WechatpayValidationError,
    'INVALID_OPTION',
    () => rejection(closeV2(new Wechatpay(options({ secret: undefined })))),
  ],
  [
    'a v3 reply signed by another key',
    WechatpaySignatureError,
    'SIGNATURE_INVALID',
    () =>
      v3Failure(
        () =>
          new Response(null, {
            status: 204,
            headers: signV3Reply({ privateKey: keys.otherKey, serial: platformSerial, body: '' }),
          }),
      ),
  ],
  [
    'a v2 reply with a bad sign',
    WechatpaySignatureError,
    'SIGNATURE_INVALID',
    () => {
      const reply = {
        return_code: 'SUCCESS',
        mch_id: mchid,
        nonce_str: 'n',
        result_code: 'SUCCESS',
        sign: 'BAD',
      }
      return v2Failure(() => new Response(v2Xml(reply)))
    },
  ],
  [
    'a v3 401 SIGN_ERROR',
    WechatpayApiError,
    'SIGN_ERROR',
    () =>
      v3Failure(
        () =>
          new Response(
            JSON.stringify({ code: 'SIGN_ERROR', message: '签名错误', detail: { issue: 'sign' } }),
            {
              status: 401,
              headers: { 'request-id': 'rid-401' },
            },
          ),
      ),
  ],
  [
    'a v2 result_code FAIL',
    WechatpayBusinessError,
    'ORDERPAID',
    () => v2Failure(() => new Response(signedV2Xml(v2OrderPaidReply, secret))),
  ],
  [
    'a v2 return_code FAIL',
    WechatpayBusinessError,
    'FAIL',
    () => v2Failure(() => new Response(v2Xml({ return_code: 'FAIL', return_msg: '签名错误' }))),
  ],
  [
    'a transport timeout',
    WechatpayTransportError,
    'TIMEOUT',
    () =>
      v3Failure(
        (init) =>
          new Promise<Response>((_, reject) =>
            init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
          ),
        { timeout: 50 },
      ),
  ],
  [
    'a refused connection, after the backup',
    WechatpayTransportError,
    'CONNECTION',
    () =>
      v3Failure(() => {
        throw new TypeError('fetch failed')
      }),
  ],
  [
    'an aborted call',
    WechatpayTransportError,
    'ABORTED',
    () =>
      rejection(
        new Wechatpay(options()).v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
          out_trade_no: 'S1',
          json: { mchid },
          signal: AbortSignal.abort(),
        }),
      ),
  ],
  [
    'an oversized reply',
    WechatpayTransportError,
    'RESPONSE_TOO_LARGE',
    () => v3Failure(() => new Response('{}', { status: 200, headers: { 'content-length': '99999999999' } })),
  ],
]

describe('errors thrown in practice carry no secret', () => {
  test.each(scenarios)('%s', async (_, Class, code, make) => {
    const error = await make()
    expect(error).toBeInstanceOf(Class)
    expect(error).toBeInstanceOf(WechatpayError)
    const typed = error as WechatpayError
    if (typeof code === 'string') expect(typed.code).toBe(code)
    for (const [how, text] of Object.entries(renderings(error))) {
      expect({ how, leaks: secretsIn(text) }).toEqual({ how, leaks: [] })
    }
  })

  test('the leak detector itself finds each secret (it can fail)', () => {
    expect(secretsIn(`x${secret}x`)).toContain('the APIv2 secret')
    expect(secretsIn(`x${apiv3Key}x`)).toContain('the APIv3 key')
    // a malformed secret a test gave is looked for too: here one character short of the APIv3 key
    expect(secretsIn(`x${give(apiv3Key.slice(0, 31))}x`)).toContain('a given secret (31 characters)')
    expect(secretsIn(keys.merchantKey).length).toBeGreaterThan(0)
    expect(secretsIn(base64Body(keys.merchantKeyPkcs1).slice(500, 541))).toContain(
      'a 40-char slice of merchantKeyPkcs1 at 500',
    )
    expect(
      secretsIn(inspect(new Error('m', { cause: { key: keys.merchantKey } }), { depth: 10 })).length,
    ).toBeGreaterThan(0)
  })
})

describe('a printed client carries no secret', () => {
  test.each([
    [
      'inspect showHidden depth 10',
      (x: unknown) => inspect(x, { showHidden: true, depth: 10, showProxy: false }),
    ],
    ['inspect showProxy', (x: unknown) => inspect(x, { showHidden: true, depth: 10, showProxy: true })],
    ['inspect getters', (x: unknown) => inspect(x, { showHidden: true, depth: 10, getters: true })],
    ['String', (x: unknown) => String(x)],
    ['JSON.stringify', (x: unknown) => JSON.stringify(x)],
    ['Object.getOwnPropertyNames', (x: unknown) => String(Object.getOwnPropertyNames(x as object))],
    ['the prototype', (x: unknown) => inspect(Object.getPrototypeOf(x), { showHidden: true, depth: 10 })],
  ])('%s', (_, show) => {
    for (const extra of [{}, { privateKey: keys.merchantKeyPkcs1 }]) {
      const client = new Wechatpay(options(extra))
      for (const node of [client, client.v3, client.v2.pay.closeorder, client.notifications])
        expect(secretsIn(show(node))).toEqual([])
    }
  })
})

describe('the error hierarchy', () => {
  const table: Array<[Function, () => WechatpayError, string]> = [
    [WechatpayError, () => new WechatpayError('SOME_CODE', 'm'), 'SOME_CODE'],
    [WechatpayValidationError, () => new WechatpayValidationError('mchid', 'bad'), 'INVALID_OPTION'],
    [WechatpaySignatureError, () => new WechatpaySignatureError('bad', { status: 200 }), 'SIGNATURE_INVALID'],
    [
      WechatpayApiError,
      () => new WechatpayApiError({ status: 404, code: 'ORDER_NOT_EXIST', message: 'm' }),
      'ORDER_NOT_EXIST',
    ],
    [WechatpayBusinessError, () => new WechatpayBusinessError(200, { return_code: 'FAIL' }), 'FAIL'],
    [WechatpayTransportError, () => new WechatpayTransportError('TIMEOUT', 'm'), 'TIMEOUT'],
  ]

  test.each(table)('%o', (Class, make, code) => {
    const error = make()
    expect(error.name).toBe(Class.name)
    expect(typeof error.code).toBe('string')
    expect(error.code).toBe(code)
    expect(error).toBeInstanceOf(WechatpayError)
    expect(error).toBeInstanceOf(Error)
    expect(error.constructor).toBe(Class)
    expect(String(error).startsWith(`${Class.name}: `)).toBe(true)
    expect(error.stack?.startsWith(`${Class.name}: `)).toBe(true)
  })

  test('the subclasses are distinct', () => {
    const errors = table.map(([, make]) => make())
    for (const [i, [Class]] of table.entries()) {
      if (Class === WechatpayError) continue
      expect(errors.filter((e) => e instanceof Class)).toEqual([errors[i]])
    }
  })

  test('every error met in practice has name equal to its class name and a string code', async () => {
    for (const [label, Class, , make] of scenarios) {
      const error = (await make()) as WechatpayError
      expect({ label, name: error.name }).toEqual({ label, name: Class.name })
      expect(error.constructor).toBe(Class)
      expect(typeof error.code).toBe('string')
    }
  })
})

describe('hook events carry no secret', () => {
  // Every event of every kind of request (calls with a sensitive() field, uploads, downloads,
  // certificates(), v2 calls, failures), serialised every way, scanned for the keys, each
  // request's Authorization value and the sensitive plaintext.
  const PLAINTEXT = 'Zhang-张三-6222021234567890'
  const FILE = Buffer.from('交易时间,商户号\r\n`2026-12-01 10:00:00,`1900000109\r\n')
  let gateway: Gateway
  const events: Array<[string, unknown]> = []
  let answer: (req: Seen) => Answer = () => ({ status: 200, body: '{}' })

  beforeAll(async () => {
    gateway = await startGateway({
      mchid,
      merchantSerial,
      merchantPublicKey: keys.merchantPublicKey,
      platformSerial,
      platformKey: keys.platformKey,
      secret,
    })
    gateway.handler = (req) => answer(req)
  })
  afterAll(() => gateway.close())

  const client = (extra: Record<string, unknown> = {}) =>
    new Wechatpay(
      options({
        baseUrl: gateway.url,
        backupBaseUrl: false,
        retry: { retries: 1, minDelayMs: 5, maxDelayMs: 10 },
        hooks: {
          request: (e: unknown) => events.push(['request', e]),
          response: (e: unknown) => events.push(['response', e]),
          error: (e: unknown) => events.push(['error', e]),
        },
        ...extra,
      }),
    )

  const settle = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      () => undefined,
    )

  test('every event of every entry point, success and failure', async () => {
    const wxpay = client()
    const sha1 = createHash('sha1').update(FILE).digest('hex')
    const steps: Array<[string, (req: Seen) => Answer, () => Promise<unknown>]> = [
      [
        'a v3 call with a sensitive() encrypted field',
        () => ({ status: 200, body: '{"type":"MERCHANT_ID","account":"1900000109"}' }),
        () =>
          wxpay.chain('v3/profitsharing/receivers/add' as string).post({
            json: {
              appid,
              type: 'MERCHANT_ID',
              account: '1900000109',
              name: wxpay.sensitive(PLAINTEXT),
              relation_type: 'STORE',
            },
          } as never),
      ],
      [
        'an upload',
        () => ({ status: 200, body: '{"media_id":"m1"}' }),
        () =>
          wxpay.v3.merchant.media.upload.post({
            media: { filename: 'a.jpg', data: new Uint8Array([0xff, 0xd8, 0xff]) },
          }),
      ],
      [
        'download()',
        () => ({
          status: 200,
          sign: false,
          headers: { 'content-type': 'application/octet-stream' },
          body: FILE,
        }),
        () =>
          wxpay.download(`${gateway.url}v3/billdownload/file?token=t1`, {
            hash_type: 'SHA1',
            hash_value: sha1,
          }),
      ],
      [
        'download.stream()',
        () => ({
          status: 200,
          sign: false,
          headers: { 'content-type': 'application/octet-stream' },
          body: FILE,
        }),
        async () =>
          new Response(
            await wxpay.download.stream(`${gateway.url}v3/billdownload/file?token=t`, {
              hash_type: 'SHA1',
              hash_value: sha1,
            }),
          ).arrayBuffer(),
      ],
      ['certificates()', () => ({ status: 200, body: '{"data":[]}' }), () => wxpay.certificates()],
      [
        'a v2 call',
        () => ({
          status: 200,
          body: signedV2Xml(
            { return_code: 'SUCCESS', result_code: 'SUCCESS', appid, mch_id: mchid, nonce_str: 'n' },
            secret,
          ),
        }),
        () => closeV2(wxpay),
      ],
      [
        'a v2 FAIL',
        () => ({ status: 200, body: signedV2Xml(v2OrderPaidReply, secret) }),
        () => closeV2(wxpay),
      ],
      [
        'a 404 API error',
        () => ({ status: 404, body: `{"code":"RESOURCE_NOT_EXISTS","message":"no such order"}` }),
        () => closeOrder(wxpay),
      ],
      [
        'a reply with a bad signature',
        () => ({ status: 200, sign: false, body: '{}' }),
        () => closeOrder(wxpay),
      ],
      [
        'a retried 429 then a reset',
        (req) =>
          gateway.seen.indexOf(req) % 2 === 0
            ? { status: 429, body: '{"code":"FREQUENCY_LIMITED"}' }
            : 'reset',
        () =>
          wxpay.v3.pay.transactions.id._transaction_id_.get({ transaction_id: '4200001', query: { mchid } }),
      ],
      [
        'a timeout',
        () => 'hang',
        () =>
          wxpay.v3.pay.transactions.id._transaction_id_.get({
            transaction_id: '4200001',
            query: { mchid },
            timeout: 200,
          }),
      ],
    ]
    const kinds = new Set<string>()
    for (const [label, reply, run] of steps) {
      gateway.seen.length = 0
      events.length = 0
      answer = reply
      await settle(run())
      expect(events.length, label).toBeGreaterThan(0)
      const authorizations = gateway.seen.map((s) => String(s.headers.authorization ?? ''))
      const signatures = authorizations
        .map((a) => /signature="([^"]+)"/.exec(a)?.[1])
        .filter(Boolean) as string[]
      for (const [kind, event] of events) {
        kinds.add(kind)
        for (const text of [JSON.stringify(event), inspect(event, { depth: 10, showHidden: true })]) {
          expect({ label, kind, leaks: secretsIn(text) }).toEqual({ label, kind, leaks: [] })
          expect(text, label).not.toContain(PLAINTEXT)
          expect(text, label).not.toContain('张三')
          for (const a of authorizations.filter(Boolean)) {
            expect(text, label).not.toContain(a)
            expect(text, label).not.toContain(JSON.stringify(a).slice(1, -1))
          }
          for (const sig of signatures) expect(text, label).not.toContain(sig.slice(0, 40))
          expect(text, label).not.toContain('WECHATPAY2-SHA256')
        }
      }
    }
    // the sensitive field really went out encrypted (the scan saw a call that carried it)
    expect(kinds).toEqual(new Set(['request', 'response', 'error']))
  })

  test('the scan can fail: an event holding the Authorization value is caught', async () => {
    gateway.seen.length = 0
    answer = () => ({ status: 200, body: '{}' })
    await settle(closeOrder(client()))
    const authorization = String(gateway.seen[0]!.headers.authorization)
    const signature = /signature="([^"]+)"/.exec(authorization)![1]!
    expect(JSON.stringify({ leaked: authorization })).toContain(JSON.stringify(authorization).slice(1, -1))
    expect(inspect({ leaked: authorization })).toContain(signature.slice(0, 40))
    expect(secretsIn(inspect({ key: keys.merchantKey }))).not.toEqual([])
  })
})
