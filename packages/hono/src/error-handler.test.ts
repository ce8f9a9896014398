import {
  WechatpayApiError,
  WechatpayBusinessError,
  WechatpayError,
  WechatpaySignatureError,
  WechatpayTransportError,
  WechatpayValidationError,
} from '@wxpay/core'
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { describe, expect, test, vi } from 'vitest'
import { toHTTPException, wechatpayErrorHandler } from './error-handler'

const table: Array<[string, Error, number, Record<string, unknown>]> = [
  [
    'validation',
    new WechatpayValidationError('out_trade_no', 'is missing'),
    400,
    { error: 'WechatpayValidationError', code: 'INVALID_OPTION', message: 'out_trade_no: is missing' },
  ],
  [
    'v3 API error',
    new WechatpayApiError({ status: 400, code: 'ORDER_PAID', message: 'paid', requestId: 'req-1' }),
    502,
    {
      error: 'WechatpayApiError',
      code: 'ORDER_PAID',
      message: 'paid',
      requestId: 'req-1',
      upstreamStatus: 400,
    },
  ],
  [
    'v2 business error',
    new WechatpayBusinessError(200, { return_code: 'SUCCESS', result_code: 'FAIL', err_code: 'ORDERPAID' }),
    502,
    { error: 'WechatpayBusinessError', code: 'ORDERPAID', message: 'ORDERPAID' },
  ],
  [
    'signature',
    new WechatpaySignatureError('bad signature', { status: 200, requestId: 'req-2' }),
    502,
    {
      error: 'WechatpaySignatureError',
      code: 'SIGNATURE_INVALID',
      message: 'bad signature',
      requestId: 'req-2',
    },
  ],
  [
    'timeout',
    new WechatpayTransportError('TIMEOUT', 'timed out after 10000 ms'),
    504,
    { error: 'WechatpayTransportError', code: 'TIMEOUT', message: 'timed out after 10000 ms' },
  ],
  [
    'connection',
    new WechatpayTransportError('CONNECTION', 'could not reach host', { retryable: true }),
    504,
    { error: 'WechatpayTransportError', code: 'CONNECTION', message: 'could not reach host' },
  ],
  [
    'base',
    new WechatpayError('OTHER', 'other'),
    500,
    { error: 'WechatpayError', code: 'OTHER', message: 'other' },
  ],
]

describe('toHTTPException', () => {
  test.each(table)('%s → %#', async (_, err, status, body) => {
    const mapped = toHTTPException(err)
    expect(mapped).toBeInstanceOf(HTTPException)
    expect(mapped?.status).toBe(status)
    expect(mapped?.cause).toBe(err)
    const res = mapped!.getResponse()
    expect(res.status).toBe(status)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await res.json()).toEqual(body)
  })

  test('leaves other errors alone', () => {
    expect(toHTTPException(new Error('x'))).toBeUndefined()
    expect(toHTTPException('x')).toBeUndefined()
  })
})

describe('wechatpayErrorHandler', () => {
  const app = new Hono()
  app.get('/core', () => {
    throw new WechatpayTransportError('TIMEOUT', 'timed out')
  })
  app.get('/http', () => {
    throw new HTTPException(401, { message: 'who are you' })
  })
  app.get('/other', () => {
    throw new Error('boom')
  })
  app.onError(wechatpayErrorHandler)

  test('maps core errors, passes HTTPExceptions through, hides anything else behind a 500', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const core = await app.request('/core')
    expect([core.status, await core.json()]).toEqual([
      504,
      { error: 'WechatpayTransportError', code: 'TIMEOUT', message: 'timed out' },
    ])
    const http = await app.request('/http')
    expect([http.status, await http.text()]).toEqual([401, 'who are you'])
    const other = await app.request('/other')
    expect([other.status, await other.text()]).toEqual([500, 'Internal Server Error'])
    expect(error).toHaveBeenCalledTimes(1)
    error.mockRestore()
  })
})
