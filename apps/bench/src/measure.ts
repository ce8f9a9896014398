import { cpuUsage } from 'node:process'
import type { BenchClient } from './clients'

export interface Round {
  requests: number
  seconds: number
  rps: number
  /** Latencies in ms, sorted. */
  latencies: Float64Array
  /** Process CPU time (user + system, all threads) per request, µs. */
  cpuMicros: number
  errors: number
  /** Status codes seen, by code. */
  statuses: Map<number, number>
}

/** Sends `requests` calls with `concurrency` in flight; records each call's latency. */
export async function round(client: BenchClient, requests: number, concurrency: number): Promise<Round> {
  const latencies = new Float64Array(requests)
  const statuses = new Map<number, number>()
  let next = 0
  let errors = 0
  let firstError: unknown
  const cpu0 = cpuUsage()
  const t0 = performance.now()
  const worker = async () => {
    for (let i = next++; i < requests; i = next++) {
      const start = performance.now()
      try {
        const status = await client.call()
        statuses.set(status, (statuses.get(status) ?? 0) + 1)
      } catch (err) {
        errors++
        firstError ??= err
      }
      latencies[i] = performance.now() - start
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const seconds = (performance.now() - t0) / 1000
  const cpu = cpuUsage(cpu0)
  latencies.sort()
  if (errors && process.env.BENCH_DEBUG) console.error(client.name, firstError)
  return {
    requests,
    seconds,
    rps: requests / seconds,
    latencies,
    cpuMicros: (cpu.user + cpu.system) / requests,
    errors,
    statuses,
  }
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}
