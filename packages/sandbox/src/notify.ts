import { request as httpRequest, type RequestOptions } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { SandboxClock } from './clock.js'
import type { FaultEngine } from './faults.js'

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
  /** When the request was sent: sandbox clock, milliseconds. */
  at: number
  /** The receiver's HTTP status, when it answered in time. */
  status?: number
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
  /** Empties the log (deliveries under way go on and are logged). */
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
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') })
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

  constructor(options: NotifierOptions) {
    this.#options = options
    const log: NotificationAttempt[] = []
    // not enumerable: the log compares and serialises as a plain array
    Object.defineProperties(log, {
      clear: {
        value: () => {
          log.length = 0
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
    const run = this.#deliver(n, probe, duplicate, firstDone).finally(() => {
      firstDone()
      this.#pending.delete(run)
    })
    this.#pending.add(run)
    return first
  }

  /** See {@link NotificationLog.settled}. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending])
  }

  async #deliver(n: Outgoing, probe: boolean, duplicate: boolean, firstDone: () => void): Promise<void> {
    const { closing, timeScale } = this.#options
    try {
      if (probe) await this.#attempt(n, 1, 'probe')
      for (let i = 0; i <= RETRY_SCHEDULE_SECONDS.length; i++) {
        if (i > 0)
          await sleep(RETRY_SCHEDULE_SECONDS[i - 1]! * 1000 * timeScale, undefined, { signal: closing })
        if (closing.aborted) return
        const ok = await this.#attempt(n, i + 1, 'delivery')
        firstDone()
        if (ok) {
          if (duplicate && !closing.aborted) await this.#attempt(n, i + 1, 'duplicate')
          return
        }
      }
    } catch {
      // only the closing signal's AbortError gets here (attempts catch their own errors): stop quietly
    }
  }

  async #attempt(n: Outgoing, attempt: number, kind: 'delivery' | 'probe' | 'duplicate'): Promise<boolean> {
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
