// Bad input in CI: a typed error naming the option, and the sandbox saw no request at all.
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { badInputCases, runBadInput } from './bad-input'
import { watchUnhandled } from './guard'

const unhandled = watchUnhandled()
let sb: Sandbox

beforeAll(async () => {
  sb = await startSandbox()
})
afterAll(async () => {
  await sb.close()
  expect(unhandled.count()).toBe(0)
})

test.each(badInputCases().map((k) => [`${k.group}: ${k.name} → ${k.option}`, k] as const))(
  '%s',
  async (_, kase) => {
    const result = await runBadInput(sb, kase)
    expect(result.requests).toBe(0)
    expect(result.detail.startsWith(`${kase.option}: `) ? 'named' : result.detail).toBe('named')
    expect(result.ok).toBe(true)
  },
)
