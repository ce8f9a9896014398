// The properties in CI, with fixed seeds (the report runs the same with the same seeds).
import { startGateway, testCredentials } from '@wxpay/sandbox/testing'
import { expect, test } from 'vitest'
import { clientOptions, makeClient } from './clients'
import { uriExpansion, v2SignOrder, xmlRoundTrip } from './properties'
import { serverForFile } from './suite'

const c = testCredentials()
const forger = serverForFile(() => startGateway())

test('buildXml/parseXml round-trip (1000 runs)', () => {
  expect(xmlRoundTrip(20261, 1000).runs).toBe(1000)
})

test.each(['undici', 'fetch'] as const)(
  'v2 sign independent of key order, on the wire (%s, 200 runs)',
  async (transport) => {
    const client = makeClient(transport, clientOptions(c, forger().url))
    expect((await v2SignOrder(forger(), client, c, 20262, 200)).runs).toBe(200)
  },
)

test.each(['undici', 'fetch'] as const)(
  'URI expansion stays one segment (%s, 500 runs)',
  async (transport) => {
    const client = makeClient(transport, clientOptions(c, forger().url))
    const run = await uriExpansion(forger(), client, 20263, 500)
    expect(run.runs).toBe(500)
    // Both branches are exercised: some values are sent, some refused before I/O.
    expect(run.refusedBeforeIo).toBeGreaterThan(0)
    expect(run.refusedBeforeIo).toBeLessThan(500)
  },
)
