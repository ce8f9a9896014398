// What the example apps do with a verified notification: record it once. WeChat Pay sends the same
// notification (same `id`) again until it is acknowledged, and sometimes once more after that, so
// the record is keyed on the event's id and a repeat changes nothing. Plain TypeScript, no `node:`
// import: the Worker bundles this same file. An application would write to its database here.
import type { WechatpayNotification } from '@wxpay/core'

/** One notification as an app records it: what a merchant needs to mark an order or refund. */
export interface NotificationRecord {
  /** The notification's id (the same on every re-delivery). */
  id: string
  event_type: string
  /** `out_trade_no`, `out_refund_no` or `out_recharge_no`: what the event is about. */
  subject: string
  /** `trade_state`, `refund_status` or `recharge_state`. */
  state: string
  /** Fen: the order total, the refunded amount or the recharge amount. */
  amount?: number
  transaction_id?: string
}

/** What `GET /notifications` answers. */
export interface NotificationsView {
  /** Verified deliveries the app handled, repeats included. */
  deliveries: number
  /**
   * Deliveries refused before the handler (a forgery, a `WECHATPAY/SIGNTEST/` probe), when the
   * app hears about them: the Hono app does (`onError`); the NestJS app leaves them to Nest's logger.
   */
  refused?: number
  /** One per notification id, oldest first. */
  records: NotificationRecord[]
}

function recordOf(event: WechatpayNotification): NotificationRecord {
  const base = { id: event.id, event_type: event.event_type }
  switch (event.event_type) {
    case 'TRANSACTION.SUCCESS': {
      const r = event.resource
      return {
        ...base,
        subject: r.out_trade_no,
        state: r.trade_state,
        amount: r.amount.total,
        transaction_id: r.transaction_id,
      }
    }
    case 'REFUND.SUCCESS':
    case 'REFUND.ABNORMAL':
    case 'REFUND.CLOSED': {
      const r = event.resource
      return {
        ...base,
        subject: r.out_refund_no,
        state: r.refund_status,
        amount: r.amount.refund,
        transaction_id: r.transaction_id,
      }
    }
    case 'RECHARGE.SUCCESS':
    case 'RECHARGE.CLOSED': {
      const r = event.resource
      const record = { ...base, subject: r.out_recharge_no, state: r.recharge_state }
      return r.recharge_amount ? { ...record, amount: r.recharge_amount.amount } : record
    }
    default:
      return { ...base, subject: '', state: '' }
  }
}

/** The app's notification records, in memory (one per app instance; per isolate on a Worker). */
export class NotificationBook {
  readonly #records = new Map<string, NotificationRecord>()
  #deliveries = 0
  #refused: number | undefined

  /** Records a verified notification; a repeat of a known id changes nothing. Returns whether it was new. */
  record(event: WechatpayNotification): boolean {
    this.#deliveries++
    if (this.#records.has(event.id)) return false
    this.#records.set(event.id, recordOf(event))
    return true
  }

  /** Counts a delivery refused before the handler ran. */
  refuse(): void {
    this.#refused = (this.#refused ?? 0) + 1
  }

  /** A copy of the records, for `GET /notifications`. */
  view(): NotificationsView {
    const records = [...this.#records.values()].map((r) => ({ ...r }))
    return this.#refused === undefined
      ? { deliveries: this.#deliveries, records }
      : { deliveries: this.#deliveries, refused: this.#refused, records }
  }
}
