// Bad input in CI: a typed error naming the option, and the sandbox saw no request at all.
import { startSandbox } from '@wxpay/sandbox'
import { expect, test } from 'vitest'
import { badInputCases, runBadInput } from './bad-input'
import { serverForFile } from './suite'

const sb = serverForFile(startSandbox)

test.each(badInputCases().map((k) => [`${k.group}: ${k.name} → ${k.option}`, k] as const))(
  '%s',
  async (_, kase) => {
    const result = await runBadInput(sb(), kase)
    expect(result.requests).toBe(0)
    expect(result.detail.startsWith(`${kase.option}: `) ? 'named' : result.detail).toBe('named')
    expect(result.ok).toBe(true)
  },
)
