// Hooks as observers: one that throws never breaks a call (request, response or error hook), and
// `debug` prints exactly one line per attempt, with nothing from the query or the headers.
import { type Answer, type Gateway, startGateway } from '@wxpay/sandbox/testing'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { clientOptions, mchid, merchantSerial, platformSerial, secret } from '../../test/fixtures'
import { type TestKeys, testKeys } from '../../test/keys'
import { WechatpayApiError, WechatpayTransportError, WechatpayValidationError } from '../errors'
import { Wechatpay } from '../node'

let keys: TestKeys
let gateway: Gateway
let script: Answer[] = []
const ok: Answer = { status: 200, headers: { 'request-id': 'RID-OK' }, body: '{"trade_state":"SUCCESS"}' }

beforeAll(async () => {
  keys = testKeys()
  gateway = await startGateway({
    mchid,
    merchantSerial,
    merchantPublicKey: keys.merchantPublicKey,
    platformSerial,
    platformKey: keys.platformKey,
    secret,
  })
  gateway.handler = () => script[Math.min(gateway.seen.length - 1, script.length - 1)] ?? ok
})
afterAll(() => gateway.close())
afterEach(() => {
  gateway.seen.length = 0
  script = []
})

const client = (extra: object) =>
  new Wechatpay({ ...clientOptions(keys), baseUrl: gateway.url, backupBaseUrl: false, ...extra })
const query = (wxpay: Wechatpay) =>
  wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.get({
    out_trade_no: 'ORDER-SECRET-ID-1',
    query: { mchid },
  })

const boom = () => {
  throw new Error('hook failure')
}

describe('a hook that throws never breaks a call', () => {
  test.each(['request', 'response', 'error'] as const)('%s hook', async (name) => {
    const calls: string[] = []
    const wxpay = client({
      hooks: { [name]: (e: { attempt: number }) => calls.push(`${name}${e.attempt}`) && boom() },
      retry: { retries: 1, minDelayMs: 5, maxDelayMs: 10 },
    })
    // a success, a retried 429, and a failure: each ends as it would without the hook
    script = [ok]
    expect((await query(wxpay)).data).toEqual({ trade_state: 'SUCCESS' })
    gateway.seen.length = 0
    script = [{ status: 429, body: '{"code":"FREQUENCY_LIMITED","message":"x"}' }, ok]
    expect((await query(wxpay)).data).toEqual({ trade_state: 'SUCCESS' })
    expect(gateway.seen).toHaveLength(2)
    gateway.seen.length = 0
    script = [{ status: 404, body: '{"code":"RESOURCE_NOT_EXISTS","message":"x"}' }]
    await expect(query(wxpay)).rejects.toBeInstanceOf(WechatpayApiError)
    gateway.seen.length = 0
    script = ['reset']
    await expect(query(wxpay)).rejects.toBeInstanceOf(WechatpayTransportError)
    // the hook did run (and threw) each time it was due
    expect(calls.length).toBeGreaterThanOrEqual(name === 'error' ? 2 : 3)
  })

  test('a hook that is not a function is refused at construction', () => {
    for (const hooks of [{ request: 'log' }, 'hooks', [() => {}]])
      expect(() => client({ hooks })).toThrow(WechatpayValidationError)
  })
})

describe('debug', () => {
  test('one line per attempt; no query, no header, no id from the path', async () => {
    const lines: string[] = []
    const printed: string[] = []
    const print = (line: string) => {
      lines.push(line)
      printed.push(line)
    }
    const wxpay = client({ debug: print, retry: { retries: 1, minDelayMs: 5 } })
    script = [ok]
    await query(wxpay)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(
      /^\[wxpay\] GET v3\/pay\/transactions\/out-trade-no\/\{out_trade_no\} 200 [\d.]+ms attempt 1 request-id RID-OK$/,
    )

    lines.length = 0
    gateway.seen.length = 0
    script = [{ status: 500, body: '{"code":"SYSTEM_ERROR","message":"x"}' }, ok]
    await query(wxpay)
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/ 500 .*attempt 1 .*\(retrying\)$/)
    expect(lines[1]).toMatch(/ 200 .*attempt 2 /)

    lines.length = 0
    gateway.seen.length = 0
    script = [{ status: 404, body: '{"code":"RESOURCE_NOT_EXISTS","message":"x"}' }]
    await query(wxpay).catch(() => {})
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/ failed RESOURCE_NOT_EXISTS .*attempt 1$/)

    expect(printed).toHaveLength(4)
    const all = printed.join('\n')
    const authorization = String(gateway.seen[0]!.headers.authorization)
    for (const forbidden of [
      'ORDER-SECRET-ID-1',
      `mchid=${mchid}`,
      '?',
      authorization,
      'WECHATPAY2',
      'user-agent',
    ])
      expect(all).not.toContain(forbidden)
  })

  test('debug: a non-boolean non-function is refused naming debug', () => {
    expect(() => client({ debug: 'yes' })).toThrow(expect.objectContaining({ option: 'debug' }))
  })
})
