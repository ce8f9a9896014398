import { describe, expect, it } from 'vitest'
import { createClock, rfc3339Cst, unixSeconds } from './clock'

describe('clock', () => {
  it('advances, sets and resets sandbox time', () => {
    const clock = createClock()
    const real = Date.now()
    expect(Math.abs(clock.now() - real)).toBeLessThan(1000)
    clock.advance(300)
    expect(clock.now() - Date.now()).toBeGreaterThanOrEqual(299_000)
    clock.advance(-600)
    expect(clock.now() - Date.now()).toBeLessThanOrEqual(-299_000)
    clock.set(1_700_000_000_000)
    expect(Math.abs(clock.now() - 1_700_000_000_000)).toBeLessThan(1000)
    clock.reset()
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(1000)
    expect(() => clock.advance(Number.NaN)).toThrow(TypeError)
  })

  it('formats RFC 3339 in China Standard Time and Unix seconds', () => {
    expect(rfc3339Cst(Date.UTC(2026, 10, 22, 6, 5, 9, 999))).toBe('2026-11-22T14:05:09+08:00')
    expect(rfc3339Cst(Date.UTC(2026, 11, 31, 16, 0, 0))).toBe('2027-01-01T00:00:00+08:00')
    expect(unixSeconds(1_700_000_000_999)).toBe(1_700_000_000)
  })
})
