// The demo's agreement checks must be able to fail: each way an app can disagree with the
// sandbox's delivery log (nothing recorded, recorded twice, a wrong amount, a miscount, an accepted
// probe) is a problem, and the row shows it; JSAPI parameters that do not verify are caught. The
// log and records here are written out by hand.
import { createSign, generateKeyPairSync } from 'node:crypto'
import type { NotificationAttempt } from '@wxpay/sandbox'
import { describe, expect, test } from 'vitest'
import {
  bookProblems,
  type ExpectedNotification,
  jsapiParamsVerify,
  notificationRows,
  type Receiver,
} from '../src/agree'
import type { NotificationRecord } from '../src/notifications'

const url = 'http://127.0.0.1:3000/wechatpay/notify'
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
const expected: ExpectedNotification = {
  event_type: 'TRANSACTION.SUCCESS',
  subject: 'HLC',
  state: 'SUCCESS',
  amount: 2500,
  transaction_id: '4200000000202611300000000001',
  faulted: true,
}
const { faulted: _, ...fields } = expected
const record: NotificationRecord = { id: 'EV1', ...fields }
const receiver = (view: Receiver['view']): Receiver => ({
  integration: 'Hono (Node)',
  style: 'wechatpayNotification()',
  url,
  view,
})
const results = (r: ReturnType<typeof notificationRows>) => r.rows.map((row) => [row.status, row.result])

describe('notificationRows', () => {
  test('an app that recorded the notification once agrees: three rows as expected, no problem', () => {
    const r = notificationRows(log, receiver({ deliveries: 2, refused: 1, records: [record] }), expected)
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
    const r = notificationRows(log, receiver({ deliveries: 2, records: [record, { ...record }] }), expected)
    expect(results(r)[2]).toEqual([204, '2 records'])
    expect(r.problems).toEqual(['Hono (Node) has 2 records of EV1; expected exactly 1'])
  })

  test('a record that disagrees with the sandbox, or none at all, is caught', () => {
    const view = { deliveries: 2, records: [{ ...record, amount: 25 }] }
    const differs = notificationRows(log, receiver(view), expected)
    expect(results(differs)[1]).toEqual([204, 'recorded, differs'])
    expect(differs.problems).toEqual([
      "Hono (Node)'s record of TRANSACTION.SUCCESS EV1 does not match HLC in the sandbox",
    ])
    const none = notificationRows(log, receiver({ deliveries: 2, records: [] }), expected)
    expect(results(none)[1]).toEqual([204, 'not recorded'])
    expect(none.problems).toEqual(['Hono (Node) has 0 records of EV1; expected exactly 1'])
  })

  test('an accepted probe, or a log without the probe and the duplicate, is caught', () => {
    const accepted = notificationRows(
      [attempt({ probe: true }), attempt({}), attempt({ duplicate: true })],
      receiver({ deliveries: 2, records: [record] }),
      expected,
    )
    expect(results(accepted)[0]).toEqual([204, 'acknowledged'])
    expect(accepted.rows[0]!.expected).toEqual({ status: 401, result: 'refused' })
    const plain = notificationRows([attempt({})], receiver({ deliveries: 1, records: [record] }), expected)
    expect(plain.problems).toEqual([
      'Hono (Node): the sandbox sent TRANSACTION.SUCCESS as delivery 1; expected probe, delivery 1, duplicate',
    ])
    // a plain (unfaulted) notification must be one delivery
    const once = notificationRows(log, receiver({ deliveries: 2, records: [record] }), {
      ...expected,
      faulted: false,
    })
    expect(once.problems).toEqual([
      'Hono (Node): the sandbox sent TRANSACTION.SUCCESS as probe, delivery 1, duplicate; expected delivery 1',
    ])
  })
})

describe('bookProblems', () => {
  test('the book agrees with the log: no problem', () => {
    expect(bookProblems(log, receiver({ deliveries: 2, refused: 1, records: [record] }))).toEqual([])
  })

  test('a record the sandbox never had acknowledged, a missing one, miscounted deliveries and refusals are caught', () => {
    expect(
      bookProblems(log, receiver({ deliveries: 1, refused: 0, records: [{ ...record, id: 'EV9' }] })),
    ).toEqual([
      'Hono (Node) recorded EV9, which the sandbox never had acknowledged',
      'Hono (Node) has no record of EV1, which it acknowledged',
      'Hono (Node) handled 1 deliveries; the sandbox had 2 acknowledged',
      'Hono (Node) counted 0 refusals; the sandbox got 1 4xx answers',
    ])
  })
})

describe('jsapiParamsVerify', () => {
  // the merchant key pair, and parameters signed here with node:crypto as WeChat documents them
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const base = {
    appId: 'wxd930ea5d5a258f4f',
    timeStamp: '1764467000',
    nonceStr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
    package: 'prepay_id=wx201410272009395522657a690389285100',
    signType: 'RSA',
  }
  const paySign = createSign('RSA-SHA256')
    .update(`${base.appId}\n${base.timeStamp}\n${base.nonceStr}\n${base.package}\n`)
    .sign(privateKey, 'base64')
  const prepay = 'wx201410272009395522657a690389285100'

  test('parameters signed with the merchant key verify', () => {
    expect(jsapiParamsVerify({ ...base, paySign }, prepay, base.appId, pem)).toBe(true)
  })

  test('another prepay id, appid, sign type, a changed field or another key do not', () => {
    expect(jsapiParamsVerify({ ...base, paySign }, 'wx0', base.appId, pem)).toBe(false)
    expect(jsapiParamsVerify({ ...base, paySign }, prepay, 'wx0', pem)).toBe(false)
    expect(jsapiParamsVerify({ ...base, signType: 'MD5', paySign }, prepay, base.appId, pem)).toBe(false)
    expect(jsapiParamsVerify({ ...base, timeStamp: '1764467001', paySign }, prepay, base.appId, pem)).toBe(
      false,
    )
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    const otherPem = other.export({ type: 'pkcs8', format: 'pem' }).toString()
    expect(jsapiParamsVerify({ ...base, paySign }, prepay, base.appId, otherPem)).toBe(false)
  })
})
