// Bad input against the sandbox: every case must throw a WechatpayValidationError naming the
// option at fault, before any I/O (the sandbox's request log stays empty).
import { Wechatpay, type WechatpayOptions, WechatpayValidationError } from '@wxpay/core'
import type { Sandbox } from '@wxpay/sandbox'
import { CLOSE_PATH, RECHARGE_PATH } from './clients'
import { settle } from './outcome'

export interface BadInputCase {
  group: string
  name: string
  /** The option the error must name. */
  option: string
  run: (sb: Sandbox, options: WechatpayOptions) => unknown
}

/** Client options for the sandbox (undici transport, no backup). */
export function sandboxOptions(sb: Sandbox, extra: Partial<WechatpayOptions> = {}): WechatpayOptions {
  return { ...sb.clientOptions(), backupBaseUrl: false, ...extra }
}

const close = (options: WechatpayOptions, out_trade_no: unknown, extra: Record<string, unknown> = {}) =>
  new Wechatpay(options).chain(CLOSE_PATH).post({ out_trade_no, json: { mchid: options.mchid }, ...extra })

const v2 = (sb: Sandbox, options: WechatpayOptions, xml: Record<string, unknown>) =>
  new Wechatpay(options).chain('v2/pay/closeorder' as string).post({
    xml: { appid: sb.merchant.appid, mch_id: sb.merchant.mchid, out_trade_no: 'T-bad', ...xml } as never,
  })

function without(options: WechatpayOptions, name: keyof WechatpayOptions): WechatpayOptions {
  const { [name]: _, ...rest } = options
  return rest as WechatpayOptions
}

