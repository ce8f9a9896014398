// Hostile XML replies in CI: the typed outcome, a loose time bound (2 s), no 10 MiB read.
import { describe, expect, test } from 'vitest'
import { clientOptions, makeClient, TRANSPORTS } from './clients'
import { startForger } from './forger'
import { hostileCases, MIB, runHostile } from './hostile-xml'
import { credentials } from './keys'
import { serverForFile } from './suite'

const c = credentials()
const forger = serverForFile(startForger)

describe.each(TRANSPORTS)('%s transport', (transport) => {
  test.each(hostileCases().map((k) => [k.name, k] as const))('%s', async (_, kase) => {
    const client = makeClient(transport, clientOptions(c, forger().url))
    const result = await runHostile(forger(), client, c, kase)
    expect(result.outcome).toEqual(kase.expected)
    expect(result.ms).toBeLessThan(2_000)
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
