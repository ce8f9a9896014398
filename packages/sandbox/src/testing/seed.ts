// Generated test inputs from one seed that a failure prints, so a failing draw can be repeated.
import { randomInt } from 'node:crypto'
import { seededRandom } from '../random'

/** Draws from a seeded PRNG (mulberry32): not for keys or nonces, only for generated test inputs. */
export interface SeededInputs {
  /** The seed this sequence came from: `WXPAY_SEED=<seed>` repeats it. */
  readonly seed: number
  /** A float in [0, 1). */
  next(): number
  /** A whole number in [0, max), or in [min, max) with two arguments. */
  int(max: number): number
  int(min: number, max: number): number
  /** `length` bytes. */
  bytes(length: number): Buffer
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T
}

let processSeed: number | undefined

/**
 * The seed of this test process: `WXPAY_SEED` when set (a whole number from 0 to 2³² − 1), otherwise
 * one drawn once per process.
 */
export function testSeed(): number {
  if (processSeed !== undefined) return processSeed
  const given = process.env.WXPAY_SEED
  if (given !== undefined && given !== '') {
    const seed = Number(given)
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
      throw new Error(`WXPAY_SEED must be a whole number from 0 to 4294967295, not ${JSON.stringify(given)}`)
    processSeed = seed
  } else {
    processSeed = randomInt(0x100000000)
  }
  return processSeed
}

/**
 * Seeded inputs for the running test, which print their seed if the test fails. Call it inside a
 * test with vitest's `onTestFailed` (this package does not depend on vitest); every call starts
 * the same sequence from the process's seed ({@link testSeed}), so one test's inputs do not depend
 * on which other tests ran.
 *
 * @example
 * import { onTestFailed, test } from 'vitest'
 * test('round trip', () => {
 *   const random = seededInputs(onTestFailed)
 *   const data = random.bytes(random.int(1, 1000))
 *   // … a failure prints "generated inputs: WXPAY_SEED=123456789 repeats them"
 * })
 */
export function seededInputs(onTestFailed?: (handler: () => void) => void, seed = testSeed()): SeededInputs {
  onTestFailed?.(() => {
    console.error(`generated inputs: WXPAY_SEED=${seed} repeats them`)
  })
  const next = seededRandom(seed)
  function int(a: number, b?: number): number {
    const [min, max] = b === undefined ? [0, a] : [a, b]
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max <= min)
      throw new RangeError(`int(${a}${b === undefined ? '' : `, ${b}`}): an empty range`)
    return min + Math.floor(next() * (max - min))
  }
  return {
    seed,
    next,
    int,
    bytes(length: number): Buffer {
      const out = Buffer.alloc(length)
      for (let i = 0; i < length; i++) out[i] = Math.floor(next() * 256)
      return out
    },
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick() from an empty list')
      return items[int(items.length)]!
    },
  }
}
