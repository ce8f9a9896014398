// Deliveries under faults: the sandbox pays N orders and delivers TRANSACTION.SUCCESS to a real
// loopback receiver (node:http, `notifications.parse`, an idempotent store), on WeChat Pay's retry
// schedule scaled down. The receiver's handler crashes (throws → 500, before or after its store
// write) or times out (answers after the sandbox's deadline) at seeded rates, and the sandbox adds
// SIGNTEST probes and duplicate deliveries (notifyProbe, notifyDuplicate). What must hold: every
// genuine notification acknowledged in the end, none processed twice, no forged one processed.
import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { acknowledge, Wechatpay, type WechatpayNotification } from '@wxpay/core'
import { type NotificationAttempt, type Sandbox, startSandbox } from '@wxpay/sandbox'

export interface DeliveryOptions {
  payments: number
  /** Share of handler runs that throw (→ 500): half before the store write, half after it. */
  crashRate: number
  /** Share of handler runs that answer only after the sandbox's deadline (and write the store late). */
  timeoutRate: number
  /** The sandbox's notifyProbe / notifyDuplicate probabilities (per notification). */
  probeRate: number
  duplicateRate: number
  seed: number
  /** Payments made at once. */
  concurrency: number
  /** notifyTimeScale: 0.001 runs 15 s retries in 15 ms. */
  timeScale: number
  /** The sandbox's answer deadline, real ms (WeChat Pay's 5 s, kept wide so load is not taken for a fault). */
  deadlineMs: number
}

export type HandlerFault = 'crash-before-store' | 'crash-after-store' | 'timeout'

export interface DeliveryResult {
  options: DeliveryOptions
  /** Orders paid in the sandbox (each one notification). */
  paid: number
  /** Distinct notifications (ids) the sandbox delivered: one per paid order. */
  notifications: number
  /** Paid orders with an acknowledged (2xx in time) delivery in the sandbox's log. Must equal `paid`. */
  acknowledged: number
  /** Orders whose payment was applied by the receiver more than once. Must be 0. */
  processedTwice: number
  /** Orders whose payment the receiver applied, and of those, with the sandbox's transaction_id and amount. */
  processed: number
  processedMatching: number
  /** Requests the sandbox sent: deliveries (first attempts and retries), probes, duplicates. */
  attempts: { deliveries: number; retries: number; probes: number; duplicates: number }
  /** Handler runs by fault drawn (runs that parsed; a redelivery of a stored id still runs the handler). */
  faults: Record<HandlerFault | 'none', number>
  /** Handler runs that found the notification already stored (absorbed by the idempotent store). */
  absorbed: number
  /** Requests the receiver refused (parse failed), and of those, the SIGNTEST probes. */
  refused: number
  refusedProbes: number
  /**
   * SIGNTEST probes that reached the receiver whole. On a loaded machine the sandbox may give up on
   * a probe (its delivery deadline) before the receiver has read it, so this can be fewer than
   * `attempts.probes`; every one that arrived must be refused.
   */
  probesReceived: number
  /** Requests with a `WECHATPAY/SIGNTEST/` signature that parse accepted. Must be 0. */
  forgedProcessed: number
  /** Probes the receiver answered with a 2xx. Must be 0. */
  probesAcknowledged: number
  /** Most attempts any order needed. */
  maxAttempt: number
  ms: number
}

/** A number in [0, 1) from the seed and the words: the same inputs give the same draw. */
function draw(seed: number, ...words: Array<string | number>): number {
  return (
    createHash('sha256')
      .update(`${seed}:${words.join(':')}`)
      .digest()
      .readUInt32BE(0) /
    2 ** 32
  )
}

interface Payment {
  out_trade_no: string
  transaction_id: string
  total: number
}

/**
 * A merchant's idempotent store: a notification is applied once, keyed by its `id` (WeChat Pay
 * sends the same id on every retry). The effect is counted per order, so a redelivery that came
 * with another id, or a store that was not idempotent, shows as an order applied twice.
 */
