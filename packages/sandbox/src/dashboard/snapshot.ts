import { rfc3339Cst } from '../clock'
import type { SandboxContext } from '../context'
import type { NotificationAttempt } from '../notify'
import { placements, TRADE_STATE_DESC } from '../pay-routes'
import type { RefundRecord } from '../refunds'
import type { OrderRecord, OrderState } from '../state'

/** An order as the dashboard lists it: times as WeChat writes them (RFC 3339, +08:00). */
export interface DashboardOrder {
  out_trade_no: string
  state: OrderState
  /** `trade_state_desc`, WeChat's words for the state. */
  state_desc: string
  /** Fen. */
  amount: number
  trade_type: OrderRecord['trade_type']
  protocol: OrderRecord['protocol']
  created: string
  paid?: string
  closed?: string
  transaction_id?: string
  notify_url?: string
  description?: string
  openid?: string
  /** What the place-order call answered: `code_url`, `prepay_id`, `h5_url` / `mweb_url`. */
  placed?: Record<string, string>
}

export interface DashboardRefund {
  out_refund_no: string
  out_trade_no: string
  status: RefundRecord['status']
  refund: number
  total: number
  created: string
  succeeded?: string
}

export interface DashboardAttempt {
  attempt: number
  kind: 'delivery' | 'probe' | 'duplicate' | 'manual'
  at: string
  status?: number
  ok: boolean
  durationMs: number
  reply?: string
  error?: string
}

export interface DashboardDelivery {
  id: string
  event_type: string
  protocol: 'v3' | 'v2'
  url: string
  subject?: string
  state: 'sending' | 'waiting' | 'acknowledged' | 'failed'
  nextAttempt?: number
  next?: string
  laterWaitsSeconds: number[]
  attempts: DashboardAttempt[]
}

/** Everything the dashboard shows but the credentials, which it asks for on their own. */
export interface DashboardState {
  now: string
  url: string
  backupUrl: string
  /** Newest first. */
  orders: DashboardOrder[]
  /** Newest first. */
  refunds: DashboardRefund[]
  /** Newest first, each with its attempts oldest first. */
  deliveries: DashboardDelivery[]
  faults: Record<string, unknown>
  platform: {
    mode: string
    signWith: string
    publicKeySerial: string
    publicKey: string
    certificates: Array<{ serial: string; notBefore: string; notAfter: string; signing: boolean }>
  }
}

function kindOf(a: NotificationAttempt): DashboardAttempt['kind'] {
  return a.probe ? 'probe' : a.duplicate ? 'duplicate' : a.manual ? 'manual' : 'delivery'
}

function attemptView(a: NotificationAttempt): DashboardAttempt {
  const view: DashboardAttempt = {
    attempt: a.attempt,
    kind: kindOf(a),
    at: rfc3339Cst(a.at),
    ok: a.ok,
    durationMs: a.durationMs,
  }
  if (a.status !== undefined) view.status = a.status
  if (a.reply !== undefined) view.reply = a.reply
  if (a.error !== undefined) view.error = a.error
  return view
}

function orderView(o: OrderRecord): DashboardOrder {
  const view: DashboardOrder = {
    out_trade_no: o.out_trade_no,
    state: o.state,
    state_desc: TRADE_STATE_DESC[o.state],
    amount: o.amount,
    trade_type: o.trade_type,
    protocol: o.protocol,
    created: rfc3339Cst(o.created_at),
  }
  if (o.success_time !== undefined) view.paid = rfc3339Cst(o.success_time)
  if (o.closed_at !== undefined) view.closed = rfc3339Cst(o.closed_at)
  if (o.transaction_id !== undefined) view.transaction_id = o.transaction_id
  if (o.notify_url !== undefined) view.notify_url = o.notify_url
  if (o.description !== undefined) view.description = o.description
  if (o.payer) view.openid = o.payer.openid
  const placed = placements.get(o)?.reply
  if (placed) view.placed = { ...placed }
  return view
}

/** Reads the sandbox's state into the shape the dashboard renders; no secret is in it. */
export function dashboardState(ctx: SandboxContext): DashboardState {
  const attempts = new Map<string, DashboardAttempt[]>()
  for (const a of ctx.notifier.log) {
    const list = attempts.get(a.id) ?? []
    list.push(attemptView(a))
    attempts.set(a.id, list)
  }
  const newest = ctx.platform.certificates.at(-1)
  return {
    now: rfc3339Cst(ctx.clock.now()),
    url: ctx.urls.url,
    backupUrl: ctx.urls.backupUrl,
    orders: [...ctx.orders.map.values()].reverse().map(orderView),
    refunds: [...ctx.refunds.map.values()].reverse().map((r) => ({
      out_refund_no: r.out_refund_no,
      out_trade_no: r.out_trade_no,
      status: r.status,
      refund: r.refund,
      total: r.total,
      created: rfc3339Cst(r.created_at),
      ...(r.success_time === undefined ? {} : { succeeded: rfc3339Cst(r.success_time) }),
    })),
    deliveries: ctx.notifier
      .deliveries()
      .reverse()
      .map(({ nextAt, ...d }) => ({
        ...d,
        ...(nextAt === undefined ? {} : { next: rfc3339Cst(nextAt) }),
        attempts: attempts.get(d.id) ?? [],
      })),
    faults: ctx.faults.current() as Record<string, unknown>,
    platform: {
      mode: ctx.platform.mode,
      signWith: ctx.platform.signWith,
      publicKeySerial: ctx.keys.platform.serial,
      publicKey: ctx.keys.platform.publicKey,
      certificates: ctx.platform.certificates.map((c) => ({
        serial: c.serial,
        notBefore: rfc3339Cst(c.notBefore.getTime()),
        notAfter: rfc3339Cst(c.notAfter.getTime()),
        signing: ctx.platform.signWith === 'certificate' && c === newest,
      })),
    },
  }
}
