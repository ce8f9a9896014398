import { seededRandom } from './random'

/**
 * How often one fault applies. A bare value means "always, until cleared". `count` applies it to
 * the next N matching requests only; `probability` (0..1) draws each time from the seeded PRNG.
 * With both, each request draws and `count` caps how many times it fires. `null` (or `false`
 * for the on/off kinds) removes that fault.
 */
export type FaultRule<T> = T | { value?: T; probability?: number; count?: number } | null

/** Everything the sandbox can break on purpose. See the package README for the exact effects. */
export interface FaultSpec {
  /** Delay the reply by this many milliseconds (no default: give `value`). */
  latencyMs?: FaultRule<number>
  /** Reply with this HTTP status and WeChat's error shape instead of handling the request (default 500). */
  status?: FaultRule<number>
  /** Destroy the socket without replying. */
  resetConnection?: FaultRule<boolean>
  /** Sign 2xx replies with a well-formed but wrong signature (v2: a wrong `sign`). */
  badSignature?: FaultRule<boolean>
  /** Sign 2xx v3 replies with a `WECHATPAY/SIGNTEST/…` probe, as WeChat does now and then. */
  signtestProbe?: FaultRule<boolean>
  /** Skew `Wechatpay-Timestamp` of v3 replies by this many seconds (no default: give `value`). */
  clockSkewSeconds?: FaultRule<number>
  /**
   * Take the primary listener down. Always-on: the listener stops accepting (connection refused)
   * until cleared. With `count`/`probability`: accepted connections are destroyed at once.
   */
  primaryDown?: FaultRule<boolean>
  /**
   * Before a notification's first delivery, send it once with a `WECHATPAY/SIGNTEST/…` signature
   * (same body), as WeChat's probes do. Drawn once per notification.
   */
  notifyProbe?: FaultRule<boolean>
  /**
   * Deliver a notification once more (same id, same body, fresh signature) after it has been
   * acknowledged, as WeChat may. Drawn once per notification.
   */
  notifyDuplicate?: FaultRule<boolean>
  /**
   * Flip one byte of a downloaded bill (`/v3/billdownload/file`) after its digest was published,
   * as a corrupted or tampered transfer would: the client's digest check must refuse it.
   */
  corruptDownload?: FaultRule<boolean>
}

/** The kinds of faults, i.e. the keys of {@link FaultSpec}. */
export type FaultKind = keyof FaultSpec

type FaultValue<K extends FaultKind> = Exclude<FaultSpec[K], null | undefined | { value?: unknown }>

interface ActiveFault {
  value: number | boolean
  probability?: number
  remaining?: number
}

/** What a listener does about `primaryDown`. */
export type PrimaryMode = 'up' | 'down' | 'flaky'

/** Controls fault injection: on the business routes, and (the `notify…` kinds) on notification deliveries. */
export interface SandboxFaults {
  /**
   * Sets the given kinds of faults (kinds not mentioned are kept). Resolves once the change is
   * in effect, which matters for `primaryDown`.
   *
   * @example
   * ```ts
   * await sb.faults.set({ status: { value: 503, count: 1 }, latencyMs: { value: 200, probability: 0.5 } })
   * ```
   */
  set(spec: FaultSpec): Promise<void>
  /** Removes every fault (the primary listener comes back up). */
  clear(): Promise<void>
  /** Restarts the PRNG behind `probability` from `seed`: the same seed gives the same sequence. */
  seed(seed: number): void
  /** The faults in effect, as a spec (counts show what is left). */
  current(): FaultSpec
}

const KINDS: readonly FaultKind[] = [
  'latencyMs',
  'status',
  'resetConnection',
  'badSignature',
  'signtestProbe',
  'clockSkewSeconds',
  'primaryDown',
  'notifyProbe',
  'notifyDuplicate',
  'corruptDownload',
]
const BOOLEAN_KINDS = new Set<FaultKind>([
  'resetConnection',
  'badSignature',
  'signtestProbe',
  'primaryDown',
  'notifyProbe',
  'notifyDuplicate',
  'corruptDownload',
])

/** Thrown by `faults.set()` for a spec it cannot apply. */
export class FaultSpecError extends TypeError {
  override readonly name = 'FaultSpecError'
}

