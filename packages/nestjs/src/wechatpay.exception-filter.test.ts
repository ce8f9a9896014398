import { Controller, type INestApplication, Param, Post, UseFilters } from '@nestjs/common'
import { APP_FILTER } from '@nestjs/core'
import { Test } from '@nestjs/testing'
import {
  type Wechatpay,
  WechatpayApiError,
  WechatpayBusinessError,
  WechatpayError,
  WechatpaySignatureError,
  WechatpayTransportError,
  WechatpayValidationError,
} from '@wxpay/core'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import {
  InjectWechatpay,
  mapWechatpayError,
  WechatpayExceptionFilter,
  WechatpayModule,
  type WechatpayModuleOptions,
} from './index'
import { listen, MERCHANT, PayController, post, sandboxOptions } from './test-helpers'

const BODY_KEYS = ['statusCode', 'error', 'code', 'message', 'requestId', 'upstreamStatus']

let sb: Sandbox
let app: INestApplication
let url: string

async function start(extra: Partial<WechatpayModuleOptions> = {}) {
  const moduleRef = await Test.createTestingModule({
    imports: [WechatpayModule.forRoot({ ...sandboxOptions(sb), ...extra })],
    controllers: [PayController],
    providers: [
      { provide: MERCHANT, useValue: { mchid: sb.merchant.mchid, appid: sb.merchant.appid } },
      { provide: APP_FILTER, useClass: WechatpayExceptionFilter },
    ],
  }).compile()
  return listen(moduleRef)
}

/** Every answer: only the documented keys, and nothing of the merchant's secrets. */
function expectSecretFree(body: Record<string, unknown> | undefined) {
  expect(Object.keys(body ?? {}).every((key) => BODY_KEYS.includes(key))).toBe(true)
  const text = JSON.stringify(body)
  expect(text).not.toContain(sb.merchant.secret)
  expect(text).not.toContain('PRIVATE KEY')
  expect(text).not.toContain('stack')
}

beforeAll(async () => {
  sb = await startSandbox()
  ;({ app, url } = await start())
})
afterAll(async () => {
  await app?.close()
  await sb?.close()
})
afterEach(async () => {
  await sb.faults.clear()
})

describe('WechatpayExceptionFilter over HTTP, against the sandbox', () => {
  test('a paid order (v3) → 502 with WeChat Pay code, request id and upstream status', async () => {
    sb.orders.create({ out_trade_no: 'paid-v3', state: 'SUCCESS' })
    const { status, body } = await post(`${url}/orders/paid-v3/close`)
    expect(status).toBe(502)
    expect(body).toMatchObject({
      statusCode: 502,
      error: 'WechatpayApiError',
      code: 'ORDER_PAID',
      upstreamStatus: 400,
      requestId: expect.stringMatching(/.+/),
    })
    expectSecretFree(body)
  })

  test('an unknown order (v3) → 502 ORDER_NOT_EXIST with its request id', async () => {
    const { status, body } = await post(`${url}/orders/no-such-order/close`)
    expect(status).toBe(502)
    expect(body).toMatchObject({ code: 'ORDER_NOT_EXIST', upstreamStatus: 404 })
    expect(body?.requestId).toEqual(expect.any(String))
    expectSecretFree(body)
  })

  test('a paid order (v2, HMAC-SHA256) → 502 with err_code ORDERPAID', async () => {
    sb.orders.create({ out_trade_no: 'paid-v2', state: 'SUCCESS' })
    const { status, body } = await post(`${url}/v2/orders/paid-v2/close`)
    expect(status).toBe(502)
    expect(body).toMatchObject({ statusCode: 502, error: 'WechatpayBusinessError', code: 'ORDERPAID' })
    expect(body).not.toHaveProperty('requestId')
    expectSecretFree(body)
  })

  test('a bad out_trade_no → 400, before any request reaches WeChat Pay', async () => {
    sb.requests.clear()
    const { status, body } = await post(`${url}/orders/${encodeURIComponent('bad no!')}/close`)
    expect(status).toBe(400)
    expect(body).toMatchObject({ statusCode: 400, error: 'WechatpayValidationError', code: 'INVALID_OPTION' })
    expect(body?.message).toMatch(/^out_trade_no: /)
    expect(sb.requests).toHaveLength(0)
    expectSecretFree(body)
  })

  test('a forged reply signature → 502 SIGNATURE_INVALID', async () => {
    sb.orders.create({ out_trade_no: 'forged-1' })
    await sb.faults.set({ badSignature: {} })
    const { status, body } = await post(`${url}/orders/forged-1/close`)
    expect(status).toBe(502)
    expect(body).toMatchObject({
      statusCode: 502,
      error: 'WechatpaySignatureError',
      code: 'SIGNATURE_INVALID',
    })
    expectSecretFree(body)
  })

  test('a gateway slower than the client timeout → 504 TIMEOUT', async () => {
    const slow = await start({ timeout: 300 })
    try {
      sb.orders.create({ out_trade_no: 'slow-1' })
      await sb.faults.set({ latencyMs: { value: 1500 } })
      // TIMEOUT comes only from the client's timer (the gateway answers, late): no elapsed time
      // is asserted (benchmarks measure time; CI machines are loaded).
      const { status, body } = await post(`${slow.url}/orders/slow-1/close`)
      expect(status).toBe(504)
      expect(body).toMatchObject({ statusCode: 504, error: 'WechatpayTransportError', code: 'TIMEOUT' })
      expectSecretFree(body)
    } finally {
      await slow.app.close()
    }
  })

  test('a gateway that is down → 504 CONNECTION', async () => {
    await sb.faults.set({ primaryDown: true })
    const { status, body } = await post(`${url}/orders/down-1/close`)
    expect(status).toBe(504)
    expect(body).toMatchObject({ statusCode: 504, error: 'WechatpayTransportError', code: 'CONNECTION' })
    expectSecretFree(body)
  })
})

