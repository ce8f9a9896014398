// The forgery matrix: each case scripts one reply (genuine, or a genuine one tampered with) and
// names the outcome the client must reach. Run end to end through the client against the
// scriptable gateway of @wxpay/sandbox/testing, which signs with node:crypto.
import { randomBytes } from 'node:crypto'
import type { Wechatpay } from '@wxpay/core'
import {
  type TestCredentials as Credentials,
  type Reply as RawReply,
  signV3Reply,
  v2Sign,
  v2Xml,
} from '@wxpay/sandbox/testing'
import { CLOSE_PATH, RECHARGE_PATH } from './clients'
import { accepted, type Outcome, refused, SIGNATURE } from './outcome'

export type Call = 'recharge' | 'close' | 'v2-MD5' | 'v2-HMAC-SHA256'

export interface ForgeryCase {
  group: string
  name: string
  call: Call
  /** Builds the reply when the request arrives (timestamps are taken then). */
  reply: (c: Credentials) => RawReply
  expected: Outcome
  /** Timestamp edge case: start the call just after a second begins, so ±299 cannot drift to ±300. */
  edge?: boolean
}

export const SUB_MCHID = '1900001121'

/** A recharge close reply as WeChat Pay sends it (a 200 JSON body). */
export function rechargeBody(c: Credentials): string {
  return JSON.stringify({
    sp_mchid: c.mchid,
    sub_mchid: SUB_MCHID,
    recharge_id: '1000000000000000000000000001',
    out_recharge_no: 'cz-forgery-1',
    account_type: 'BASIC',
    recharge_state: 'CLOSED',
    recharge_scene: 'ECOMMERCE_DEPOSIT',
    recharge_amount: { amount: 12345, currency: 'CNY' },
    accept_time: '2026-01-01T10:00:00+08:00',
    close_time: '2026-01-01T10:05:00+08:00',
  })
}

/** Sends the case's call through a client. */
export function callFor(client: Wechatpay, call: Call, c: Credentials): Promise<unknown> {
  if (call === 'recharge')
    return client
      .chain(RECHARGE_PATH)
      .post({ out_recharge_no: 'cz-forgery-1', query: { sub_mchid: SUB_MCHID } })
  if (call === 'close')
    return client.chain(CLOSE_PATH).post({ out_trade_no: 'T-forgery-1', json: { mchid: c.mchid } })
  const sign_type = call === 'v2-MD5' ? 'MD5' : 'HMAC-SHA256'
  return client.v2.pay.closeorder.post({
    xml: { appid: c.appid, mch_id: c.mchid, out_trade_no: 'T-forgery-1', sign_type },
  })
}

/** The parts of a v3 reply signature, apart, so that a case can tamper with one of them. */
export interface V3Signed {
  timestamp: string
  nonce: string
  signature: string
}

/** SHA256withRSA over `TIMESTAMP\nNONCE\nBODY\n` (the shared reply signer); `timestamp` signed as given. */
function signV3(privateKey: string, body: Buffer | string, options: { timestamp?: string } = {}): V3Signed {
  // the serial goes on the wire separately (v3Headers), possibly tampered with
  const h = signV3Reply({ privateKey, serial: '', body, ...options })
  return {
    timestamp: h['Wechatpay-Timestamp'],
    nonce: h['Wechatpay-Nonce'],
    signature: h['Wechatpay-Signature'],
  }
}

/** The five `Wechatpay-*` header lines of a signed v3 reply, in WeChat Pay's order. */
function v3Headers(serial: string, signed: V3Signed): Array<[string, string]> {
  return [
    ['Wechatpay-Nonce', signed.nonce],
    ['Wechatpay-Signature', signed.signature],
    ['Wechatpay-Timestamp', signed.timestamp],
    ['Wechatpay-Serial', serial],
    ['Wechatpay-Signature-Type', 'WECHATPAY2-SHA256-RSA2048'],
  ]
}

type Tamper = (headers: Array<[string, string]>, signed: V3Signed) => Array<[string, string]>

