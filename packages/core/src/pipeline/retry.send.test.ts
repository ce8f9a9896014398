// Opt-in retry through the one door, against the scriptable gateway: what is retried (a 429, a
// 5xx SYSTEM_ERROR, a failure before any reply; GETs and POSTs carrying their endpoint's
// merchant-chosen id), what never is (4xx, another 5xx, a cut reply, an unkeyed POST), and the
// bounds (Retry-After, maxDelayMs, the whole timeout, an abort while waiting). The gateway counts
// requests and records when each arrived; nothing here measures the test's own elapsed time.
import { type Answer, type Gateway, type Seen, startGateway } from '@wxpay/sandbox/testing'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { clientOptions, mchid, merchantSerial, platformSerial, secret } from '../../test/fixtures'
import { type TestKeys, testKeys } from '../../test/keys'
import { WechatpayApiError, WechatpayTransportError } from '../errors'
import { Wechatpay as FetchWechatpay } from '../index'
import { Wechatpay } from '../node'
import type { ErrorEvent, RequestEvent, ResponseEvent } from './hooks'

let keys: TestKeys
let gateway: Gateway
/** When each request arrived (Date.now() in the gateway's handler). */
let arrivals: number[] = []
/** The answers, in order; the last one repeats. */
let script: Answer[] = []

const ok: Answer = { status: 200, body: '{"trade_state":"SUCCESS"}' }
const limited: Answer = { status: 429, body: '{"code":"FREQUENCY_LIMITED","message":"频率超限"}' }
/** A 429 asking to wait `seconds`. */
const limitedFor = (seconds: string): Answer => ({
  status: 429,
  headers: { 'retry-after': seconds },
  body: '{"code":"FREQUENCY_LIMITED","message":"频率超限"}',
})
const systemError: Answer = { status: 500, body: '{"code":"SYSTEM_ERROR","message":"系统错误"}' }

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
  gateway.handler = (_: Seen) => {
    arrivals.push(Date.now())
    const answer = script[Math.min(arrivals.length - 1, script.length - 1)]
    if (typeof answer === 'object' && 'status' in answer)
      return { ...answer, headers: { ...(answer.headers as Record<string, string>) } }
    return answer ?? ok
  }
})
afterAll(() => gateway.close())
afterEach(() => {
  gateway.seen.length = 0
  arrivals = []
  script = []
})

type Event = ['request', RequestEvent] | ['response', ResponseEvent] | ['error', ErrorEvent]

function client(extra: object = {}, Client: typeof Wechatpay = Wechatpay) {
  const events: Event[] = []
  const wxpay = new Client({
    ...clientOptions(keys),
    baseUrl: gateway.url,
    backupBaseUrl: false,
    hooks: {
      request: (e: RequestEvent) => events.push(['request', e]),
      response: (e: ResponseEvent) => events.push(['response', e]),
      error: (e: ErrorEvent) => events.push(['error', e]),
    },
    ...extra,
  })
  return { wxpay, events }
}

const query = (wxpay: Wechatpay, options: object = {}) =>
  wxpay.v3.pay.transactions.id._transaction_id_.get({
    transaction_id: '4200001',
    query: { mchid },
    ...options,
  })

const refund = (wxpay: Wechatpay, keyed: boolean) =>
  wxpay.v3.refund.domestic.refunds.post({
    json: {
      out_trade_no: 'T1',
      ...(keyed ? { out_refund_no: 'R1' } : {}),
      amount: { refund: 1, total: 1, currency: 'CNY' },
    },
  } as never)

const settle = <T>(p: Promise<T>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  )

/** `attempt:status/code:willRetry` of each response or error event. */
const outcomes = (events: Event[]) =>
  events
    .filter(([kind]) => kind !== 'request')
    .map(([, e]) => {
      const end = e as ResponseEvent | ErrorEvent
      const what = 'error' in end ? (end.error as { code?: string }).code : end.status
      return `${end.attempt}:${what}:${end.willRetry}`
    })

