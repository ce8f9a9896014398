import type { V2Notification, Wechatpay, WechatpayNotification } from '@wxpay/core'
import { Hono } from 'hono'
import { expectTypeOf, test } from 'vitest'
import { wechatpay, wechatpayNotification, wechatpayNotificationV2 } from './index'

type Bindings = { WECHATPAY_MCHID: string; QUEUE: { send(body: string): Promise<void> } }

test('the handler gets the typed event and the app’s own context; the route type-checks in a typed app', () => {
  const app = new Hono<{ Bindings: Bindings }>()
  app.use('/wechatpay/*', wechatpay())
  app.post(
    '/wechatpay/notify',
    wechatpayNotification<{ Bindings: Bindings }>(async (event, c) => {
      expectTypeOf(event).toEqualTypeOf<WechatpayNotification>()
      expectTypeOf(c.env.QUEUE.send).toBeFunction()
      if (event.event_type === 'TRANSACTION.SUCCESS') {
        expectTypeOf(event.resource.out_trade_no).toBeString()
        expectTypeOf(event.resource.amount.total).toBeNumber()
      }
    }),
  )
  app.post(
    '/wechatpay/notify/v2',
    wechatpayNotificationV2((n) => {
      expectTypeOf(n).toEqualTypeOf<V2Notification>()
      if (n.kind === 'refund') expectTypeOf(n.refund.out_refund_no).toEqualTypeOf<string | undefined>()
    }),
  )
  // a client given, or computed from the context
  wechatpayNotification(() => {}, { client: {} as Wechatpay })
  wechatpayNotification<{ Bindings: Bindings }>(() => {}, {
    client: (c) => {
      expectTypeOf(c.env.WECHATPAY_MCHID).toBeString()
      return {} as Wechatpay
    },
    onError: (_err, _c, phase) => {
      expectTypeOf(phase).toEqualTypeOf<'verify' | 'handler'>()
    },
  })
  // @ts-expect-error the handler must be a function
  wechatpayNotification('nope')
})

test('{ once: store }: the handler gets the store transaction as its third argument', () => {
  const pgStore = {} as import('@wxpay/core').WechatpayStore<{ query(text: string): Promise<unknown> }>
  wechatpayNotification(
    async (_event, _c, tx) => {
      expectTypeOf(tx.query).toBeFunction()
    },
    { once: pgStore },
  )
  wechatpayNotificationV2((_n, _c, tx) => expectTypeOf(tx).toEqualTypeOf<undefined>(), {
    once: {} as import('@wxpay/core').WechatpayStore,
  })
  // @ts-expect-error once must be a store
  wechatpayNotification(() => {}, { once: 'redis://localhost' })
})
