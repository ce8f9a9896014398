// The forgery matrix in CI: every case, on both transports, reaches exactly its expected outcome.
import { startGateway, testCredentials } from '@wxpay/sandbox/testing'
import { describe, expect, test } from 'vitest'
import { clientOptions, makeClient, TRANSPORTS } from './clients'
import { forgeryCases, rechargeBody, unitTestedIn } from './forgery'
import { runForgeryCase } from './forgery-run'
import { serverForFile } from './suite'

const c = testCredentials()
const cases = forgeryCases(c)
const forger = serverForFile(() => startGateway())

describe.each(TRANSPORTS)('%s transport', (transport) => {
  test.each(
    cases.filter((kase) => !unitTestedIn(kase)).map((kase) => [`${kase.group}: ${kase.name}`, kase] as const),
  )('%s', async (_, kase) => {
    const client = makeClient(transport, clientOptions(c, forger().url))
    const { outcome, value } = await runForgeryCase(forger(), client, c, kase)
    expect(outcome).toEqual(kase.expected)
    if (kase.name === '200 JSON, genuinely signed') {
      expect(value).toMatchObject({ status: 200, data: JSON.parse(rechargeBody(c)) })
    }
  })
})

test('the matrix covers every sampled byte, header and timestamp edge it promises', () => {
  const groups = new Map<string, number>()
  for (const kase of cases) groups.set(kase.group, (groups.get(kase.group) ?? 0) + 1)
  expect(groups.get('v3 body byte flipped')).toBeGreaterThanOrEqual(64)
  expect(groups.get('v3 headers')).toBeGreaterThanOrEqual(12)
  expect(cases.filter((k) => k.edge)).toHaveLength(6)
  expect(cases.filter((k) => k.expected.outcome === 'accepted').length).toBeGreaterThan(5)
})
