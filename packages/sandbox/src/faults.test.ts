import { describe, expect, it, vi } from 'vitest'
import { FaultEngine, FaultSpecError } from './faults'

const engine = (seed = 1) => new FaultEngine(seed, async () => {})

describe('FaultEngine', () => {
  it('applies a bare value always, until cleared', async () => {
    const f = engine()
    await f.set({ latencyMs: 5, badSignature: true })
    for (let i = 0; i < 5; i++) expect(f.draw('latencyMs')).toBe(5)
    expect(f.draw('badSignature')).toBe(true)
    expect(f.draw('status')).toBeUndefined()
    await f.clear()
    expect(f.draw('latencyMs')).toBeUndefined()
  })

  it('applies a count to the next N draws only', async () => {
    const f = engine()
    await f.set({ status: { value: 503, count: 2 } })
    expect([f.draw('status'), f.draw('status'), f.draw('status')]).toEqual([503, 503, undefined])
    expect(f.current()).toEqual({})
  })

  it('draws probabilities from a seeded PRNG: same seed, same sequence', async () => {
    const sequence = async (seed: number) => {
      const f = engine(seed)
      await f.set({ resetConnection: { probability: 0.5 } })
      return Array.from({ length: 40 }, () => f.draw('resetConnection') === true)
    }
    const a = await sequence(42)
    expect(await sequence(42)).toEqual(a)
    expect(await sequence(43)).not.toEqual(a)
    const hits = a.filter(Boolean).length
    expect(hits).toBeGreaterThan(8)
    expect(hits).toBeLessThan(32)
    const f = engine(7)
    await f.set({ resetConnection: { probability: 0.5 } })
    const first = Array.from({ length: 10 }, () => f.draw('resetConnection') === true)
    f.seed(7)
    expect(Array.from({ length: 10 }, () => f.draw('resetConnection') === true)).toEqual(first)
  })

  it('caps probable faults with a count', async () => {
    const f = engine(3)
    await f.set({ badSignature: { probability: 1, count: 1 } })
    expect(f.draw('badSignature')).toBe(true)
    expect(f.draw('badSignature')).toBeUndefined()
  })

  it('merges kinds, removes a kind with null or false, and reports what is left', async () => {
    const f = engine()
    await f.set({ status: { value: 429, count: 3 }, signtestProbe: true })
    await f.set({ signtestProbe: false, latencyMs: { value: 10, probability: 0.25 } })
    f.draw('status')
    expect(f.current()).toEqual({
      status: { value: 429, count: 2 },
      latencyMs: { value: 10, probability: 0.25 },
    })
    await f.set({ status: null })
    expect(f.current()).toEqual({ latencyMs: { value: 10, probability: 0.25 } })
  })

  it('tells the primary listener what to do', async () => {
    const onPrimary = vi.fn(async () => {})
    const f = new FaultEngine(1, onPrimary)
    await f.set({ primaryDown: true })
    expect(f.primaryMode()).toBe('down')
    await f.set({ primaryDown: { count: 2 } })
    expect(f.primaryMode()).toBe('flaky')
    await f.clear()
    expect(f.primaryMode()).toBe('up')
    expect(onPrimary.mock.calls).toEqual([['down'], ['flaky'], ['up']])
  })

  it.each([
    [{ nope: true }, 'unknown fault'],
    [{ latencyMs: {} }, 'numeric value'],
    [{ status: 200 }, '400..599'],
    [{ status: { probability: 2 } }, '0..1'],
    [{ badSignature: { count: 1.5 } }, 'count'],
    [{ badSignature: { value: 'yes' } }, 'boolean'],
    [{ latencyMs: { value: 1, every: 2 } }, 'unknown option'],
  ])('refuses %j and changes nothing', async (spec, message) => {
    const f = engine()
    await f.set({ status: 500 })
    await expect(f.set(spec as never)).rejects.toThrow(FaultSpecError)
    await expect(f.set(spec as never)).rejects.toThrow(message)
    expect(f.current()).toEqual({ status: { value: 500 } })
  })
})
