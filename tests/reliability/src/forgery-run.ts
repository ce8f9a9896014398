// Runs forgery cases through real clients against forger.ts and tallies them for the report.
import { setTimeout as sleep } from 'node:timers/promises'
import { isDeepStrictEqual } from 'node:util'
import { type Gateway, startGateway, type TestCredentials, testCredentials } from '@wxpay/sandbox/testing'
import { clientOptions, makeClient, TRANSPORTS, type TransportName } from './clients'
import { callFor, type ForgeryCase, forgeryCases } from './forgery'
import { type Outcome, type Settled, settle } from './outcome'

/** Waits until just after a second begins: a ±299 s case then has ~900 ms before it could drift. */
export async function atSecondStart(): Promise<void> {
  const into = Date.now() % 1000
  if (into > 100) await sleep(1005 - into)
}

export async function runForgeryCase(
  forger: Gateway,
  client: ReturnType<typeof makeClient>,
  c: TestCredentials,
  kase: ForgeryCase,
): Promise<Settled<unknown>> {
  if (kase.edge) await atSecondStart()
  forger.handler = () => kase.reply(c)
  return settle(() => callFor(client, kase.call, c))
}

export interface ForgeryResult {
  kase: ForgeryCase
  transport: TransportName
  actual: Outcome
}

export interface ForgeryTally {
  cases: number
  acceptedAsExpected: number
  refusedAsExpected: number
  /** Expected refused, but accepted: a forged reply got through. Must be 0. */
  wronglyAccepted: number
  /** Expected accepted but refused, or refused with another class/code. */
  wronglyRefused: number
  crashed: number
  byGroup: Map<string, { cases: number; asExpected: number }>
}

export function tally(results: readonly ForgeryResult[]): ForgeryTally {
  const t: ForgeryTally = {
    cases: 0,
    acceptedAsExpected: 0,
    refusedAsExpected: 0,
    wronglyAccepted: 0,
    wronglyRefused: 0,
    crashed: 0,
    byGroup: new Map(),
  }
  for (const { kase, actual } of results) {
    t.cases++
    const ok = isDeepStrictEqual(actual, kase.expected)
    const group = t.byGroup.get(kase.group) ?? { cases: 0, asExpected: 0 }
    group.cases++
    if (ok) group.asExpected++
    t.byGroup.set(kase.group, group)
    if (ok && actual.outcome === 'accepted') t.acceptedAsExpected++
    else if (ok) t.refusedAsExpected++
    else if (actual.outcome === 'accepted') t.wronglyAccepted++
    else if (actual.outcome === 'crashed') t.crashed++
    else t.wronglyRefused++
  }
  return t
}

/** The whole matrix on both transports. */
export async function runForgeryMatrix(): Promise<ForgeryResult[]> {
  const c = testCredentials()
  const forger = await startGateway()
  const results: ForgeryResult[] = []
  try {
    for (const transport of TRANSPORTS) {
      const client = makeClient(transport, clientOptions(c, forger.url))
      for (const kase of forgeryCases(c)) {
        const { outcome } = await runForgeryCase(forger, client, c, kase)
        results.push({ kase, transport, actual: outcome })
      }
    }
  } finally {
    await forger.close()
  }
  return results
}
