// The demo's notification rows and its agreement check: what the sandbox says it delivered (its
// delivery log, its orders) against what each app says it recorded (GET /notifications). Apart from
// demo.ts so that test/agree.test.ts can show the check catching a disagreement.
import type { NotificationAttempt, OrderRecord } from '@wxpay/sandbox'
import type { Row } from './direct'
import type { NotificationsView } from './notifications'

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
  /** The paid order, as the sandbox has it now. */
  order: OrderRecord
}

/**
 * One row per request the sandbox sent to `receiver.url` (the log's order), with the app's answer
 * as status and what the app recorded as result; and every way the log, the sandbox's order and the
 * app's records disagree. Run with the `notifyProbe` and `notifyDuplicate` faults on, the log must
 * hold exactly a probe, the delivery and its duplicate.
 */
export function notificationRows(
  log: readonly NotificationAttempt[],
  receiver: Receiver,
): { rows: CheckedRow[]; problems: string[] } {
  const { integration, style, url, view, order } = receiver
  const sent = log.filter((a) => a.url === url)
  const problems: string[] = []
  const kinds = sent.map((a) => (a.probe ? 'probe' : a.duplicate ? 'duplicate' : `delivery ${a.attempt}`))
  if (kinds.join(', ') !== 'probe, delivery 1, duplicate')
    problems.push(
      `${integration}: the sandbox sent ${kinds.join(', ') || 'nothing'}; expected probe, delivery 1, duplicate`,
    )

  const recordsOf = (id: string) => view.records.filter((r) => r.id === id)
  const matches = (id: string) =>
    recordsOf(id).some(
      (r) =>
        r.event_type === 'TRANSACTION.SUCCESS' &&
        r.subject === order.out_trade_no &&
        r.state === order.state &&
        r.amount === order.amount &&
        r.transaction_id === order.transaction_id,
    )
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
    const result = matches(a.id) ? 'recorded' : n ? 'recorded, differs' : 'not recorded'
    return { ...row, result, expected: { status: 204, result: 'recorded' } }
  })

  // The log and the records agree: one record per acknowledged notification, and only those;
  // every acknowledged delivery (duplicates too) was handled; every refusal was counted.
  const acknowledged = sent.filter((a) => a.ok && !a.probe)
  const ids = new Set(acknowledged.map((a) => a.id))
  for (const r of view.records)
    if (!ids.has(r.id))
      problems.push(`${integration} recorded ${r.id}, which the sandbox never had acknowledged`)
  for (const id of ids)
    if (recordsOf(id).length !== 1)
      problems.push(`${integration} has ${recordsOf(id).length} records of ${id}; expected exactly 1`)
    else if (!matches(id))
      problems.push(
        `${integration}'s record of ${id} does not match order ${order.out_trade_no} in the sandbox`,
      )
  if (view.deliveries !== acknowledged.length)
    problems.push(
      `${integration} handled ${view.deliveries} deliveries; the sandbox had ${acknowledged.length} acknowledged`,
    )
  const refused = sent.filter((a) => !a.ok && a.status !== undefined && a.status >= 400 && a.status < 500)
  if (view.refused !== undefined && view.refused !== refused.length)
    problems.push(
      `${integration} counted ${view.refused} refusals; the sandbox got ${refused.length} 4xx answers`,
    )
  if (order.state !== 'SUCCESS') problems.push(`order ${order.out_trade_no} is ${order.state} in the sandbox`)
  return { rows, problems }
}
