// No leaked socket or timer: a child doing a batch of faulty calls exits by itself, with code 0,
// within a few seconds of its last call (it never calls process.exit). The bounds hold on a
// saturated machine: the child gets 150 s for its whole run (a loaded machine is slow to start
// tsx), and 8 s between its last call and its exit, below the 10 s default timeout that a timer
// the SDK forgot to clear would hold it for.
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { runLeakChild } from './leak'

let sb: Sandbox

beforeAll(async () => {
  sb = await startSandbox()
})
afterAll(() => sb.close())

test('a child running faulty calls on both transports exits by itself within 8 s of its last call', async () => {
  const result = await runLeakChild(sb, 150_000)
  expect(result.stderr).toBe('')
  expect(result.killed).toBe(false)
  expect(result.code).toBe(0)
  expect(result.settled).toBe(52)
  expect(Object.keys(result.outcomes).filter((k) => k.startsWith('UNTYPED'))).toEqual([])
  expect(result.outcomes['WechatpayTransportError TIMEOUT']).toBeGreaterThan(0)
  expect(result.outcomes['WechatpaySignatureError SIGNATURE_INVALID']).toBeGreaterThan(0)
  expect(result.exitAfterDoneMs).toBeLessThan(8_000)
}, 180_000)
