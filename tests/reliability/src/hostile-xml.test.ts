// Hostile XML replies in CI, end to end on both transports: the typed outcome and no 10 MiB read.
// Documents the parser alone refuses are left to the core's unit test (see parserUnitTest). Time
// is not asserted (a parser that expanded the billion laughs would not finish within the test
// timeout); the report measures it.
import { startGateway, testCredentials } from '@wxpay/sandbox/testing'
import { describe, expect, test } from 'vitest'
import { clientOptions, makeClient, TRANSPORTS } from './clients'
import { hostileCases, MIB, runHostile } from './hostile-xml'
import { serverForFile } from './suite'

const c = testCredentials()
const forger = serverForFile(() => startGateway())

describe.each(TRANSPORTS)('%s transport', (transport) => {
  test.each(
    hostileCases()
      .filter((k) => !k.parserUnitTest)
      .map((k) => [k.name, k] as const),
  )('%s', async (_, kase) => {
    // A generous call timeout: a loaded CI machine may take over 10 s to sign and parse 1 MiB of XML.
    const client = makeClient(transport, clientOptions(c, forger().url, { timeout: 120_000 }))
    const result = await runHostile(forger(), client, c, kase)
    expect(result.outcome).toEqual(kase.expected)
    if (kase.field) {
      const [name, value] = kase.field
      expect((result.value as { data: Record<string, string> }).data[name]).toBe(value)
    }
    if (kase.name.startsWith('10 MiB')) {
      // The client hung up long before the end (what got out is 1 MiB plus socket buffers).
      expect(result.streamed).toBeLessThan(10 * MIB)
    }
  })
})
