import { describe, expectTypeOf, test } from 'vitest'
import { appid, mchid, sub_mchid } from '../../test/fixtures'
import type { CloseOrderV2Reply, EcommerceRecharge, LooseNode, Wechatpay, WechatpayResponse } from '../node'

declare const wxpay: Wechatpay
const out_trade_no = 'T1'
const out_recharge_no = 'cz1'

describe('v3 close order is typed in all three styles', () => {
  test('property chain', () => {
    const call = () =>
      wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({ out_trade_no, json: { mchid } })
    expectTypeOf(call).returns.resolves.toHaveProperty('status').toEqualTypeOf<204 | 202>()
    // @ts-expect-error out_trade_no is required
    wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({ json: { mchid } })
    // @ts-expect-error json.mchid is required
    wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({ out_trade_no, json: {} })
    // @ts-expect-error json is required
    wxpay.v3.pay.transactions.outTradeNo.$out_trade_no$.close.post({ out_trade_no })
  })
  test('chain()', () => {
    const call = () =>
      wxpay
        .chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close')
        .post({ out_trade_no, json: { mchid } })
    expectTypeOf(call).returns.resolves.toEqualTypeOf<
      WechatpayResponse<undefined, 204> | WechatpayResponse<{ code: string; message: string }, 202>
    >()
    // @ts-expect-error out_trade_no is required
    wxpay.chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close').post({ json: { mchid } })
  })
  test('[path]', () => {
    const call = () =>
      wxpay['v3/pay/transactions/out-trade-no/{out_trade_no}/close'].post({ out_trade_no, json: { mchid } })
    expectTypeOf(call)
      .returns.resolves.toHaveProperty('data')
      .toEqualTypeOf<undefined | { code: string; message: string }>()
    // @ts-expect-error json.mchid is required
    wxpay['v3/pay/transactions/out-trade-no/{out_trade_no}/close'].post({ out_trade_no, json: {} })
  })
})

describe('v2 close order is typed', () => {
  test('all styles', () => {
    const xml = { appid, mch_id: mchid, out_trade_no, sign_type: 'HMAC-SHA256' } as const
    expectTypeOf(wxpay.v2.pay.closeorder.post({ xml }))
      .resolves.toHaveProperty('data')
      .toEqualTypeOf<CloseOrderV2Reply>()
    expectTypeOf(wxpay.chain('v2/pay/closeorder').post({ xml }))
      .resolves.toHaveProperty('data')
      .toEqualTypeOf<CloseOrderV2Reply>()
    expectTypeOf(wxpay['v2/pay/closeorder'].post({ xml }))
      .resolves.toHaveProperty('data')
      .toEqualTypeOf<CloseOrderV2Reply>()
    // @ts-expect-error xml.out_trade_no is required
    wxpay.v2.pay.closeorder.post({ xml: { appid, mch_id: mchid } })
    // @ts-expect-error xml.out_trade_no is required
    wxpay['v2/pay/closeorder'].post({ xml: { appid, mch_id: mchid } })
    // @ts-expect-error sign_type is MD5 or HMAC-SHA256
    wxpay.v2.pay.closeorder.post({ xml: { appid, mch_id: mchid, out_trade_no, sign_type: 'SHA1' } })
  })
})

describe('v3 close recharge is typed', () => {
  test('all styles', () => {
    const a = wxpay.v3.platsolution.ecommerce.recharges.outRechargeNo._out_recharge_no_.close.post({
      out_recharge_no,
      query: { sub_mchid },
    })
    expectTypeOf(a).resolves.toHaveProperty('data').toEqualTypeOf<EcommerceRecharge>()
    const b = wxpay
      .chain('v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close')
      .post({ out_recharge_no, query: { sub_mchid } })
    expectTypeOf(b).resolves.toHaveProperty('data').toEqualTypeOf<EcommerceRecharge>()
    const c = wxpay['v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close'].post({
      out_recharge_no,
      query: { sub_mchid },
    })
    expectTypeOf(c)
      .resolves.toHaveProperty('data')
      .toHaveProperty('recharge_state')
      .toEqualTypeOf<'SUCCESS' | 'RECHARGING' | 'CLOSED'>()
    expectTypeOf(c).resolves.toHaveProperty('data').toHaveProperty('recharge_amount').toEqualTypeOf<{
      amount: number
      currency: 'CNY' | (string & {})
    }>()
    const close = wxpay.v3.platsolution.ecommerce.recharges.outRechargeNo._out_recharge_no_.close
    // @ts-expect-error query.sub_mchid is required
    close.post({ out_recharge_no, query: {} })
    // @ts-expect-error query is required
    wxpay['v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close'].post({
      out_recharge_no,
    })
  })
})

