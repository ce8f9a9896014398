// RequestOf / ReplyOf read the options and the reply of a typed endpoint: the seeds' (Endpoints)
// and every catalogue endpoint's.
import { describe, expectTypeOf, test } from 'vitest'
import type {
  CloseOrderRequest,
  CloseOrderResponse,
  CloseOrderV2Reply,
  CloseOrderV2Request,
  EcommerceRecharge,
  ReplyOf,
  RequestOf,
  WechatpayResponse,
} from '../index'

describe('RequestOf / ReplyOf', () => {
  test('the v3 close order: its request and its reply union', () => {
    type P = 'v3/pay/transactions/out-trade-no/{out_trade_no}/close'
    expectTypeOf<RequestOf<P, 'post'>>().toEqualTypeOf<CloseOrderRequest>()
    expectTypeOf<ReplyOf<P, 'post'>>().toEqualTypeOf<CloseOrderResponse>()
  })

  test('a v2 endpoint and a reply body', () => {
    expectTypeOf<RequestOf<'v2/pay/closeorder', 'post'>>().toEqualTypeOf<CloseOrderV2Request>()
    expectTypeOf<ReplyOf<'v2/pay/closeorder', 'post'>>().toEqualTypeOf<
      WechatpayResponse<CloseOrderV2Reply, 200>
    >()
    type P = 'v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close'
    expectTypeOf<ReplyOf<P, 'post'>['data']>().toEqualTypeOf<EcommerceRecharge>()
  })

  test('any catalogue endpoint, not only the seeds', () => {
    type P = 'v3/pay/transactions/jsapi'
    expectTypeOf<RequestOf<P, 'post'>>().toHaveProperty('json')
    expectTypeOf<RequestOf<P, 'post'>['json']>().toHaveProperty('out_trade_no')
    expectTypeOf<ReplyOf<P, 'post'>['data']>().toHaveProperty('prepay_id')
    // @ts-expect-error: the JSAPI order takes POST only
    type NoVerb = RequestOf<P, 'get'>
    expectTypeOf<NoVerb>().not.toBeString()
  })

  test('a path or a verb the catalogue lacks does not compile', () => {
    // @ts-expect-error: no such path template
    type NoPath = RequestOf<'v3/no/such/path', 'post'>
    // @ts-expect-error: the close order takes POST only
    type NoVerb = RequestOf<'v3/pay/transactions/out-trade-no/{out_trade_no}/close', 'get'>
    expectTypeOf<NoPath | NoVerb>().not.toBeString()
  })
})