const json = (body: string | Buffer, headers: Array<[string, string]>, status = 200): RawReply => ({
  status,
  body,
  headers: [['Content-Type', 'application/json'], ['Request-ID', 'RQ1'], ...headers],
})

/** A genuinely signed recharge reply, then `tamper` applied to its Wechatpay-* header lines. */
function v3(tamper: Tamper = (h) => h, options: { signWith?: 'platform' | 'other'; offset?: number } = {}) {
  return (c: Credentials): RawReply => {
    const body = rechargeBody(c)
    const key = options.signWith === 'other' ? c.other.privateKey : c.platform.privateKey
    const timestamp = String(Math.floor(Date.now() / 1000) + (options.offset ?? 0))
    const signed = signV3(key, body, { timestamp })
    return json(body, tamper(v3Headers(c.platformSerial, signed), signed))
  }
}

const set =
  (name: string, value: string): Tamper =>
  (h) =>
    h.map(([n, v]) => [n, n === name ? value : v])
const drop =
  (name: string): Tamper =>
  (h) =>
    h.filter(([n]) => n !== name)
const twice =
  (name: string): Tamper =>
  (h) =>
    h.flatMap((line) => (line[0] === name ? [line, line] : [line]))

const HEADERS = ['Wechatpay-Timestamp', 'Wechatpay-Nonce', 'Wechatpay-Signature', 'Wechatpay-Serial']

/** Positions to flip: 64 spread over the body, plus the first and the last byte. */
export function flipPositions(length: number, samples = 64): number[] {
  const out = new Set([0, length - 1])
  for (let i = 0; i < samples; i++) out.add(Math.floor(((i + 0.5) * length) / samples))
  return [...out].sort((a, b) => a - b)
}

