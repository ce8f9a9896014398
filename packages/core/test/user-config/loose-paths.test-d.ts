// Checked with tsconfig.user.json: `strict` without `noUncheckedIndexedAccess`, as most
// applications (and `nest new`) are set up. There, any property chain reaches any path.
import { expectTypeOf } from 'vitest'
import type { LooseNode, Wechatpay } from '../../src/node'

declare const wxpay: Wechatpay

// (Paths in neither the catalogue nor the seeds.)
expectTypeOf(wxpay.v3.pay.transactions.unknown.post).toEqualTypeOf<LooseNode['post']>()
expectTypeOf(wxpay.v3.unknown.get()).resolves.toHaveProperty('data').toBeUnknown()
expectTypeOf(wxpay['v3/marketing/favor/users/{openid}/unknown'].get({ openid: 'o' }))
  .resolves.toHaveProperty('data')
  .toBeUnknown()
expectTypeOf(wxpay.v2.pay.unknownquery.post({ xml: { out_trade_no: 'T1' } }))
  .resolves.toHaveProperty('data')
  .toBeUnknown()
// Typed paths stay typed next to them.
// @ts-expect-error out_trade_no is required
wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({ json: { mchid: '1' } })
