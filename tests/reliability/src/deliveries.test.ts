// Deliveries under faults in CI, at a small count: 40 payments notified to a real loopback receiver
// whose handler crashes or times out at seeded rates, with SIGNTEST probes and duplicates from the
// sandbox. Nothing here depends on timing: a slow machine only means more retries.
import { expect, test } from 'vitest'
import { runDeliveries } from './deliveries'
import { watchUnhandled } from './guard'

test('every genuine notification acknowledged in the end, none processed twice, no probe processed', async () => {
  const unhandled = watchUnhandled()
  const r = await runDeliveries({
    payments: 40,
    crashRate: 0.2,
    timeoutRate: 0.05,
    probeRate: 0.25,
    duplicateRate: 0.25,
    seed: 7,
    concurrency: 8,
    timeScale: 0.001,
    deadlineMs: 1500,
  })
  expect(r.paid).toBe(40)
  expect(r.notifications).toBe(40)
  expect(r.acknowledged).toBe(40)
  expect(r.processed).toBe(40)
  expect(r.processedMatching).toBe(40)
  expect(r.processedTwice).toBe(0)
  expect(r.forgedProcessed).toBe(0)
  expect(r.probesAcknowledged).toBe(0)
  // every refusal was a probe, and every probe that arrived was refused (a loaded machine may let
  // the sandbox give up on a probe before the receiver reads it: none of those was acknowledged)
  expect(r.refused).toBe(r.refusedProbes)
  expect(r.refusedProbes).toBe(r.probesReceived)
  expect(r.probesReceived).toBeGreaterThan(0)
  expect(r.probesReceived).toBeLessThanOrEqual(r.attempts.probes)
  // the faults really happened, so the invariants above were put to the test
  expect(r.faults['crash-before-store']).toBeGreaterThan(0)
  expect(r.faults['crash-after-store']).toBeGreaterThan(0)
  expect(r.faults.timeout).toBeGreaterThan(0)
  expect(r.attempts.probes).toBeGreaterThan(0)
  expect(r.attempts.duplicates).toBeGreaterThan(0)
  expect(r.attempts.retries).toBeGreaterThan(0)
  expect(r.absorbed).toBeGreaterThan(0)
  expect(unhandled.count()).toBe(0)
})