function v3Cases(c: Credentials): ForgeryCase[] {
  const cases: ForgeryCase[] = []
  const add = (
    group: string,
    name: string,
    reply: ForgeryCase['reply'],
    expected: Outcome,
    extra: Partial<ForgeryCase> = {},
  ) => cases.push({ group, name, call: 'recharge', reply, expected, ...extra })

  add('v3 genuine', '200 JSON, genuinely signed', v3(), accepted)
  add(
    'v3 genuine',
    '200 JSON with insignificant whitespace, signed as sent (raw bytes verified)',
    (c) => {
      const body = JSON.stringify(JSON.parse(rechargeBody(c)), null, 2)
      return json(body, v3Headers(c.platformSerial, signV3(c.platform.privateKey, body)))
    },
    accepted,
  )
  add(
    'v3 genuine',
    'without Wechatpay-Signature-Type (informational; the four headers decide)',
    v3(drop('Wechatpay-Signature-Type')),
    accepted,
  )
  add(
    'v3 genuine',
    'Wechatpay-Signature-Type sent twice (informational)',
    v3(twice('Wechatpay-Signature-Type')),
    accepted,
  )
  for (const status of [201, 299]) {
    add('v3 genuine', `${status} JSON, genuinely signed`, (c) => ({ ...v3()(c), status }), accepted)
  }
  cases.push({
    group: 'v3 genuine',
    name: '204 with an empty body, signed over the empty body',
    call: 'close',
    reply: (c) => ({ status: 204, headers: v3Headers(c.platformSerial, signV3(c.platform.privateKey, '')) }),
    expected: accepted,
  })

  // Every sampled byte of the body flipped (XOR 0x01) after signing.
  const length = Buffer.byteLength(rechargeBody(c))
  for (const at of flipPositions(length)) {
    add(
      'v3 body byte flipped',
      `byte ${at} of ${length} flipped`,
      (c) => {
        const body = Buffer.from(rechargeBody(c))
        const signed = signV3(c.platform.privateKey, body)
        body[at]! ^= 0x01
        return json(body, v3Headers(c.platformSerial, signed))
      },
      SIGNATURE,
    )
  }
  const reshaped: Array<[string, (b: string) => string]> = [
    ['truncated by one byte', (b) => b.slice(0, -1)],
    ['one byte appended', (b) => `${b} `],
    ['re-serialised with whitespace after signing', (b) => JSON.stringify(JSON.parse(b), null, 1)],
    ['a field changed after signing (amount)', (b) => b.replace('12345', '99999')],
  ]
  for (const [name, change] of reshaped) {
    add(
      'v3 body changed',
      name,
      (c) => {
        const body = rechargeBody(c)
        return json(change(body), v3Headers(c.platformSerial, signV3(c.platform.privateKey, body)))
      },
      SIGNATURE,
    )
  }
  add(
    'v3 body changed',
    '2xx with a body but a signature over the empty body',
    (c) => json(rechargeBody(c), v3Headers(c.platformSerial, signV3(c.platform.privateKey, ''))),
    SIGNATURE,
  )
  cases.push({
    group: 'v3 body changed',
    name: '204 (no body) whose signature covers a body',
    call: 'close',
    reply: (c) => ({
      status: 204,
      headers: v3Headers(c.platformSerial, signV3(c.platform.privateKey, '{"code":"OK"}')),
    }),
    expected: SIGNATURE,
  })
  add(
    'v3 body changed',
    'signed 200 whose body is not JSON (genuine, but not a JSON object: not a signature failure)',
    (c) => json('not json', v3Headers(c.platformSerial, signV3(c.platform.privateKey, 'not json'))),
    refused('WechatpayApiError', 'INVALID_REPLY'),
  )

  for (const name of HEADERS) {
    add('v3 headers', `${name} missing`, v3(drop(name)), SIGNATURE)
    add('v3 headers', `${name} sent twice (same value)`, v3(twice(name)), SIGNATURE)
    add('v3 headers', `${name} present but empty`, v3(set(name, '')), SIGNATURE)
  }
  add(
    'v3 headers',
    'no Wechatpay-* header at all (unsigned 200)',
    (c) => json(rechargeBody(c), []),
    SIGNATURE,
  )
  cases.push({
    group: 'v3 headers',
    name: 'unsigned 204',
    call: 'close',
    reply: () => ({ status: 204 }),
    expected: SIGNATURE,
  })
  add(
    'v3 headers',
    'Wechatpay-Serial twice: configured, then another',
    v3((h) => [...h, ['Wechatpay-Serial', 'PUB_KEY_ID_X']]),
    SIGNATURE,
  )
  add('v3 headers', 'nonce changed after signing', v3(set('Wechatpay-Nonce', 'a'.repeat(32))), SIGNATURE)
  add(
    'v3 headers',
    'timestamp changed by 1 s after signing',
    v3((h, s) => set('Wechatpay-Timestamp', String(Number(s.timestamp) - 1))(h, s)),
    SIGNATURE,
  )

  add(
    'v3 serial',
    'an unknown serial',
    v3(set('Wechatpay-Serial', 'PUB_KEY_ID_0119000001092026112200000000000002')),
    SIGNATURE,
  )
  add(
    'v3 serial',
    'the configured serial in lower case',
    v3(set('Wechatpay-Serial', c.platformSerial.toLowerCase())),
    SIGNATURE,
  )
  add('v3 serial', "the merchant's own serial", v3(set('Wechatpay-Serial', c.merchantSerial)), SIGNATURE)
  add('v3 key', "another key's signature, configured serial", v3(undefined, { signWith: 'other' }), SIGNATURE)
  add(
    'v3 key',
    "another key's signature and its own serial",
    v3(set('Wechatpay-Serial', 'PUB_KEY_ID_OTHER'), { signWith: 'other' }),
    SIGNATURE,
  )

  for (const offset of [-301, -300, -299, 299, 300, 301]) {
    const expected = Math.abs(offset) < 300 ? accepted : SIGNATURE
    add(
      'v3 timestamp',
      `signed timestamp ${offset > 0 ? '+' : ''}${offset} s from now`,
      v3(undefined, { offset }),
      expected,
      { edge: true },
    )
  }
  const stamps: Array<[string, (ts: string) => string]> = [
    ['in milliseconds', () => String(Date.now())],
    ['with a leading +', (ts) => `+${ts}`],
    ['in exponent form', (ts) => Number(ts).toExponential()],
    ['with a fraction', (ts) => `${ts}.0`],
    ['negative', () => '-1'],
    ['not a number', () => 'yesterday'],
  ]
  for (const [name, form] of stamps) {
    add(
      'v3 timestamp',
      `timestamp ${name}, signed as sent`,
      (c) => {
        const body = rechargeBody(c)
        const timestamp = form(String(Math.floor(Date.now() / 1000)))
        return json(body, v3Headers(c.platformSerial, signV3(c.platform.privateKey, body, { timestamp })))
      },
      SIGNATURE,
    )
  }

  const probe = () => `WECHATPAY/SIGNTEST/${randomBytes(256).toString('base64')}`
  add('v3 signature', 'WECHATPAY/SIGNTEST/ probe', v3(set('Wechatpay-Signature', probe())), SIGNATURE)
  add(
    'v3 signature',
    'WECHATPAY/SIGNTEST/ followed by the genuine signature',
    v3((h, s) => set('Wechatpay-Signature', `WECHATPAY/SIGNTEST/${s.signature}`)(h, s)),
    SIGNATURE,
  )
  add(
    'v3 signature',
    'WECHATPAY/SIGNTEST/ with non-base64 garbage',
    v3(set('Wechatpay-Signature', 'WECHATPAY/SIGNTEST/%%%')),
    SIGNATURE,
  )
  const forms: Array<[string, (s: string) => string]> = [
    ['not base64 at all', () => '!!!!not-base64!!!!'],
    ['a * inside the genuine signature', (s) => `${s.slice(0, 10)}*${s.slice(11)}`],
    ['a space inside the genuine signature', (s) => `${s.slice(0, 10)} ${s.slice(10)}`],
    ['the genuine signature without padding', (s) => s.replace(/=+$/, '')],
    [
      'the genuine signature, base64url and unpadded',
      (s) => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
    ],
    ['the genuine signature with extra padding', (s) => `${s}==`],
    ['the genuine signature minus its last quad', (s) => s.slice(0, -4)],
    ['random bytes of the right length', () => randomBytes(256).toString('base64')],
    ['base64 of nothing', () => '===='],
  ]
  for (const [name, form] of forms) {
    add(
      'v3 signature',
      name,
      v3((h, s) => set('Wechatpay-Signature', form(s.signature))(h, s)),
      SIGNATURE,
    )
  }

  add(
    'v3 not 2xx',
    '400 error JSON, unsigned (not verified: an API error)',
    () => json('{"code":"PARAM_ERROR","message":"bad"}', [], 400),
    refused('WechatpayApiError', 'PARAM_ERROR'),
  )
  add(
    'v3 not 2xx',
    '302 redirect (not followed)',
    () => ({ status: 302, headers: [['Location', 'http://127.0.0.1:1/']] }),
    refused('WechatpayApiError', 'HTTP_302'),
  )
  return cases
}

