// The notification types: the union narrows on event_type, unknown events pass through as
// `unknown`, and the client's root member is typed.
import { describe, expectTypeOf, test } from 'vitest'
import type { Wechatpay } from '../client'
import type {
  RechargeResource,
  RefundResource,
  TransactionResource,
  V2Fields,
  V2Notification,
  WechatpayNotification,
} from './types'

declare const event: WechatpayNotification
declare const v2: V2Notification
declare const wxpay: Wechatpay

describe('notification types', () => {
  test('event_type narrows resource', () => {
    if (event.event_type === 'TRANSACTION.SUCCESS') {
      expectTypeOf(event.resource).toEqualTypeOf<TransactionResource>()
      expectTypeOf(event.resource.amount.total).toEqualTypeOf<number>()
    }
    if (event.event_type === 'REFUND.CLOSED') expectTypeOf(event.resource).toEqualTypeOf<RefundResource>()
    if (event.event_type === 'RECHARGE.SUCCESS') {
      expectTypeOf(event.resource).toEqualTypeOf<RechargeResource>()
      expectTypeOf(event.resource.out_recharge_no).toEqualTypeOf<string>()
    }
    if (event.event_type === 'COMPLAINT.CREATE') expectTypeOf(event.resource).toEqualTypeOf<unknown>()
    switch (event.event_type) {
      case 'REFUND.SUCCESS':
        expectTypeOf(event.resource.out_refund_no).toEqualTypeOf<string>()
        break
      default:
        expectTypeOf(event.event_type).toExtend<string>()
    }
  })

  test('parse and parseV2 on the client', () => {
    expectTypeOf(wxpay.notifications.parse).returns.resolves.toEqualTypeOf<WechatpayNotification>()
    expectTypeOf(wxpay.notifications.parseV2).returns.resolves.toEqualTypeOf<V2Notification>()
    expectTypeOf(wxpay.notifications.parse).parameter(0).toHaveProperty('body')
    // @ts-expect-error a parsed object is not a body
    wxpay.notifications.parse({ headers: {}, body: { id: 'x' } })
    if (v2.kind === 'refund') expectTypeOf(v2.refund).toEqualTypeOf<V2Fields>()
    // @ts-expect-error only a refund notification has `refund`
    if (v2.kind === 'signed') v2.refund
  })
})
