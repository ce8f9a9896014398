// RequestOf / ReplyOf read the options and the reply of a typed endpoint out of `Endpoints`.
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

  test('a path or a verb the catalogue lacks does not compile', () => {
    // @ts-expect-error: no such path template
    type NoPath = RequestOf<'v3/no/such/path', 'post'>
    // @ts-expect-error: the close order takes POST only
    type NoVerb = RequestOf<'v3/pay/transactions/out-trade-no/{out_trade_no}/close', 'get'>
    expectTypeOf<NoPath | NoVerb>().not.toBeString()
  })
})
