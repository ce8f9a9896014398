// An application adds an endpoint the way the README shows: by augmenting `Endpoints` of the
// published package (this resolves '@wxpay/core' to the built types, as a user's project does).
import type { Wechatpay, WechatpayResponse } from '@wxpay/core'
import { expectTypeOf } from 'vitest'

declare module '@wxpay/core' {
  interface Endpoints {
    'v3/pay/transactions/id/{transaction_id}': {
      get(options: {
        transaction_id: string
        query: { mchid: string }
      }): Promise<WechatpayResponse<{ trade_state: string }, 200>>
    }
  }
}

declare const wxpay: Wechatpay
const transaction_id = '4200000000000000000000000000'
const query = { mchid: '1900000109' }

expectTypeOf(wxpay.v3.pay.transactions.id._transaction_id_.get({ transaction_id, query }))
  .resolves.toHaveProperty('data')
  .toEqualTypeOf<{ trade_state: string }>()
expectTypeOf(wxpay.chain('v3/pay/transactions/id/{transaction_id}').get({ transaction_id, query }))
  .resolves.toHaveProperty('status')
  .toEqualTypeOf<200>()
expectTypeOf(wxpay['v3/pay/transactions/id/{transaction_id}'].get)
  .parameter(0)
  .toEqualTypeOf<{ transaction_id: string; query: { mchid: string } }>()
// @ts-expect-error query.mchid is required by the added endpoint
wxpay.chain('v3/pay/transactions/id/{transaction_id}').get({ transaction_id, query: {} })
// The seed endpoints stay typed beside it.
// @ts-expect-error out_trade_no is required
wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({ json: { mchid: '1' } })

// An endpoint newer than the catalogue: augmenting `Endpoints` with a path it lacks makes it
// reachable, typed, in all three styles (and its nodes in a property chain), where a literal
// unknown path is otherwise a compile error.
declare module '@wxpay/core' {
  interface Endpoints {
    'v3/brand-new/widgets/{widget_id}': {
      post(options: {
        widget_id: string
        json: { mchid: string }
      }): Promise<WechatpayResponse<{ widget_state: 'ON' | 'OFF' }, 200>>
    }
  }
}
const widget_id = 'w1'
expectTypeOf(wxpay.v3.brandNew.widgets._widget_id_.post({ widget_id, json: query }))
  .resolves.toHaveProperty('data')
  .toEqualTypeOf<{ widget_state: 'ON' | 'OFF' }>()
expectTypeOf(wxpay.chain('v3/brand-new/widgets/{widget_id}').post({ widget_id, json: query }))
  .resolves.toHaveProperty('status')
  .toEqualTypeOf<200>()
expectTypeOf(wxpay['v3/brand-new/widgets/{widget_id}'].post).parameter(0).toEqualTypeOf<{
  widget_id: string
  json: { mchid: string }
}>()
expectTypeOf(wxpay.chain('v3/brand-new').widgets.$widget_id$.post).toEqualTypeOf(
  wxpay['v3/brand-new/widgets/{widget_id}'].post,
)
// @ts-expect-error json.mchid is required by the added endpoint
wxpay.chain('v3/brand-new/widgets/{widget_id}').post({ widget_id, json: {} })
// @ts-expect-error widgetz: a typo beside the added endpoint is still an error
void wxpay.v3.brandNew.widgetz
// @ts-expect-error a typo in chain() beside the added endpoint is still an error
void wxpay.chain('v3/brand-new/widget/{widget_id}')
