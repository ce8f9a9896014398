import { request as httpRequest, type RequestOptions } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { SandboxClock } from './clock'
import type { FaultEngine } from './faults'

/**
 * WeChat Pay's retry schedule after a failed delivery, in seconds: 15 retries at most, 24 h 4 min
 * in all (docs/protocol-2.md §1.6; the v2 pay notification uses the same one, §2.2).
 */
export const RETRY_SCHEDULE_SECONDS: readonly number[] = [
  15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600,
]

/** How long a receiver has to answer, unscaled: a later answer counts as a failure (docs/protocol-2.md §1.6). */
export const ANSWER_DEADLINE_MS = 5000

/** Bytes of a receiver's reply the sandbox reads; the rest is ignored (a reply should be tiny). */
const MAX_REPLY_BYTES = 64 * 1024

/** Bytes of a receiver's reply kept in the log (`reply`), for a person to read. */
export const REPLY_PREVIEW_BYTES = 256

/** One HTTP request the sandbox made to a `notify_url`, as `sb.notifications` records it. */
export interface NotificationAttempt {
  /** The notification's id: the v3 envelope's `id`, or one made up for a v2 notification (whose XML has none). */
  id: string
  /** E.g. `TRANSACTION.SUCCESS`, `RECHARGE.CLOSED` (v2 pay notifications say `TRANSACTION.SUCCESS` too). */
  event_type: string
  /** `v3` (signed JSON, encrypted resource) or `v2` (signed XML). */
  protocol: 'v3' | 'v2'
  url: string
  /**
   * 1 for the first delivery, 2 to 16 for the retries. A probe carries the number of the delivery
   * it precedes; a duplicate, the number of the delivery it repeats.
   */
  attempt: number
  /** A `WECHATPAY/SIGNTEST/…` probe (the `notifyProbe` fault): it does not count as a delivery. */
  probe: boolean
  /** A repeat of an acknowledged delivery (the `notifyDuplicate` fault). */
  duplicate: boolean
  /**
   * Sent by `redeliver()` after the delivery had ended (acknowledged or out of retries): one extra
   * attempt, numbered after the last, with no retries of its own. Absent otherwise.
   */
  manual?: true
  /** When the request was sent: sandbox clock, milliseconds. */
  at: number
  /** The receiver's HTTP status, when it answered in time. */
  status?: number
  /** The first {@link REPLY_PREVIEW_BYTES} bytes of the receiver's answer (UTF-8), when it answered in time. */
  reply?: string
  /** Why there is no usable answer: a deadline, a network error, a v2 reply that is not SUCCESS. */
  error?: string
  /** Whether the receiver acknowledged in time: a 2xx (v2: with `return_code` SUCCESS) within the deadline. */
  ok: boolean
  /** Real milliseconds from sending to the end of the answer (or to the failure). */
  durationMs: number
}

/**
 * The notification log: every attempt, oldest first, as a plain array (it serialises as one),
 * plus `clear()` and `settled()`.
 */
export type NotificationLog = NotificationAttempt[] & {
  /** Empties the log (deliveries under way go on and are logged); the dashboard forgets the ended ones. */
  clear(): void
  /**
   * Resolves once no notification is pending: each one was acknowledged (and duplicated, if
   * faulted), ran out of retries, or the sandbox closed. Never rejects. With a receiver that keeps
   * failing this takes the whole schedule (24 h 4 min times `notifyTimeScale`).
   */
  settled(): Promise<void>
}

/** A notification ready to go: a fixed body, and headers made anew for every attempt. */
export interface Outgoing {
  id: string
  event_type: string
  protocol: 'v3' | 'v2'
  url: string
  /** What it is about: the `out_trade_no`, `out_refund_no` or `out_recharge_no`. */
  subject?: string
  body: string
  /** The request headers of one attempt; `probe` asks for a `WECHATPAY/SIGNTEST/…` signature. */
  headers(probe: boolean): Record<string, string>
  /** Whether the receiver's reply acknowledges the notification. */
  acknowledges(status: number, body: string): boolean
}

export interface NotifierOptions {
  clock: SandboxClock
  faults: FaultEngine
  /** Aborted when the sandbox closes: pending retries stop, requests in flight are dropped. */
  closing: AbortSignal
  /** Multiplies every delay of the schedule. */
  timeScale: number
  /** Real milliseconds a receiver has to answer. */
  timeoutMs: number
}

class DeadlineError extends Error {}

interface Answer {
  status: number
  text: string
  preview: string
}