class PaymentStore {
  readonly #seen = new Set<string>()
  readonly applied = new Map<string, Payment[]>()
  /** Inserts if absent; synchronous, so two concurrent runs of one id cannot both apply it. */
  apply(id: string, payment: Payment): boolean {
    if (this.#seen.has(id)) return false
    this.#seen.add(id)
    this.applied.set(payment.out_trade_no, [...(this.applied.get(payment.out_trade_no) ?? []), payment])
    return true
  }
}

/**
 * Starts its own sandbox and receiver, pays `payments` orders, waits until every delivery has
 * settled, and compares the sandbox's notification log with what the receiver applied.
 */
export async function runDeliveries(options: DeliveryOptions): Promise<DeliveryResult> {
  const started = performance.now()
  const sb: Sandbox = await startSandbox({
    seed: options.seed,
    notifyTimeScale: options.timeScale,
    notifyTimeoutMs: options.deadlineMs,
  })
  const store = new PaymentStore()
  const faults: DeliveryResult['faults'] = {
    'crash-before-store': 0,
    'crash-after-store': 0,
    timeout: 0,
    none: 0,
  }
  const arrivals = new Map<string, number>()
  let absorbed = 0
  let refused = 0
  let refusedProbes = 0
  let probesReceived = 0
  let forgedProcessed = 0
  let server: Server | undefined
  try {
    const wxpay = new Wechatpay({ ...sb.clientOptions(), backupBaseUrl: false })
    const handle = async (event: WechatpayNotification, fault: HandlerFault | 'none'): Promise<void> => {
      if (event.event_type !== 'TRANSACTION.SUCCESS') throw new Error(`unexpected ${event.event_type}`)
      const { out_trade_no, transaction_id, amount } = event.resource
      if (fault === 'crash-before-store') throw new Error('handler crashed before storing')
      if (fault === 'timeout') await sleep(options.deadlineMs + 500)
      if (!store.apply(event.id, { out_trade_no, transaction_id, total: amount.total })) absorbed++
      if (fault === 'crash-after-store') throw new Error('handler crashed after storing')
    }
    server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', async () => {
        const probe = String(req.headers['wechatpay-signature'] ?? '').startsWith('WECHATPAY/SIGNTEST/')
        if (probe) probesReceived++
        let reply = acknowledge.success()
        let event: WechatpayNotification | undefined
        try {
          event = await wxpay.notifications.parse({ headers: req.headers, body: Buffer.concat(chunks) })
        } catch {
          refused++
          if (probe) refusedProbes++
          reply = acknowledge.failure(401)
        }
        if (event) {
          if (probe) forgedProcessed++
          const key = event.event_type === 'TRANSACTION.SUCCESS' ? event.resource.out_trade_no : event.id
          const n = (arrivals.get(key) ?? 0) + 1
          arrivals.set(key, n)
          const u = draw(options.seed, key, n)
          const fault: HandlerFault | 'none' =
            u < options.crashRate / 2
              ? 'crash-before-store'
              : u < options.crashRate
                ? 'crash-after-store'
                : u < options.crashRate + options.timeoutRate
                  ? 'timeout'
                  : 'none'
          faults[fault]++
          try {
            await handle(event, fault)
          } catch {
            reply = acknowledge.failure(500)
          }
        }
        // the sandbox may have hung up at its deadline: a late answer goes nowhere
        if (!res.destroyed) res.writeHead(reply.status, reply.headers).end(reply.body)
      })
    })
    server.on('clientError', (_err, socket) => socket.destroy())
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
    const notify_url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/wxpay/notify`

    await sb.faults.set({
      notifyProbe: { probability: options.probeRate },
      notifyDuplicate: { probability: options.duplicateRate },
    })
    const orders = Array.from({ length: options.payments }, (_, i) => {
      const out_trade_no = `DLV${options.seed}${String(i).padStart(6, '0')}`
      sb.orders.create({ out_trade_no, amount: 100 + i, notify_url })
      return out_trade_no
    })
    let next = 0
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < orders.length) await sb.orders.pay(orders[next++]!)
      }),
    )
    await sb.notifications.settled()

    const log: NotificationAttempt[] = [...sb.notifications]
    const deliveries = log.filter((a) => !a.probe && !a.duplicate)
    const ackedIds = new Set(deliveries.filter((a) => a.ok).map((a) => a.id))
    const idsByUrl = new Set(deliveries.map((a) => a.id))
    let processed = 0
    let processedMatching = 0
    let processedTwice = 0
    for (const out_trade_no of orders) {
      const applied = store.applied.get(out_trade_no) ?? []
      if (applied.length > 1) processedTwice++
      if (applied.length === 0) continue
      processed++
      const order = sb.orders.get(out_trade_no)
      if (
        order?.state === 'SUCCESS' &&
        applied[0]!.transaction_id === order.transaction_id &&
        applied[0]!.total === order.amount
      )
        processedMatching++
    }
    return {
      options,
      paid: orders.filter((no) => sb.orders.get(no)?.state === 'SUCCESS').length,
      notifications: idsByUrl.size,
      // one notification per order: its id acknowledged by a delivery (not a duplicate)
      acknowledged: [...idsByUrl].filter((id) => ackedIds.has(id)).length,
      processedTwice,
      processed,
      processedMatching,
      attempts: {
        deliveries: deliveries.length,
        retries: deliveries.filter((a) => a.attempt > 1).length,
        probes: log.filter((a) => a.probe).length,
        duplicates: log.filter((a) => a.duplicate).length,
      },
      faults,
      absorbed,
      refused,
      refusedProbes,
      probesReceived,
      forgedProcessed,
      probesAcknowledged: log.filter((a) => a.probe && a.ok).length,
      maxAttempt: Math.max(0, ...deliveries.map((a) => a.attempt)),
      ms: performance.now() - started,
    }
  } finally {
    await sb.close()
    server?.closeAllConnections()
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  }
}