interface V2Reply {
  fields?: Record<string, string>
  /** Who signs and how; `none` leaves `sign` out. */
  signWith?: 'secret' | 'other' | 'none'
  type?: 'MD5' | 'HMAC-SHA256' | 'request'
  after?: (fields: Record<string, string>) => Record<string, string>
  raw?: string
  status?: number
}

function v2(call: Call, spec: V2Reply | ((c: Credentials) => V2Reply)) {
  return (c: Credentials): RawReply => {
    const s = typeof spec === 'function' ? spec(c) : spec
    if (s.raw !== undefined)
      return { status: s.status ?? 200, body: s.raw, headers: [['Content-Type', 'text/xml']] }
    const fields = { ...s.fields }
    const requested = call === 'v2-MD5' ? 'MD5' : 'HMAC-SHA256'
    const type = !s.type || s.type === 'request' ? requested : s.type
    const secret = s.signWith === 'other' ? 'OtherKeyOtherKeyOtherKeyOtherKey' : c.secret
    if (s.signWith !== 'none') fields.sign = v2Sign(fields, secret, type)
    const body = v2Xml(s.after ? s.after(fields) : fields)
    return { status: s.status ?? 200, body, headers: [['Content-Type', 'text/xml']] }
  }
}

function v2Fields(c: Credentials, extra: Record<string, string> = {}): Record<string, string> {
  return {
    return_code: 'SUCCESS',
    return_msg: 'OK',
    appid: c.appid,
    mch_id: c.mchid,
    nonce_str: randomBytes(16).toString('hex'),
    result_code: 'SUCCESS',
    result_msg: 'OK',
    ...extra,
  }
}