/** Where one notification stands, as the dashboard shows it. */
export interface DeliveryStatus {
  id: string
  event_type: string
  protocol: 'v3' | 'v2'
  url: string
  /** What it is about: the `out_trade_no`, `out_refund_no` or `out_recharge_no`. */
  subject?: string
  /**
   * `sending`: an attempt is in flight; `waiting`: a retry is scheduled (`nextAttempt` at `nextAt`);
   * `acknowledged`; `failed`: out of retries.
   */
  state: 'sending' | 'waiting' | 'acknowledged' | 'failed'
  /** The number of the attempt that is scheduled, while `waiting`. */
  nextAttempt?: number
  /** When the scheduled attempt goes (sandbox clock, ms), while `waiting`. */
  nextAt?: number
  /** The waits of the retries after the scheduled one, unscaled seconds (WeChat's schedule). */
  laterWaitsSeconds: number[]
}

interface Tracked {
  n: Outgoing
  state: DeliveryStatus['state']
  /** The highest attempt number sent so far. */
  last: number
  nextAttempt?: number
  nextAt?: number
  /** Aborted by `redeliver()` to cut the current wait short. */
  wake?: AbortController
}

/** POSTs `body` with a fresh connection (no pooled sockets outlive the sandbox), reading at most 64 KiB back. */
function post(
  url: URL,
  body: Buffer,
  headers: Record<string, string>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const options: RequestOptions = {
      method: 'POST',
      headers: { ...headers, 'Content-Length': String(body.length) },
      agent: false,
      signal,
    }
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, (res) => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => {
        if (size < MAX_REPLY_BYTES) chunks.push(chunk)
        size += chunk.length
      })
      res.on('end', () => {
        clearTimeout(timer)
        const bytes = Buffer.concat(chunks)
        resolve({
          status: res.statusCode ?? 0,
          text: bytes.toString('utf8'),
          preview: bytes.subarray(0, REPLY_PREVIEW_BYTES).toString('utf8'),
        })
      })
      res.on('error', fail)
      res.on('close', () => {
        if (!res.complete) fail(new Error('the connection closed before the answer was complete'))
      })
    })
    let late = false
    const timer = setTimeout(() => {
      late = true
      req.destroy(new DeadlineError())
    }, timeoutMs)
    function fail(err: Error) {
      clearTimeout(timer)
      // once the deadline has passed, whichever error the teardown surfaces first, the cause is the deadline
      reject(late ? new DeadlineError() : err)
    }
    req.on('error', fail)
    req.end(body)
  })
}

function describe(err: unknown, timeoutMs: number): string {
  if (err instanceof DeadlineError) return `no answer within ${timeoutMs} ms`
  const code = (err as { code?: unknown }).code
  return typeof code === 'string' ? code : err instanceof Error ? err.message : String(err)
}

/**
 * Delivers notifications with WeChat Pay's retry schedule and records every attempt. One per
 * sandbox; nothing it does throws or rejects into the caller's process.
 */
export class Notifier {
  readonly log: NotificationLog
  readonly #options: NotifierOptions
  readonly #pending = new Set<Promise<void>>()
  readonly #tracked = new Map<string, Tracked>()

  constructor(options: NotifierOptions) {
    this.#options = options
    const log: NotificationAttempt[] = []
    // not enumerable: the log compares and serialises as a plain array
    Object.defineProperties(log, {
      clear: {
        value: () => {
          log.length = 0
          // the deliveries that have ended go with their attempts; those under way stay
          for (const [id, t] of this.#tracked) {
            if (t.state === 'acknowledged' || t.state === 'failed') this.#tracked.delete(id)
          }
        },
      },
      settled: { value: () => this.settled() },
    })
    this.log = log as NotificationLog
  }

  /**
   * Starts delivering `n`: a probe first if the `notifyProbe` fault fires (v3 only), then the
   * schedule. Resolves once the first real attempt has its outcome; retries go on in the background.
   */
  send(n: Outgoing): Promise<void> {
    const { faults, closing } = this.#options
    if (closing.aborted) return Promise.resolve()
    // drawn now, synchronously, so that a counted fault belongs to the notification that caused it
    const probe = n.protocol === 'v3' && faults.draw('notifyProbe') === true
    const duplicate = faults.draw('notifyDuplicate') === true
    let firstDone!: () => void
    const first = new Promise<void>((resolve) => {
      firstDone = resolve
    })
    const tracked: Tracked = { n, state: 'sending', last: 0 }
    this.#tracked.set(n.id, tracked)
    this.#track(this.#deliver(tracked, probe, duplicate, firstDone).finally(firstDone))
    return first
  }