describe('a path the types do not know', () => {
  // Paths that are in neither the catalogue nor the seeds: a literal one is a typo, in every style.
  test('a literal unknown path is a compile error in all three styles', () => {
    // @ts-expect-error transaction (no s) is not a segment of v3/pay
    void wxpay.v3.pay.transaction.jsapi
    // @ts-expect-error nativ is not an endpoint of v3/pay/transactions
    void wxpay.v3.pay.transactions.nativ.post
    // @ts-expect-error transaction (no s) is not a path of the catalogue
    void wxpay.chain('v3/pay/transaction/native')
    // @ts-expect-error transaction (no s) is not a path of the catalogue
    void wxpay['v3/pay/transaction/native']
    // @ts-expect-error a node's chain() checks the rest of the path too
    void wxpay.v3.pay.chain('transaction/native')
    // @ts-expect-error v2 paths too
    void wxpay.v2.pay.unknownquery
    // @ts-expect-error and a typed endpoint has only the verbs the catalogue lists
    void wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.get
    // @ts-expect-error native is POST only
    void wxpay.v3.pay.transactions.native.get
    // @ts-expect-error in [path] too
    void wxpay['v3/pay/transactions/native'].get
  })
  test('the right spellings compile: typed nodes, typed relative chain()', () => {
    expectTypeOf(wxpay.v3.pay.transactions.native.post).toEqualTypeOf(
      wxpay['v3/pay/transactions/native'].post,
    )
    expectTypeOf(wxpay.chain('v3/pay/transactions/native').post).toEqualTypeOf(
      wxpay['v3/pay/transactions/native'].post,
    )
    expectTypeOf(wxpay.v3.pay.transactions.chain('native').post).toEqualTypeOf(
      wxpay['v3/pay/transactions/native'].post,
    )
    // a node above endpoints is a path too
    expectTypeOf(wxpay.chain('v3/pay/transactions').native.post).toEqualTypeOf(
      wxpay['v3/pay/transactions/native'].post,
    )
  })
  test('a non-literal path string reaches anything, loosely typed', () => {
    const path: string = 'v3/pay/transactions/unknown'
    expectTypeOf(wxpay.chain(path).post).toEqualTypeOf<LooseNode['post']>()
    expectTypeOf(wxpay.chain(path).chain('x').get).toEqualTypeOf<LooseNode['get']>()
    expectTypeOf(wxpay.v3.pay.transactions.chain(`unknown/${path}`).post).toEqualTypeOf<LooseNode['post']>()
    expectTypeOf(wxpay.chain('v3/refund/domestic/unknown' as string).post({ json: {} }))
      .resolves.toHaveProperty('data')
      .toBeUnknown()
    expectTypeOf(
      wxpay.chain('v2/pay/unknownquery' as string).post({ xml: { appid, mch_id: mchid, out_trade_no } }),
    )
      .resolves.toHaveProperty('data')
      .toBeUnknown()
    // the loose door is chain(): [path] has no index signature (it would let typos through)
    // @ts-expect-error no index signature
    void wxpay[path]
    // @ts-expect-error a literal is written without a leading slash
    void wxpay.chain('/v3/pay/transactions/native')
    // a non-literal string on a typed path is loose too (the verbs the catalogue does not list)
    const close: string = 'v3/pay/transactions/out-trade-no/{out_trade_no}/close'
    expectTypeOf(wxpay.chain(close).get({ out_trade_no })).resolves.toHaveProperty('data').toBeUnknown()
  })
  test('the client has no verbs of its own', () => {
    // @ts-expect-error there is no path to send to
    wxpay.post()
  })
})