function v2Cases(): ForgeryCase[] {
  const cases: ForgeryCase[] = []
  for (const call of ['v2-MD5', 'v2-HMAC-SHA256'] as const) {
    const other = call === 'v2-MD5' ? 'HMAC-SHA256' : 'MD5'
    const add = (
      group: string,
      name: string,
      spec: V2Reply | ((c: Credentials) => V2Reply),
      expected: Outcome,
    ) =>
      cases.push({ group, name: `${name} (${call.slice(3)} request)`, call, reply: v2(call, spec), expected })
    const fail = (c: Credentials) =>
      v2Fields(c, { result_code: 'FAIL', err_code: 'ORDERPAID', err_code_des: 'paid' })
    add('v2 genuine', 'genuinely signed SUCCESS', (c) => ({ fields: v2Fields(c) }), accepted)
    add(
      'v2 genuine',
      'unknown extra fields, signed',
      (c) => ({ fields: v2Fields(c, { zz_new: 'x', aa_new: 'y' }) }),
      accepted,
    )
    add(
      'v2 genuine',
      'an empty field (left out of the sign, as the rules say)',
      (c) => ({ fields: v2Fields(c, { device_info: '' }) }),
      accepted,
    )
    add(
      'v2 genuine',
      'a value with spaces and a newline, signed',
      (c) => ({ fields: v2Fields(c, { attach: '  a\nb  ' }) }),
      accepted,
    )
    add(
      'v2 sign',
      'sign altered (last hex digit)',
      (c) => ({
        fields: v2Fields(c),
        after: (f) => ({ ...f, sign: f.sign!.slice(0, -1) + (f.sign!.endsWith('0') ? '1' : '0') }),
      }),
      SIGNATURE,
    )
    add(
      'v2 sign',
      'sign in lower case',
      (c) => ({ fields: v2Fields(c), after: (f) => ({ ...f, sign: f.sign!.toLowerCase() }) }),
      SIGNATURE,
    )
    add('v2 sign', 'sign missing', (c) => ({ fields: v2Fields(c), signWith: 'none' }), SIGNATURE)
    add(
      'v2 sign',
      'sign empty',
      (c) => ({ fields: v2Fields(c), after: (f) => ({ ...f, sign: '' }) }),
      SIGNATURE,
    )
    add('v2 sign', `wrong type (${other})`, (c) => ({ fields: v2Fields(c), type: other }), SIGNATURE)
    add('v2 sign', 'signed with another key', (c) => ({ fields: v2Fields(c), signWith: 'other' }), SIGNATURE)
    add(
      'v2 sign',
      'result_code FAIL turned into SUCCESS after signing',
      (c) => ({
        fields: fail(c),
        after: ({ err_code: _e, err_code_des: _d, ...f }) => ({ ...f, result_code: 'SUCCESS' }),
      }),
      SIGNATURE,
    )
    add(
      'v2 sign',
      'a field added after signing',
      (c) => ({ fields: v2Fields(c), after: (f) => ({ ...f, attach: 'x' }) }),
      SIGNATURE,
    )
    add(
      'v2 sign',
      'a field removed after signing',
      (c) => ({ fields: v2Fields(c), after: ({ result_msg: _r, ...f }) => f }),
      SIGNATURE,
    )
    add(
      'v2 sign',
      'result_code FAIL with a bad sign (verified before the business result)',
      (c) => ({
        fields: fail(c),
        signWith: 'other',
      }),
      SIGNATURE,
    )
    add(
      'v2 business',
      'return_code FAIL, unsigned',
      () => ({
        raw: '<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[SIGNERROR]]></return_msg></xml>',
      }),
      refused('WechatpayBusinessError', 'FAIL'),
    )
    add(
      'v2 business',
      'result_code FAIL ORDERPAID, signed',
      (c) => ({ fields: fail(c) }),
      refused('WechatpayBusinessError', 'ORDERPAID'),
    )
    add(
      'v2 shape',
      'no return_code',
      (c) => ({ fields: v2Fields(c), after: ({ return_code: _r, ...f }) => f }),
      SIGNATURE,
    )
    add(
      'v2 shape',
      'return_code in lower case',
      (c) => ({ fields: v2Fields(c, { return_code: 'success' }) }),
      SIGNATURE,
    )
    add('v2 shape', 'an empty body', { raw: '' }, SIGNATURE)
    add('v2 shape', 'a JSON body', { raw: '{"return_code":"SUCCESS"}' }, SIGNATURE)
    add('v2 shape', 'an HTML page', { raw: '<html><body>502 Bad Gateway</body></html>' }, SIGNATURE)
    add(
      'v2 shape',
      '<sign> repeated',
      (c) => {
        const f = v2Fields(c)
        const sign = v2Sign(f, c.secret, call === 'v2-MD5' ? 'MD5' : 'HMAC-SHA256')
        return { raw: v2Xml({ ...f, sign }).replace('</xml>', `<sign>${sign}</sign></xml>`) }
      },
      SIGNATURE,
    )
    add(
      'v2 shape',
      'a nested element',
      (c) => ({ raw: v2Xml(v2Fields(c)).replace('</xml>', '<a><b>1</b></a></xml>') }),
      SIGNATURE,
    )
    add(
      'v2 shape',
      'HTTP 500 with an XML body',
      { raw: '<xml><return_code>FAIL</return_code></xml>', status: 500 },
      refused('WechatpayApiError', 'HTTP_500'),
    )
  }
  return cases
}