  /** Where every notification sent so far stands, oldest first. */
  deliveries(): DeliveryStatus[] {
    return [...this.#tracked.values()].map((t) => {
      const status: DeliveryStatus = {
        id: t.n.id,
        event_type: t.n.event_type,
        protocol: t.n.protocol,
        url: t.n.url,
        ...(t.n.subject === undefined ? {} : { subject: t.n.subject }),
        state: t.state,
        laterWaitsSeconds: [],
      }
      if (t.state === 'waiting' && t.nextAttempt !== undefined && t.nextAt !== undefined) {
        status.nextAttempt = t.nextAttempt
        status.nextAt = t.nextAt
        // the wait before attempt k is RETRY_SCHEDULE_SECONDS[k - 2]
        status.laterWaitsSeconds = RETRY_SCHEDULE_SECONDS.slice(t.nextAttempt - 1)
      }
      return status
    })
  }

  /**
   * "Deliver again now": a scheduled retry goes at once (the schedule goes on from it); a delivery
   * that has ended (acknowledged or out of retries) gets one more attempt, marked `manual`.
   *
   * @returns `false` for an unknown id, or while an attempt is in flight (nothing to do)
   */
  redeliver(id: string): boolean {
    const t = this.#tracked.get(id)
    if (!t || t.state === 'sending' || this.#options.closing.aborted) return false
    if (t.state === 'waiting') {
      t.wake?.abort()
      return true
    }
    const ended = t.state
    t.state = 'sending'
    this.#track(
      this.#attempt(t.n, t.last + 1, 'manual').then(
        (ok) => {
          t.last += 1
          t.state = ok ? 'acknowledged' : ended
        },
        () => {
          t.state = ended
        },
      ),
    )
    return true
  }

  /** See {@link NotificationLog.settled}. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending])
  }

  #track(work: Promise<unknown>): void {
    const run: Promise<void> = work.then(
      () => {
        this.#pending.delete(run)
      },
      () => {
        this.#pending.delete(run)
      },
    )
    this.#pending.add(run)
  }

  /** Waits before retry `attempt`; `redeliver()` cuts it short. Rejects only when the sandbox closes. */
  async #wait(t: Tracked, attempt: number): Promise<void> {
    const { clock, closing, timeScale } = this.#options
    const ms = RETRY_SCHEDULE_SECONDS[attempt - 2]! * 1000 * timeScale
    const wake = new AbortController()
    Object.assign(t, { state: 'waiting', nextAttempt: attempt, nextAt: clock.now() + ms, wake })
    try {
      await sleep(ms, undefined, { signal: AbortSignal.any([closing, wake.signal]) })
    } catch (err) {
      if (closing.aborted) throw err
    } finally {
      t.state = 'sending'
      delete t.wake
      delete t.nextAttempt
      delete t.nextAt
    }
  }

  async #deliver(t: Tracked, probe: boolean, duplicate: boolean, firstDone: () => void): Promise<void> {
    const { closing } = this.#options
    const { n } = t
    try {
      if (probe) await this.#attempt(n, 1, 'probe')
      for (let attempt = 1; attempt <= RETRY_SCHEDULE_SECONDS.length + 1; attempt++) {
        if (attempt > 1) await this.#wait(t, attempt)
        if (closing.aborted) return
        const ok = await this.#attempt(n, attempt, 'delivery')
        t.last = attempt
        firstDone()
        if (ok) {
          t.state = 'acknowledged'
          if (duplicate && !closing.aborted) await this.#attempt(n, attempt, 'duplicate')
          return
        }
      }
      t.state = 'failed'
    } catch {
      // only the closing signal's AbortError gets here (attempts catch their own errors): stop quietly
    }
  }

  async #attempt(
    n: Outgoing,
    attempt: number,
    kind: 'delivery' | 'probe' | 'duplicate' | 'manual',
  ): Promise<boolean> {
    const { clock, closing, timeoutMs } = this.#options
    const at = clock.now()
    const started = performance.now()
    const record: NotificationAttempt = {
      id: n.id,
      event_type: n.event_type,
      protocol: n.protocol,
      url: n.url,
      attempt,
      probe: kind === 'probe',
      duplicate: kind === 'duplicate',
      ...(kind === 'manual' ? { manual: true as const } : {}),
      at,
      ok: false,
      durationMs: 0,
    }
    try {
      const answer = await post(
        new URL(n.url),
        Buffer.from(n.body, 'utf8'),
        n.headers(kind === 'probe'),
        timeoutMs,
        closing,
      )
      record.status = answer.status
      record.reply = answer.preview
      record.ok = n.acknowledges(answer.status, answer.text)
      if (!record.ok && answer.status >= 200 && answer.status < 300) {
        record.error = 'the reply does not acknowledge the notification'
      }
    } catch (err) {
      if (closing.aborted) return false
      record.error = describe(err, timeoutMs)
    }
    record.durationMs = Math.round(performance.now() - started)
    this.log.push(record)
    return record.ok
  }
}
