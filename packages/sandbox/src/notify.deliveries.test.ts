// The Notifier's view of each delivery (state, next attempt, the waits ahead), "deliver again now"
// and the preview of the receiver's answer, against a real HTTP receiver on loopback.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createClock } from './clock'
import { FaultEngine } from './faults'
import { Notifier, type Outgoing, REPLY_PREVIEW_BYTES, RETRY_SCHEDULE_SECONDS } from './notify'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A receiver answering its n-th request with `answers[n]` (the last one repeats). */
async function receiver(
  answers: Array<{ status: number; body?: string }>,
): Promise<{ url: string; hits: () => number }> {
  let hits = 0
  const server: Server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      const a = answers[Math.min(hits++, answers.length - 1)]!
      res.writeHead(a.status, { 'Content-Type': 'text/plain' })
      res.end(a.body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  )
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`, hits: () => hits }
}

function notifier(timeScale: number): Notifier {
  const closing = new AbortController()
  const n = new Notifier({
    clock: createClock(),
    faults: new FaultEngine(1, async () => {}),
    closing: closing.signal,
    timeScale,
    timeoutMs: 5000,
  })
  cleanups.push(async () => {
    closing.abort()
    await n.settled()
  })
  return n
}

function outgoing(url: string, id = 'n1'): Outgoing {
  return {
    id,
    event_type: 'TRANSACTION.SUCCESS',
    protocol: 'v3',
    url,
    body: '{}',
    headers: () => ({ 'Content-Type': 'application/json' }),
    acknowledges: (status) => status >= 200 && status < 300,
  }
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !check(); i++) await new Promise((r) => setTimeout(r, 5))
  expect(check()).toBe(true)
}

describe('Notifier deliveries', () => {
  it('keeps the first bytes of each answer', async () => {
    const long = `${'é'.repeat(100)}${'x'.repeat(REPLY_PREVIEW_BYTES)}`
    const r = await receiver([{ status: 500, body: long }])
    const n = notifier(1)
    await n.send(outgoing(r.url))
    const [attempt] = n.log
    // 256 bytes: 100 two-byte characters, then 56 ASCII ones (independent arithmetic on purpose)
    expect(attempt).toMatchObject({ status: 500, ok: false, reply: `${'é'.repeat(100)}${'x'.repeat(56)}` })
  })

  it('shows a scheduled retry with the waits after it, and "deliver again now" sends it at once', async () => {
    const r = await receiver([{ status: 503 }, { status: 200, body: 'ok' }])
    // real-time schedule: the first retry would wait 15 s, far longer than this test runs
    const n = notifier(1)
    const before = Date.now()
    await n.send(outgoing(r.url))
    await until(() => n.deliveries()[0]?.state === 'waiting')
    const [waiting] = n.deliveries()
    expect(waiting).toMatchObject({ id: 'n1', state: 'waiting', nextAttempt: 2 })
    expect(waiting!.nextAt! - before).toBeGreaterThanOrEqual(15_000)
    // attempt 2 is due; then 15 s, 30 s, 3 min, … (14 more waits)
    expect(waiting!.laterWaitsSeconds).toEqual([
      15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600,
    ])
    expect(waiting!.laterWaitsSeconds).toEqual(RETRY_SCHEDULE_SECONDS.slice(1))

    expect(n.redeliver('n1')).toBe(true)
    await n.settled()
    expect(n.log.map((a) => [a.attempt, a.status, a.ok, a.reply])).toEqual([
      [1, 503, false, ''],
      [2, 200, true, 'ok'],
    ])
    expect(n.deliveries()[0]).toMatchObject({ state: 'acknowledged', laterWaitsSeconds: [] })
    expect(n.deliveries()[0]?.nextAt).toBeUndefined()
  })

  it('sends an ended delivery once more, marked manual and numbered after the last', async () => {
    const r = await receiver([{ status: 204 }, { status: 500, body: 'down' }])
    const n = notifier(1)
    await n.send(outgoing(r.url))
    await n.settled()
    expect(n.redeliver('n1')).toBe(true)
    await n.settled()
    expect(n.log.map((a) => [a.attempt, a.manual, a.status, a.ok])).toEqual([
      [1, undefined, 204, true],
      [2, true, 500, false],
    ])
    // an ended delivery stays ended: a failed manual attempt schedules nothing
    expect(n.deliveries()[0]?.state).toBe('acknowledged')
    expect(r.hits()).toBe(2)
    expect(n.redeliver('unknown')).toBe(false)
    // clearing the log forgets the ended delivery too
    n.log.clear()
    expect(n.deliveries()).toEqual([])
    expect(n.redeliver('n1')).toBe(false)
  })
})