export function badInputCases(): BadInputCase[] {
  const cases: BadInputCase[] = []
  const pathValues: Array<[string, unknown]> = [
    ['a slash', 'T1/close'],
    ['a question mark', 'T1?x=1'],
    ['a hash', 'T1#x'],
    ['a percent sign', 'T1%2F'],
    ['".."', '..'],
    ['"."', '.'],
    ['Unicode', '订单1'],
    ['a lone surrogate', 'T\uD800'],
    ['a space', 'T 1'],
    ['a newline', 'T1\nX'],
    ['empty', ''],
    ['33 characters', 'T'.repeat(33)],
    ['a number', 12345],
    ['null', null],
    ['missing', undefined],
    ['an object', { toString: () => 'T1' }],
    ['an array', ['T1']],
    ['a boolean', true],
  ]
  for (const [name, value] of pathValues) {
    cases.push({
      group: 'path variable',
      name: `out_trade_no ${name}`,
      option: 'out_trade_no',
      run: (_, o) => close(o, value),
    })
  }
  for (const [name, value] of [
    ['a slash', 'cz/1'],
    ['65 characters', 'c'.repeat(65)],
    ['empty', ''],
    ['Unicode', 'cz-é'],
  ] as const) {
    cases.push({
      group: 'path variable',
      name: `out_recharge_no ${name}`,
      option: 'out_recharge_no',
      run: (_, o) =>
        new Wechatpay(o)
          .chain(RECHARGE_PATH)
          .post({ out_recharge_no: value, query: { sub_mchid: '1900001121' } }),
    })
  }
  cases.push({
    group: 'path variable',
    name: 'any {var} as ".."',
    option: 'var',
    run: (_, o) => new Wechatpay(o).chain('v3/x/{var}/y' as string).get({ var: '..' }),
  })
  cases.push({
    group: 'path variable',
    name: 'v2 out_trade_no with a slash',
    option: 'xml.out_trade_no',
    run: (sb, o) => v2(sb, o, { out_trade_no: 'T/1' }),
  })

  // Missing credentials: the client is built, the call is refused.
  for (const name of ['serial', 'privateKey', 'certs'] as const) {
    cases.push({
      group: 'missing credentials',
      name: `v3 call without ${name}`,
      option: name,
      run: (_, o) => close(without(o, name), 'T1'),
    })
  }
  cases.push({
    group: 'missing credentials',
    name: 'v2 call without secret',
    option: 'secret',
    run: (sb, o) => v2(sb, without(o, 'secret'), {}),
  })
  cases.push({
    group: 'missing credentials',
    name: 'v2 HMAC-SHA256 call without secret',
    option: 'secret',
    run: (sb, o) => v2(sb, without(o, 'secret'), { sign_type: 'HMAC-SHA256' }),
  })

  // Options refused by the constructor (PEMs, mchid, secret, baseUrl, timeout, certs) are not
  // here: they cannot reach I/O, and packages/core/src/options.test.ts checks each one with the
  // same assertions (class, option, code, message).

  // Per-call options.
  const circular: Record<string, unknown> = {}
  circular.self = circular
  const callCases: Array<[string, string, (sb: Sandbox, o: WechatpayOptions) => unknown]> = [
    ['timeout 0', 'timeout', (_, o) => close(o, 'T1', { timeout: 0 })],
    ['signal not an AbortSignal', 'signal', (_, o) => close(o, 'T1', { signal: {} })],
    [
      'a header with CRLF',
      'headers.x-a',
      (_, o) => close(o, 'T1', { headers: { 'x-a': 'a\r\nInjected: 1' } }),
    ],
    [
      'an Authorization header',
      'headers.authorization',
      (_, o) => close(o, 'T1', { headers: { authorization: 'x' } }),
    ],
    [
      'a circular json body',
      'json',
      (_, o) => new Wechatpay(o).chain(CLOSE_PATH).post({ out_trade_no: 'T1', json: circular }),
    ],
    [
      'a BigInt in json',
      'json',
      (_, o) => new Wechatpay(o).chain(CLOSE_PATH).post({ out_trade_no: 'T1', json: { n: 1n } }),
    ],
    ['xml on a v3 path', 'xml', (_, o) => close(o, 'T1', { xml: { a: '1' } })],
    ['a query value that is an object', 'query.a', (_, o) => close(o, 'T1', { query: { a: {} } })],
    ['v2 without xml', 'xml', (_, o) => new Wechatpay(o).v2.pay.closeorder.post({} as never)],
    ['v2 value that is an object', 'xml.attach', (sb, o) => v2(sb, o, { attach: {} })],
    ['v2 value with a carriage return', 'xml.attach', (sb, o) => v2(sb, o, { attach: 'a\rb' })],
    [
      'v2 value with a NUL (XML 1.0 cannot carry it)',
      'xml.attach',
      (sb, o) => v2(sb, o, { attach: 'a\u0000b' }),
    ],
    ['v2 value with a lone surrogate', 'xml.attach', (sb, o) => v2(sb, o, { attach: 'a\uDC00b' })],
    ['v2 field name that is not an XML name', 'xml.1bad', (sb, o) => v2(sb, o, { '1bad': 'x' })],
    ['v2 mch_id of another merchant', 'xml.mch_id', (sb, o) => v2(sb, o, { mch_id: '1900000110' })],
    ['v2 sign_type SHA1', 'xml.sign_type', (sb, o) => v2(sb, o, { sign_type: 'SHA1' })],
  ]
  for (const [name, option, run] of callCases) cases.push({ group: 'call options', name, option, run })
  return cases
}

export interface BadInputResult {
  ok: boolean
  /** What happened, for the report and for failing assertions. */
  detail: string
  requests: number
}

/** Runs one case: ok when it threw a WechatpayValidationError naming the option and nothing was sent. */
export async function runBadInput(sb: Sandbox, kase: BadInputCase): Promise<BadInputResult> {
  sb.requests.clear()
  const { error, outcome } = await settle(() => kase.run(sb, sandboxOptions(sb)))
  const requests = sb.requests.length
  if (!(error instanceof WechatpayValidationError)) {
    return {
      ok: false,
      detail: `expected a WechatpayValidationError, got ${JSON.stringify(outcome)}`,
      requests,
    }
  }
  const ok = error.option === kase.option && error.code === 'INVALID_OPTION' && requests === 0
  return { ok, detail: `${error.option}: ${error.message}`, requests }
}
