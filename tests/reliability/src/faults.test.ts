// Faults in CI, on both transports: the typed outcome, the requests the sandbox saw (no retry
// storm, one failover), the order's state, and loose time bounds for timeouts and aborts.
import { startSandbox } from '@wxpay/sandbox'
import { describe, expect, test } from 'vitest'
import { TRANSPORTS } from './clients'
import { faultScenarios, runFault } from './faults'
import { serverForFile } from './suite'

const sb = serverForFile(startSandbox)

describe.each(TRANSPORTS)('%s transport', (transport) => {
  test.each(faultScenarios().map((s) => [s.name, s] as const))('%s', async (_, scenario) => {
    const result = await runFault(sb(), transport, scenario)
    expect(result.outcome).toEqual(scenario.expected)
    expect(result.listeners).toEqual(scenario.listeners)
    expect(result.after).toBe(scenario.after)
    if (scenario.reply) expect(result.value).toMatchObject(scenario.reply)
    expect(result.ok).toBe(true)
    // Loose bounds: timings are reported by `pnpm reliability`, not asserted tightly in CI.
    if (scenario.timeout) expect(result.ms).toBeLessThan(scenario.timeout + 1_000)
    if (scenario.abortAfter) expect(result.ms).toBeLessThan(scenario.abortAfter + 1_000)
  })
})