/** The whole matrix for one set of credentials. */
export function forgeryCases(c: Credentials): ForgeryCase[] {
  return [...v3Cases(c), ...v2Cases()]
}

const V3_VERIFY_TEST = 'packages/core/src/v3/verify.test.ts'
const V3_UNIT_TESTED: Array<[group: string, name?: RegExp]> = [
  ['v3 body byte flipped'],
  ['v3 body changed', /^(?!signed 200 whose body is not JSON)/],
  ['v3 headers', / (missing|present but empty)$|changed (after signing|by 1 s)/],
  ['v3 serial'],
  ['v3 key'],
  ['v3 timestamp'],
  ['v3 signature'],
]

/**
 * The core unit test that already checks the same tampering on the verifier itself, if any. CI
 * runs only the cases no unit test has (what the wire adds: repeated header lines, statuses, 204s,
 * the call's order of checks); the report runs the whole matrix, end to end, on both transports.
 */
export function unitTestedIn(kase: ForgeryCase): string | undefined {
  if (V3_UNIT_TESTED.some(([group, name]) => kase.group === group && (!name || name.test(kase.name))))
    return V3_VERIFY_TEST
  if (kase.group === 'v2 sign' && !kase.name.startsWith('result_code FAIL with a bad sign'))
    return 'packages/core/src/v2/sign.test.ts'
  if (
    kase.group === 'v2 shape' &&
    /^(<sign> repeated|a nested element|a JSON body|an empty body|an HTML page)/.test(kase.name)
  )
    return 'packages/core/src/v2/xml.test.ts'
  return undefined
}
