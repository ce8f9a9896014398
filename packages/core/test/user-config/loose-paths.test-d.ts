// Checked with tsconfig.user.json: `strict` without `noUncheckedIndexedAccess`, as most
// applications (and `nest new`) are set up. A typo is a compile error there too; a path computed
// at run time (a non-literal `string`) reaches anything, loosely typed.
import { expectTypeOf } from 'vitest'
import type { LooseNode, Wechatpay } from '../../src/node'

declare const wxpay: Wechatpay

// (Paths in neither the catalogue nor the seeds.)
// @ts-expect-error transaction (no s): a typo in a property chain
void wxpay.v3.pay.transaction.jsapi
// @ts-expect-error unknown is no segment of v3
void wxpay.v3.unknown
// @ts-expect-error a typo in chain()
void wxpay.chain('v3/pay/transaction/jsapi')
// @ts-expect-error a typo in [path]
void wxpay['v3/marketing/favor/users/{openid}/unknown']
const path: string = 'v3/pay/transactions/unknown'
expectTypeOf(wxpay.chain(path).post).toEqualTypeOf<LooseNode['post']>()
expectTypeOf(wxpay.chain(`${path}/deeper`).get())
  .resolves.toHaveProperty('data')
  .toBeUnknown()
expectTypeOf(wxpay.chain('v2/pay/unknownquery' as string).post({ xml: { out_trade_no: 'T1' } }))
  .resolves.toHaveProperty('data')
  .toBeUnknown()
// Typed paths stay typed next to them.
// @ts-expect-error out_trade_no is required
wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({ json: { mchid: '1' } })
