/**
 * The sandbox's notion of "now": real time plus an offset that tests can move, so that the
 * 300 s signature window and the 5-minute close rule can be exercised without waiting.
 */
export interface SandboxClock {
  /** Sandbox time in milliseconds since the epoch. */
  now(): number
  /** Move sandbox time forward (or back, with a negative number) by `seconds`. */
  advance(seconds: number): void
  /** Make sandbox time equal `ms` (milliseconds since the epoch) from now on; it keeps ticking. */
  set(ms: number): void
  /** Drop any offset: sandbox time is real time again. */
  reset(): void
}

/**
 * Creates a clock whose time is `Date.now()` plus a mutable offset.
 *
 * @example
 * ```ts
 * const clock = createClock()
 * clock.advance(301) // a request signed "now" is now outside the 300 s window
 * ```
 */
export function createClock(): SandboxClock {
  let offset = 0
  return {
    now: () => Date.now() + offset,
    advance(seconds) {
      if (!Number.isFinite(seconds)) throw new TypeError('clock.advance(seconds) needs a finite number')
      offset += seconds * 1000
    },
    set(ms) {
      if (!Number.isFinite(ms)) throw new TypeError('clock.set(ms) needs a finite number of milliseconds')
      offset = ms - Date.now()
    },
    reset() {
      offset = 0
    },
  }
}

/** Unix seconds of a millisecond time, as WeChat Pay puts them in headers. */
export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000)
}

/**
 * RFC 3339 with the +08:00 offset (China Standard Time), the format WeChat Pay uses for
 * `accept_time`, `close_time` and friends, e.g. `2026-11-22T14:05:09+08:00`.
 */
export function rfc3339Cst(ms: number): string {
  const shifted = new Date(Math.floor(ms / 1000) * 1000 + 8 * 3600 * 1000)
  return shifted.toISOString().replace(/\.\d{3}Z$/, '+08:00')
}

/** `yyyyMMddHHmmss` in China Standard Time: APIv2's `time_end`. */
export function v2CompactTime(ms: number): string {
  return rfc3339Cst(ms).slice(0, 19).replace(/\D/g, '')
}