test('used with `new WechatpayExceptionFilter()` (no adapter injected) it answers through the response', async () => {
  @Controller()
  @UseFilters(new WechatpayExceptionFilter())
  class Plain {
    constructor(@InjectWechatpay() private readonly wxpay: Wechatpay) {}
    @Post('plain/:no')
    async close(@Param('no') no: string) {
      return this.wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
        out_trade_no: no,
        json: { mchid: sb.merchant.mchid },
      })
    }
  }
  const moduleRef = await Test.createTestingModule({
    imports: [WechatpayModule.forRoot(sandboxOptions(sb))],
    controllers: [Plain],
  }).compile()
  const plain = await listen(moduleRef)
  try {
    const { status, body } = await post(`${plain.url}/plain/missing-1`)
    expect(status).toBe(502)
    expect(body).toMatchObject({ code: 'ORDER_NOT_EXIST' })
  } finally {
    await plain.app.close()
  }
})

describe('mapWechatpayError', () => {
  const cause = new Error('socket hang up, secret=shh')
  const table: Array<[WechatpayError, number, Record<string, unknown>]> = [
    [
      new WechatpayValidationError('secret', 'is wrong'),
      400,
      { code: 'INVALID_OPTION', message: 'secret: is wrong' },
    ],
    [
      new WechatpayApiError({
        status: 429,
        code: 'FREQUENCY_LIMITED',
        message: 'slow down',
        requestId: 'r-1',
      }),
      502,
      { code: 'FREQUENCY_LIMITED', requestId: 'r-1', upstreamStatus: 429 },
    ],
    [
      new WechatpayApiError({ status: 500, code: 'SYSTEM_ERROR', message: 'x' }),
      502,
      { upstreamStatus: 500 },
    ],
    [
      new WechatpayBusinessError(200, { return_code: 'SUCCESS', result_code: 'FAIL', err_code: 'ORDERPAID' }),
      502,
      {},
    ],
    [new WechatpaySignatureError('bad', { requestId: 'r-2' }), 502, { requestId: 'r-2' }],
    [new WechatpayTransportError('TIMEOUT', 'timed out', { cause }), 504, { code: 'TIMEOUT' }],
    [new WechatpayTransportError('CONNECTION', 'refused', { cause }), 504, { code: 'CONNECTION' }],
    [new WechatpayTransportError('NETWORK', 'reset', { cause }), 504, { code: 'NETWORK' }],
    [new WechatpayTransportError('ABORTED', 'aborted'), 504, { code: 'ABORTED' }],
    [new WechatpayTransportError('RESPONSE_TOO_LARGE', 'too large'), 502, { code: 'RESPONSE_TOO_LARGE' }],
    [new WechatpayError('SOMETHING_NEW', 'new'), 500, { error: 'WechatpayError' }],
  ]

  test.each(table)('%s → %i', (err, status, fields) => {
    const mapped = mapWechatpayError(err)
    expect(mapped.status).toBe(status)
    expect(mapped.body).toMatchObject({
      statusCode: status,
      error: err.name,
      code: err.code,
      message: err.message,
    })
    expect(mapped.body).toMatchObject(fields)
    expect(Object.keys(mapped.body).every((key) => BODY_KEYS.includes(key))).toBe(true)
    expect(JSON.stringify(mapped.body)).not.toContain('shh')
  })
})