describe('retry', () => {
  test('off by default: a 429 is one request, and an API error', async () => {
    script = [limited, ok]
    const { wxpay, events } = client()
    const error = await settle(query(wxpay))
    expect(error).toBeInstanceOf(WechatpayApiError)
    expect((error as WechatpayApiError).status).toBe(429)
    expect(gateway.seen).toHaveLength(1)
    expect(outcomes(events)).toEqual(['1:FREQUENCY_LIMITED:false'])
  })

  test.each([
    ['a 429', limited],
    ['a 500 SYSTEM_ERROR', systemError],
  ])('retry: 2 — a GET is retried after %s; hooks see every attempt', async (_, first) => {
    script = [first, ok]
    const { wxpay, events } = client({ retry: { retries: 2, minDelayMs: 10, maxDelayMs: 100 } })
    const reply = await query(wxpay)
    expect(reply.data).toEqual({ trade_state: 'SUCCESS' })
    expect(gateway.seen).toHaveLength(2)
    for (const s of gateway.seen) expect(s.valid, s.reason).toBe(true)
    const status = (first as { status: number }).status
    expect(outcomes(events)).toEqual([`1:${status}:true`, '2:200:false'])
    expect(events.map(([kind, e]) => `${kind}${e.attempt}`)).toEqual([
      'request1',
      'response1',
      'request2',
      'response2',
    ])
    expect(new Set(events.map(([, e]) => e.callId)).size).toBe(1)
  })

  test('retries are bounded by `retries`: three 500s with retry: 2 reject with the last one', async () => {
    script = [systemError]
    const { wxpay, events } = client({ retry: { retries: 2, minDelayMs: 10, maxDelayMs: 100 } })
    const error = await settle(query(wxpay))
    expect(error).toBeInstanceOf(WechatpayApiError)
    expect((error as WechatpayApiError).code).toBe('SYSTEM_ERROR')
    expect(gateway.seen).toHaveLength(3)
    expect(outcomes(events)).toEqual(['1:500:true', '2:500:true', '3:SYSTEM_ERROR:false'])
  })

  test.each([
    ['400', { status: 400, body: '{"code":"PARAM_ERROR","message":"x"}' }],
    ['404', { status: 404, body: '{"code":"RESOURCE_NOT_EXISTS","message":"x"}' }],
    ['500 with another code', { status: 500, body: '{"code":"INVALID_REQUEST","message":"x"}' }],
    ['502 without a body', { status: 502 }],
  ] as Array<[string, Answer]>)('a %s is never retried', async (_, answer) => {
    script = [answer, ok]
    const { wxpay } = client({ retry: { retries: 2, minDelayMs: 10 } })
    const error = await settle(query(wxpay))
    expect(error).toBeInstanceOf(WechatpayApiError)
    expect(gateway.seen).toHaveLength(1)
  })

  test('a POST to a keyed endpoint carrying its key is retried; without the key it is not', async () => {
    const { wxpay, events } = client({ retry: { retries: 2, minDelayMs: 10 } })
    script = [systemError, { status: 200, body: '{"refund_id":"50000"}' }]
    const reply = await refund(wxpay, true)
    expect(reply.data).toEqual({ refund_id: '50000' })
    expect(gateway.seen).toHaveLength(2)
    // the very same bytes went twice
    expect(gateway.seen[1]!.body).toBe(gateway.seen[0]!.body)
    expect(JSON.parse(gateway.seen[0]!.body).out_refund_no).toBe('R1')
    expect(outcomes(events)).toEqual(['1:500:true', '2:200:false'])

    gateway.seen.length = 0
    arrivals = []
    const error = await settle(refund(wxpay, false))
    expect(error).toBeInstanceOf(WechatpayApiError)
    expect(gateway.seen).toHaveLength(1)
  })

  test('a POST to an endpoint without a merchant-chosen id is never retried', async () => {
    script = [limited, ok]
    const { wxpay } = client({ retry: { retries: 2, minDelayMs: 10 } })
    const error = await settle(
      wxpay
        .chain('v3/merchant-service/complaints-v2/{complaint_id}/complete')
        .post({ complaint_id: '200201820200101080076610000', json: { complainted_mchid: mchid } } as never),
    )
    expect(error).toBeInstanceOf(WechatpayApiError)
    expect((error as WechatpayApiError).status).toBe(429)
    expect(gateway.seen).toHaveLength(1)
  })

  test.each([
    ['undici', Wechatpay],
    ['fetch', FetchWechatpay as typeof Wechatpay],
  ])('%s: a reset before any reply is a retryable CONNECTION error', async (_, Client) => {
    script = ['reset', ok]
    const off = client({}, Client)
    const first = await settle(query(off.wxpay))
    expect(first).toBeInstanceOf(WechatpayTransportError)
    expect((first as WechatpayTransportError).code).toBe('CONNECTION')
    expect((first as WechatpayTransportError).retryable).toBe(true)
    expect(gateway.seen).toHaveLength(1)

    gateway.seen.length = 0
    arrivals = []
    const on = client({ retry: { retries: 2, minDelayMs: 10 } }, Client)
    const reply = await query(on.wxpay)
    expect(reply.data).toEqual({ trade_state: 'SUCCESS' })
    expect(gateway.seen).toHaveLength(2)
    expect(outcomes(on.events)).toEqual(['1:CONNECTION:true', '2:200:false'])
  })

  test('a reply cut mid-body is never retried', async () => {
    script = [
      {
        raw: 'HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n{"code":"SYSTEM_',
      },
      ok,
    ]
    const { wxpay, events } = client({ retry: { retries: 2, minDelayMs: 10 } })
    const error = await settle(query(wxpay))
    expect(error).toBeInstanceOf(WechatpayTransportError)
    expect((error as WechatpayTransportError).retryable).toBe(false)
    expect(gateway.seen).toHaveLength(1)
    expect(outcomes(events)).toHaveLength(1)
    expect(outcomes(events)[0]).toMatch(/^1:\w+:false$/)
  })

  test('Retry-After: 1 is honoured: the retry arrives at least a second after the 429 was answered', async () => {
    script = [limitedFor('1'), ok]
    const { wxpay } = client({ retry: { retries: 2, minDelayMs: 10, maxDelayMs: 5000 } })
    await query(wxpay)
    expect(arrivals).toHaveLength(2)
    // the 429 left the gateway after arrivals[0]; the retry must not come before the asked second
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(1000)
  })

  test('a Retry-After longer than maxDelayMs gives up at once with the 429', async () => {
    script = [limitedFor('30'), ok]
    const { wxpay, events } = client({ retry: { retries: 2, minDelayMs: 10, maxDelayMs: 5000 } })
    const error = await settle(query(wxpay))
    expect((error as WechatpayApiError).status).toBe(429)
    expect(gateway.seen).toHaveLength(1)
    expect(outcomes(events)).toEqual(['1:FREQUENCY_LIMITED:false'])
  })

  test('the whole `timeout` bounds the retries: a hanging retry ends with TIMEOUT', async () => {
    script = [systemError, 'hang']
    const { wxpay } = client({ retry: { retries: 5, minDelayMs: 10, maxDelayMs: 20 } })
    const error = await settle(query(wxpay, { timeout: 800 }))
    expect(error).toBeInstanceOf(WechatpayTransportError)
    expect((error as WechatpayTransportError).code).toBe('TIMEOUT')
    expect(gateway.seen).toHaveLength(2)
  })

  test('no retry is started that cannot fit in the timeout: the 429 is returned instead', async () => {
    script = [limitedFor('2'), ok]
    const { wxpay } = client({ retry: { retries: 2, minDelayMs: 10, maxDelayMs: 5000 } })
    const error = await settle(query(wxpay, { timeout: 1000 }))
    expect((error as WechatpayApiError).status).toBe(429)
    expect(gateway.seen).toHaveLength(1)
  })

  test('an abort while waiting to retry rejects ABORTED at once; nothing more is sent', async () => {
    script = [limitedFor('30'), ok]
    const { wxpay, events } = client({ retry: { retries: 2, minDelayMs: 10, maxDelayMs: 60_000 } })
    const controller = new AbortController()
    // the test's own 20 s timeout fails it if the wait (30 s) is not cut short
    const pending = settle(query(wxpay, { signal: controller.signal, timeout: 120_000 }))
    await expect.poll(() => events.some(([kind, e]) => kind === 'response' && e.attempt === 1)).toBe(true)
    controller.abort()
    const error = await pending
    expect(error).toBeInstanceOf(WechatpayTransportError)
    expect((error as WechatpayTransportError).code).toBe('ABORTED')
    expect(gateway.seen).toHaveLength(1)
  })
})
