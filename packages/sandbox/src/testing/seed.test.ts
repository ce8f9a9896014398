// seededInputs: the same seed gives the same draws, a failure prints the seed, and the ranges hold.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, test, vi } from 'vitest'
import { seededInputs, testSeed } from './seed'

describe('seededInputs', () => {
  test('one seed, one sequence (bytes, ints, picks); another seed, another', () => {
    const draw = (seed: number) => {
      const r = seededInputs(undefined, seed)
      return [r.bytes(16).toString('hex'), r.int(10), r.int(5, 9), r.pick(['a', 'b', 'c']), r.next()]
    }
    expect(draw(12345)).toEqual(draw(12345))
    expect(draw(12345)).not.toEqual(draw(12346))
  })

  test('a failure prints the seed that repeats the inputs', () => {
    const handlers: Array<() => void> = []
    const random = seededInputs((handler) => handlers.push(handler), 987654321)
    expect(random.seed).toBe(987654321)
    expect(handlers).toHaveLength(1)
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      handlers[0]!()
      expect(error).toHaveBeenCalledWith('generated inputs: WXPAY_SEED=987654321 repeats them')
    } finally {
      error.mockRestore()
    }
  })

  test('int stays in its range and refuses an empty one', () => {
    const random = seededInputs(undefined, 1)
    for (let i = 0; i < 1000; i++) {
      const n = random.int(3, 7)
      expect(n >= 3 && n < 7 && Number.isInteger(n)).toBe(true)
    }
    expect(() => random.int(0)).toThrow(RangeError)
    expect(() => random.pick([])).toThrow(RangeError)
  })

  test('the process seed is WXPAY_SEED when set (a fresh process reads it), and refuses a bad one', () => {
    expect(Number.isInteger(testSeed())).toBe(true)
    expect(testSeed()).toBe(testSeed())
    // tsx is not a dependency here: node strips nothing, so the child imports the built testing entry.
    const entry = fileURLToPath(new URL('../../dist/testing.js', import.meta.url))
    const run = (seed: string) =>
      spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `import { testSeed } from ${JSON.stringify(entry)}; console.log(testSeed())`,
        ],
        { env: { PATH: process.env.PATH ?? '', WXPAY_SEED: seed }, encoding: 'utf8' },
      )
    expect(run('4242').stdout.trim()).toBe('4242')
    const bad = run('-1')
    expect(bad.status).not.toBe(0)
    expect(bad.stderr).toContain('WXPAY_SEED must be a whole number')
  })
})
