import { describe, expect, test } from 'vitest'
import {
  toHttpError,
  WechatpayApiError,
  WechatpayBusinessError,
  WechatpayError,
  WechatpaySignatureError,
  WechatpayTransportError,
  WechatpayValidationError,
} from './node'

describe('toHttpError: the answer an application gives for a failed call', () => {
  test.each([
    ['validation', new WechatpayValidationError('out_trade_no', 'bad'), 400],
    [
      'API error',
      new WechatpayApiError({ status: 400, code: 'ORDER_PAID', message: 'paid', requestId: 'r1' }),
      502,
    ],
    [
      'business error',
      new WechatpayBusinessError(200, { return_code: 'SUCCESS', result_code: 'FAIL', err_code: 'ORDERPAID' }),
      502,
    ],
    ['signature', new WechatpaySignatureError('bad', { status: 200, requestId: 'r2' }), 502],
    ['timeout', new WechatpayTransportError('TIMEOUT', 'slow'), 504],
    ['connection', new WechatpayTransportError('CONNECTION', 'refused', { retryable: true }), 504],
    ['aborted', new WechatpayTransportError('ABORTED', 'aborted'), 504],
    ['too large', new WechatpayTransportError('RESPONSE_TOO_LARGE', 'big'), 502],
    ['base class', new WechatpayError('X', 'x'), 500],
  ])('%s → %i', (_, err, status) => {
    expect(toHttpError(err).status).toBe(status)
    expect(toHttpError(err).body).toMatchObject({ error: err.name, code: err.code, message: err.message })
  })

  test('keeps requestId and the upstream status, and nothing else', () => {
    const err = new WechatpayApiError({
      status: 404,
      code: 'ORDER_NOT_EXIST',
      message: 'm',
      detail: { x: 1 },
      requestId: 'rid',
    })
    expect(toHttpError(err).body).toEqual({
      error: 'WechatpayApiError',
      code: 'ORDER_NOT_EXIST',
      message: 'm',
      requestId: 'rid',
      upstreamStatus: 404,
    })
    const v2 = new WechatpayBusinessError(200, { return_code: 'FAIL', return_msg: 'SIGNERROR', sign: 'S' })
    expect(Object.keys(toHttpError(v2).body).sort()).toEqual(['code', 'error', 'message'])
  })
})
