// Faults in CI, on both transports: the typed outcome, the requests the sandbox saw (no retry
// storm, one failover) and the order's state. No time is asserted: a timeout or an abort that did
// not fire would let the 3 s reply through (accepted, not the expected typed error); the report
// measures how late they fire.
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
  })
})