function normalise(kind: FaultKind, rule: unknown): ActiveFault | undefined {
  if (rule === null || rule === undefined || rule === false) return undefined
  const isBool = BOOLEAN_KINDS.has(kind)
  const spec: { value?: unknown; probability?: unknown; count?: unknown } =
    typeof rule === 'object' ? (rule as object) : { value: rule }
  for (const key of Object.keys(spec)) {
    if (key !== 'value' && key !== 'probability' && key !== 'count') {
      throw new FaultSpecError(`faults.${kind}: unknown option ${key} (use value, probability, count)`)
    }
  }
  const value = spec.value ?? (isBool ? true : kind === 'status' ? 500 : undefined)
  if (isBool) {
    if (typeof value !== 'boolean') throw new FaultSpecError(`faults.${kind}.value must be a boolean`)
    if (!value) return undefined
  } else if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new FaultSpecError(
      `faults.${kind} needs a numeric value, e.g. { value: ${kind === 'latencyMs' ? 2000 : 600} }`,
    )
  }
  if (kind === 'status' && (!Number.isInteger(value) || (value as number) < 400 || (value as number) > 599)) {
    throw new FaultSpecError('faults.status.value must be an HTTP error status (400..599)')
  }
  if (kind === 'latencyMs' && (value as number) < 0) throw new FaultSpecError('faults.latencyMs must be >= 0')
  const active: ActiveFault = { value: value as number | boolean }
  if (spec.probability !== undefined) {
    const p = spec.probability
    if (typeof p !== 'number' || !(p >= 0 && p <= 1))
      throw new FaultSpecError(`faults.${kind}.probability must be in 0..1`)
    active.probability = p
  }
  if (spec.count !== undefined) {
    const n = spec.count
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
      throw new FaultSpecError(`faults.${kind}.count must be a non-negative integer`)
    }
    if (n === 0) return undefined
    active.remaining = n
  }
  return active
}

/** The fault state shared by both listeners, plus the hook that moves the primary listener. */
export class FaultEngine implements SandboxFaults {
  readonly #active = new Map<FaultKind, ActiveFault>()
  #random: () => number
  readonly #onPrimary: (mode: PrimaryMode) => Promise<void>

  constructor(seed: number, onPrimary: (mode: PrimaryMode) => Promise<void>) {
    this.#random = seededRandom(seed)
    this.#onPrimary = onPrimary
  }

  async set(spec: FaultSpec): Promise<void> {
    if (typeof spec !== 'object' || spec === null) throw new FaultSpecError('faults.set() takes an object')
    const next = new Map<FaultKind, ActiveFault | undefined>()
    for (const [kind, rule] of Object.entries(spec)) {
      if (!KINDS.includes(kind as FaultKind)) {
        throw new FaultSpecError(`unknown fault ${kind}; known: ${KINDS.join(', ')}`)
      }
      next.set(kind as FaultKind, normalise(kind as FaultKind, rule))
    }
    // validate everything first, then apply: a bad spec changes nothing
    for (const [kind, active] of next) {
      if (active) this.#active.set(kind, active)
      else this.#active.delete(kind)
    }
    if (next.has('primaryDown')) await this.#onPrimary(this.primaryMode())
  }

  async clear(): Promise<void> {
    const wasDown = this.#active.has('primaryDown')
    this.#active.clear()
    if (wasDown) await this.#onPrimary('up')
  }

  seed(seed: number): void {
    if (!Number.isFinite(seed)) throw new FaultSpecError('faults.seed() takes a number')
    this.#random = seededRandom(seed)
  }

  current(): FaultSpec {
    const spec: Record<string, unknown> = {}
    for (const [kind, active] of this.#active) {
      const rule: Record<string, unknown> = { value: active.value }
      if (active.probability !== undefined) rule.probability = active.probability
      if (active.remaining !== undefined) rule.count = active.remaining
      spec[kind] = rule
    }
    return spec as FaultSpec
  }

  /** `down`: always-on primaryDown; `flaky`: counted or probable; `up`: none. */
  primaryMode(): PrimaryMode {
    const active = this.#active.get('primaryDown')
    if (!active) return 'up'
    return active.probability === undefined && active.remaining === undefined ? 'down' : 'flaky'
  }

  /**
   * Decides whether a fault fires for this request; consumes one from its count when it does.
   *
   * @returns the fault's value when it fires, else `undefined`
   */
  draw<K extends FaultKind>(kind: K): FaultValue<K> | undefined {
    const active = this.#active.get(kind)
    if (!active) return undefined
    if (active.probability !== undefined && !(this.#random() < active.probability)) return undefined
    if (active.remaining !== undefined) {
      active.remaining -= 1
      if (active.remaining <= 0) this.#active.delete(kind)
    }
    return active.value as FaultValue<K>
  }
}
