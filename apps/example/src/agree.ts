// The demo's notification rows and its agreement checks: what the sandbox says it delivered (its
// delivery log, its orders and refunds) against what each app says it recorded (GET
// /notifications); and the JSAPI parameters an app signed, against the merchant's public key.
// Apart from demo.ts so that test/agree.test.ts can show each check catching a disagreement.
import { createPublicKey, createVerify } from 'node:crypto'
import type { NotificationAttempt } from '@wxpay/sandbox'
import type { Row } from './direct'
import type { NotificationRecord, NotificationsView } from './notifications'

/** What a demo row should show. */
export interface Expected {
  status: number
  result: string
}

/** A table row with what it should have been. */
export type CheckedRow = Row & { expected: Expected }

/** One app as a notification receiver. */
export interface Receiver {
  integration: string
  /** How the app receives: `@WechatpayEvent()`, `wechatpayNotification()`. */
  style: string
  /** The `notify_url` the sandbox delivered to. */
  url: string
  /** The app's `GET /notifications`. */
  view: NotificationsView
}

/**
 * A notification the app should have recorded, from the sandbox's own state (the paid order, the
 * settled refund); `faulted` when it was sent with the `notifyProbe` and `notifyDuplicate` faults.
 */
export type ExpectedNotification = Omit<NotificationRecord, 'id'> & { faulted: boolean }

const sameRecord = (r: NotificationRecord, e: ExpectedNotification) =>
  r.event_type === e.event_type &&
  r.subject === e.subject &&
  r.state === e.state &&
  r.amount === e.amount &&
  r.transaction_id === e.transaction_id

/**
 * One row per request the sandbox sent to `receiver.url` with `expected.event_type` (the log's
 * order), with the app's answer as status and what the app recorded as result; and the problems:
 * a faulted notification must have gone as a probe, the delivery and its duplicate, a plain one as
 * one delivery, and the app must hold one record of it that matches the sandbox's state.
 */
export function notificationRows(
  log: readonly NotificationAttempt[],
  receiver: Receiver,
  expected: ExpectedNotification,
): { rows: CheckedRow[]; problems: string[] } {
  const { integration, style, url, view } = receiver
  const sent = log.filter((a) => a.url === url && a.event_type === expected.event_type)
  const problems: string[] = []
  const kinds = sent.map((a) => (a.probe ? 'probe' : a.duplicate ? 'duplicate' : `delivery ${a.attempt}`))
  const want = expected.faulted ? 'probe, delivery 1, duplicate' : 'delivery 1'
  if (kinds.join(', ') !== want)
    problems.push(
      `${integration}: the sandbox sent ${expected.event_type} as ${kinds.join(', ') || 'nothing'}; expected ${want}`,
    )
  const recordsOf = (id: string) => view.records.filter((r) => r.id === id)
  const rows = sent.map((a): CheckedRow => {
    const status = a.status ?? 'error'
    const ms = a.durationMs
    if (a.probe) {
      const row = { integration, endpoint: `${a.event_type} (SIGNTEST probe)`, style, status, ms }
      return {
        ...row,
        result: a.ok ? 'acknowledged' : 'refused',
        expected: { status: 401, result: 'refused' },
      }
    }
    const n = recordsOf(a.id).length
    if (a.duplicate) {
      const row = { integration, endpoint: `${a.event_type} (duplicate)`, style, status, ms }
      const result = n === 1 ? 'no change' : `${n} records`
      return { ...row, result, expected: { status: 204, result: 'no change' } }
    }
    const row = { integration, endpoint: a.event_type, style, status, ms }
    const matches = recordsOf(a.id).some((r) => sameRecord(r, expected))
    const result = matches ? 'recorded' : n ? 'recorded, differs' : 'not recorded'
    return { ...row, result, expected: { status: 204, result: 'recorded' } }
  })
  for (const id of new Set(sent.filter((a) => a.ok && !a.probe).map((a) => a.id))) {
    const records = recordsOf(id)
    if (records.length !== 1)
      problems.push(`${integration} has ${records.length} records of ${id}; expected exactly 1`)
    else if (!sameRecord(records[0]!, expected))
      problems.push(
        `${integration}'s record of ${expected.event_type} ${id} does not match ${expected.subject} in the sandbox`,
      )
  }
  return { rows, problems }
}

/**
 * The app's book as a whole against the sandbox's log for its `notify_url`: one record per
 * acknowledged notification and only those, every acknowledged delivery (duplicates too) handled,
 * every 4xx refusal counted (when the app counts them).
 */
export function bookProblems(log: readonly NotificationAttempt[], receiver: Receiver): string[] {
  const { integration, url, view } = receiver
  const sent = log.filter((a) => a.url === url)
  const problems: string[] = []
  const acknowledged = sent.filter((a) => a.ok && !a.probe)
  const ids = new Set(acknowledged.map((a) => a.id))
  for (const r of view.records)
    if (!ids.has(r.id))
      problems.push(`${integration} recorded ${r.id}, which the sandbox never had acknowledged`)
  for (const id of ids)
    if (!view.records.some((r) => r.id === id))
      problems.push(`${integration} has no record of ${id}, which it acknowledged`)
  if (view.deliveries !== acknowledged.length)
    problems.push(
      `${integration} handled ${view.deliveries} deliveries; the sandbox had ${acknowledged.length} acknowledged`,
    )
  const refused = sent.filter((a) => !a.ok && a.status !== undefined && a.status >= 400 && a.status < 500)
  if (view.refused !== undefined && view.refused !== refused.length)
    problems.push(
      `${integration} counted ${view.refused} refusals; the sandbox got ${refused.length} 4xx answers`,
    )
  return problems
}

/** What `paySign.jsapi` produced: the object `WeixinJSBridge.invoke('getBrandWCPayRequest', …)` takes. */
export interface JsapiParams {
  appId: string
  timeStamp: string
  nonceStr: string
  package: string
  signType: string
  paySign: string
}

/**
 * Whether JSAPI parameters are what WeChat's payment sheet accepts for `prepayId`: package
 * `prepay_id=…`, RSA, and `paySign` verifying with the merchant's public key over
 * `appId\ntimeStamp\nnonceStr\npackage\n`. node:crypto here on purpose: an oracle independent of
 * the core's Web Crypto signer.
 */
export function jsapiParamsVerify(
  pay: JsapiParams,
  prepayId: string,
  appid: string,
  merchantPrivateKeyPem: string,
): boolean {
  if (pay.appId !== appid || pay.package !== `prepay_id=${prepayId}` || pay.signType !== 'RSA') return false
  const message = `${pay.appId}\n${pay.timeStamp}\n${pay.nonceStr}\n${pay.package}\n`
  const publicKey = createPublicKey(merchantPrivateKeyPem)
  return createVerify('RSA-SHA256').update(message).verify(publicKey, pay.paySign, 'base64')
}
