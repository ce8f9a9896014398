// The retry policy's pure parts: option checks, backoff bounds (fixed seeds: the jitter repeats), Retry-After
// parsing and which replies say "try again".

import { seededInputs } from '@wxpay/sandbox/testing'
import { describe, expect, test } from 'vitest'
import { WechatpayValidationError } from '../errors'
import { backoff, NO_RETRY, retryAfterMs, retryableReply, retryPolicy } from './retry'

const body = (s: string) => new TextEncoder().encode(s)

describe('retryPolicy', () => {
  test('off by default; a number is retries; an object fills defaults', () => {
    expect(retryPolicy(undefined)).toEqual(NO_RETRY)
    expect(retryPolicy(false).retries).toBe(0)
    expect(retryPolicy(3)).toEqual({ retries: 3, minDelayMs: 200, maxDelayMs: 5000 })
    expect(retryPolicy({})).toEqual({ retries: 2, minDelayMs: 200, maxDelayMs: 5000 })
    expect(retryPolicy({ retries: 1, minDelayMs: 10, maxDelayMs: 20 })).toEqual({
      retries: 1,
      minDelayMs: 10,
      maxDelayMs: 20,
    })
  })
  test.each([
    [11, 'retry'],
    [-1, 'retry'],
    [1.5, 'retry'],
    ['2', 'retry'],
    [[2], 'retry'],
    [{ retries: 11 }, 'retry.retries'],
    [{ minDelayMs: 0 }, 'retry.minDelayMs'],
    [{ maxDelayMs: 600_001 }, 'retry.maxDelayMs'],
    [{ minDelayMs: 500, maxDelayMs: 100 }, 'retry.maxDelayMs'],
  ])('%j is refused naming %s', (value, option) => {
    let error: unknown
    try {
      retryPolicy(value)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(WechatpayValidationError)
    expect((error as WechatpayValidationError).option).toBe(option)
  })
})

describe('backoff', () => {
  const policy = { retries: 10, minDelayMs: 100, maxDelayMs: 1000 }
  test('equal jitter: within [ceiling/2, ceiling], ceiling doubling from minDelayMs up to maxDelayMs', () => {
    const random = seededInputs(undefined, 42).next
    for (let n = 1; n <= 10; n++) {
      const ceiling = Math.min(1000, 100 * 2 ** (n - 1))
      for (let i = 0; i < 50; i++) {
        const wait = backoff(policy, n, random)
        expect(wait).toBeGreaterThanOrEqual(ceiling / 2)
        expect(wait).toBeLessThanOrEqual(ceiling)
      }
    }
  })
  test('the extremes of the random are the bounds; the jitter is not constant', () => {
    expect(backoff(policy, 1, () => 0)).toBe(50)
    expect(backoff(policy, 1, () => 0.999999)).toBe(100)
    expect(backoff(policy, 3, () => 0)).toBe(200)
    expect(backoff(policy, 9, () => 0.999999)).toBe(1000)
    const random = seededInputs(undefined, 7).next
    const waits = new Set(Array.from({ length: 20 }, () => backoff(policy, 4, random)))
    expect(waits.size).toBeGreaterThan(5)
  })
})

describe('retryAfterMs', () => {
  const now = Date.parse('2026-12-07T04:00:00Z')
  test.each([
    [undefined, undefined],
    ['1', 1000],
    [' 120 ', 120_000],
    ['0', 0],
    ['Mon, 07 Dec 2026 04:00:03 GMT', 3000],
    ['Mon, 07 Dec 2026 03:59:00 GMT', 0],
    ['soon', undefined],
    ['-5', undefined],
    ['', undefined],
  ])('%j → %j', (value, ms) => {
    expect(retryAfterMs(value, now)).toBe(ms)
  })
})

describe('retryableReply', () => {
  test.each([
    [429, '', true],
    [429, '{"code":"FREQUENCY_LIMITED","message":"频率超限"}', true],
    [500, '{"code":"SYSTEM_ERROR","message":"系统错误"}', true],
    [503, '{ "code" : "SYSTEM_ERROR" }', true],
    [500, '{"code":"INVALID_REQUEST"}', false],
    [500, '', false],
    [502, '<html>bad gateway</html>', false],
    [400, '{"code":"SYSTEM_ERROR"}', false],
    [404, '{"code":"RESOURCE_NOT_EXISTS"}', false],
    [200, '{"code":"SYSTEM_ERROR"}', false],
    [600, '{"code":"SYSTEM_ERROR"}', false],
  ])('%i %s → %s', (status, text, expected) => {
    expect(retryableReply(status, body(text))).toBe(expected)
  })
  test('only the head of a large body is read', () => {
    const late = `{"message":"${'x'.repeat(1000)}","code":"SYSTEM_ERROR"}`
    expect(retryableReply(500, body(late))).toBe(false)
  })
})
