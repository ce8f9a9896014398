// The demo's agreement check must be able to fail: each way an app can disagree with the sandbox's
// delivery log (nothing recorded, recorded twice, a wrong amount, a miscount, an accepted probe) is
// a problem, and the row shows it. The log and records here are written out by hand.
import type { NotificationAttempt, OrderRecord } from '@wxpay/sandbox'
import { describe, expect, test } from 'vitest'
import { notificationRows, type Receiver } from '../src/agree'
import type { NotificationRecord } from '../src/notifications'

const url = 'http://127.0.0.1:3000/wechatpay/notify'
const order: OrderRecord = {
  out_trade_no: 'HPAY',
  state: 'SUCCESS',
  created_at: 0,
  amount: 2500,
  trade_type: 'JSAPI',
  notify_url: url,
  protocol: 'v3',
  transaction_id: '4200000000202611300000000001',
}
const attempt = (over: Partial<NotificationAttempt>): NotificationAttempt => ({
  id: 'EV1',
  event_type: 'TRANSACTION.SUCCESS',
  protocol: 'v3',
  url,
  attempt: 1,
  probe: false,
  duplicate: false,
  at: 0,
  status: 204,
  ok: true,
  durationMs: 3,
  ...over,
})
const log = [
  attempt({ probe: true, status: 401, ok: false }),
  attempt({}),
  attempt({ duplicate: true }),
  // another app's delivery: not this receiver's business
  attempt({ id: 'EV2', url: 'http://127.0.0.1:3001/wechatpay/notify' }),
]
const record: NotificationRecord = {
  id: 'EV1',
  event_type: 'TRANSACTION.SUCCESS',
  subject: 'HPAY',
  state: 'SUCCESS',
  amount: 2500,
  transaction_id: '4200000000202611300000000001',
}
const receiver = (view: Receiver['view']): Receiver => ({
  integration: 'Hono (Node)',
  style: 'wechatpayNotification()',
  url,
  view,
  order,
})
const results = (r: ReturnType<typeof notificationRows>) => r.rows.map((row) => [row.status, row.result])

describe('notificationRows', () => {
  test('an app that recorded the notification once agrees: three rows as expected, no problem', () => {
    const r = notificationRows(log, receiver({ deliveries: 2, refused: 1, records: [record] }))
    expect(results(r)).toEqual([
      [401, 'refused'],
      [204, 'recorded'],
      [204, 'no change'],
    ])
    expect(
      r.rows.every((row) => row.status === row.expected.status && row.result === row.expected.result),
    ).toBe(true)
    expect(r.rows.map((row) => row.endpoint)).toEqual([
      'TRANSACTION.SUCCESS (SIGNTEST probe)',
      'TRANSACTION.SUCCESS',
      'TRANSACTION.SUCCESS (duplicate)',
    ])
    expect(r.problems).toEqual([])
  })

  test('recording the duplicate again is caught', () => {
    const r = notificationRows(log, receiver({ deliveries: 2, records: [record, { ...record }] }))
    expect(results(r)[2]).toEqual([204, '2 records'])
    expect(r.problems).toEqual(['Hono (Node) has 2 records of EV1; expected exactly 1'])
  })

  test('a record that disagrees with the sandbox order, or none at all, is caught', () => {
    const differs = notificationRows(log, receiver({ deliveries: 2, records: [{ ...record, amount: 25 }] }))
    expect(results(differs)[1]).toEqual([204, 'recorded, differs'])
    expect(differs.problems).toEqual(["Hono (Node)'s record of EV1 does not match order HPAY in the sandbox"])
    const none = notificationRows(log, receiver({ deliveries: 2, records: [] }))
    expect(results(none)[1]).toEqual([204, 'not recorded'])
    expect(none.problems).toEqual(['Hono (Node) has 0 records of EV1; expected exactly 1'])
  })

  test('a record the sandbox never had acknowledged, or miscounted deliveries and refusals, are caught', () => {
    const r = notificationRows(
      log,
      receiver({ deliveries: 1, refused: 0, records: [record, { ...record, id: 'EV9' }] }),
    )
    expect(r.problems).toEqual([
      'Hono (Node) recorded EV9, which the sandbox never had acknowledged',
      'Hono (Node) handled 1 deliveries; the sandbox had 2 acknowledged',
      'Hono (Node) counted 0 refusals; the sandbox got 1 4xx answers',
    ])
  })

  test('an accepted probe, or a log without the probe and the duplicate, is caught', () => {
    const accepted = notificationRows(
      [attempt({ probe: true }), attempt({}), attempt({ duplicate: true })],
      receiver({ deliveries: 2, records: [record] }),
    )
    expect(results(accepted)[0]).toEqual([204, 'acknowledged'])
    expect(accepted.rows[0]!.expected).toEqual({ status: 401, result: 'refused' })
    const plain = notificationRows([attempt({})], receiver({ deliveries: 1, records: [record] }))
    expect(plain.problems).toEqual([
      'Hono (Node): the sandbox sent delivery 1; expected probe, delivery 1, duplicate',
    ])
  })
})
