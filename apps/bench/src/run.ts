// pnpm bench: v3 and v2 close throughput of @wxpay/core against wechatpay-axios-plugin and against
// the limit (a plain client doing only the minimum correct work), in interleaved rounds.
// BENCH_SMOKE=1: tiny counts, and a check that every client got correct answers and refuses
// forged replies. Timings are printed, never asserted.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import {
  axiosPlugin,
  axiosPluginV2,
  type BenchClient,
  limitNodeCrypto,
  limitWebCrypto,
  wxpayCore,
  wxpayCoreV2,
} from './clients'
import { makeFixtures } from './fixtures'
import { median, percentile, type Round, round } from './measure'
import { benchNotifications, notificationSection } from './notifications'
import { measureOverhead } from './overhead'
import { loadRound1Core, ROUND_1_END } from './round1'
import { startReplyServer } from './server-process'

const SMOKE = process.env.BENCH_SMOKE === '1'
const CONCURRENCY = 16
const ROUNDS = SMOKE ? 1 : Number(process.env.BENCH_ROUNDS ?? 9)
const PER_ROUND = SMOKE ? 40 : Number(process.env.BENCH_REQUESTS ?? 3000)
const V2_ROUNDS = SMOKE ? 1 : 3
const MEMORY_REQUESTS = SMOKE ? 400 : 100_000

const gc = (globalThis as { gc?: () => void }).gc
const problems: string[] = []

interface Summary {
  name: string
  rounds: Round[]
}

function fmt(n: number, digits = 0): string {
  return Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a'
}

async function interleaved(clients: BenchClient[], rounds: number, expectStatus: number): Promise<Summary[]> {
  const out = clients.map((c) => ({ name: c.name, rounds: [] as Round[] }))
  for (const client of clients) await round(client, SMOKE ? 10 : 300, CONCURRENCY) // warm-up
  for (let r = 0; r < rounds; r++) {
    for (const [i, client] of clients.entries()) {
      const result = await round(client, PER_ROUND, CONCURRENCY)
      if (result.errors || result.statuses.get(expectStatus) !== PER_ROUND) {
        problems.push(
          `${client.name}: ${result.errors} errors, statuses ${JSON.stringify([...result.statuses])}`,
        )
      }
      out[i]!.rounds.push(result)
    }
  }
  return out
}

function table(summaries: Summary[], reference?: string, peer?: string): string[] {
  const rps = (s: Summary) => median(s.rounds.map((r) => r.rps))
  const ref = summaries.find((s) => s.name === reference)
  const peerSummary = summaries.find((s) => s.name === peer)
  const rows = [
    `| client | req/s (median) | min–max | p50 ms | p99 ms | CPU µs/req |${ref ? ' × limit |' : ''}${peerSummary ? ' × peer |' : ''}`,
    `|---|---:|---:|---:|---:|---:|${ref ? '---:|' : ''}${peerSummary ? '---:|' : ''}`,
  ]
  for (const s of summaries) {
    const all = Float64Array.from(s.rounds.flatMap((r) => [...r.latencies])).sort()
    const values = s.rounds.map((r) => r.rps)
    rows.push(
      `| ${s.name} | ${fmt(rps(s))} | ${fmt(Math.min(...values))}–${fmt(Math.max(...values))} | ${fmt(percentile(all, 50), 2)} | ${fmt(percentile(all, 99), 2)} | ${fmt(median(s.rounds.map((r) => r.cpuMicros)))} |` +
        (ref ? ` ${fmt(rps(s) / rps(ref), 2)} |` : '') +
        (peerSummary ? ` ${fmt(rps(s) / rps(peerSummary), 2)} |` : ''),
    )
  }
  return rows
}

async function verifiesForged(clients: BenchClient[]): Promise<void> {
  for (const client of clients) {
    const result = await round(client, 8, 4)
    if (result.errors !== 8) problems.push(`${client.name} accepted ${8 - result.errors} forged replies`)
  }
}

async function memory(client: BenchClient): Promise<{ heap: number; rss: number; seconds: number }> {
  await round(client, 2000 > MEMORY_REQUESTS ? 100 : 2000, CONCURRENCY)
  gc?.()
  const before = process.memoryUsage()
  const result = await round(client, MEMORY_REQUESTS, CONCURRENCY)
  if (result.errors) problems.push(`memory run: ${result.errors} errors`)
  gc?.()
  const after = process.memoryUsage()
  return { heap: after.heapUsed - before.heapUsed, rss: after.rss - before.rss, seconds: result.seconds }
}

/** The hand-written section of RESULTS.md (from this heading to the end), kept by every run. */
const PROFILE_HEADING = '## Where the time goes (profiles)'

function bundleSize(): string {
  const script = fileURLToPath(new URL('../../../packages/hono/scripts/bundle-size.mjs', import.meta.url))
  if (!existsSync(script)) return 'n/a (packages/hono/scripts/bundle-size.mjs not found)'
  try {
    return execFileSync(process.execPath, [script], {
      encoding: 'utf8',
      cwd: fileURLToPath(new URL('../../../packages/hono/', import.meta.url)),
    }).trim()
  } catch (err) {
    return `n/a (${(err as Error).message.split('\n')[0]})`
  }
}

async function main() {
  const started = Date.now()
  const fixtures = makeFixtures()
  const server = await startReplyServer(fixtures)
  const v3 = [
    wxpayCore(fixtures, server.url),
    axiosPlugin(fixtures, server.url),
    await limitWebCrypto(fixtures, server.url),
    limitNodeCrypto(fixtures, server.url),
  ]
  const v2 = (['MD5', 'HMAC-SHA256'] as const).flatMap((t) => [
    wxpayCoreV2(fixtures, server.url, t),
    axiosPluginV2(fixtures, server.url, t),
  ])
  try {
    console.log(`v3 close: ${ROUNDS} interleaved rounds × ${PER_ROUND} requests, concurrency ${CONCURRENCY}`)
    const v3Results = await interleaved(v3, ROUNDS, 204)
    const v3Table = table(v3Results, 'limit: undici + Web Crypto', 'wechatpay-axios-plugin')
    console.log(v3Table.join('\n'))

    console.log(`\nv2 close (XML build + sign + HTTP + parse + verify): ${V2_ROUNDS} rounds × ${PER_ROUND}`)
    const v2Results = await interleaved(v2, V2_ROUNDS, 200)
    const v2Table = table(v2Results)
    const v2Ratios = (['MD5', 'HMAC-SHA256'] as const).map((t) => {
      const ours = median(v2Results.find((s) => s.name === `@wxpay/core v2 ${t}`)!.rounds.map((r) => r.rps))
      const theirs = median(
        v2Results.find((s) => s.name === `wechatpay-axios-plugin v2 ${t}`)!.rounds.map((r) => r.rps),
      )
      return `${t}: ${fmt(ours / theirs, 2)}× the peer`
    })
    console.log(v2Table.join('\n'))
    console.log(v2Ratios.join(', '))

    const notify = await benchNotifications(fixtures, {
      rounds: ROUNDS,
      perRound: SMOKE ? 20 : Number(process.env.BENCH_PARSES ?? 5000),
      concurrency: CONCURRENCY,
      smoke: SMOKE,
    })
    problems.push(...notify.problems)
    console.log(
      `\nnotification parse (verify + decrypt, ${notify.bodyBytes} B body): ${notify.rounds} rounds × ${notify.perRound}`,
    )
    console.log(notify.table.join('\n'))

    // Round 1's core from git history, measured in the same rounds (not in smoke mode).
    const round1 = SMOKE ? { skipped: 'skipped in smoke mode' } : await loadRound1Core()
    const overhead = await measureOverhead(
      fixtures,
      SMOKE ? 50 : 4000,
      SMOKE ? 1 : ROUNDS,
      'Wechatpay' in round1 ? round1.Wechatpay : undefined,
    )
    const overheadLine = `SDK overhead per v3 call, RSA excluded: ${fmt(overhead.overheadMicros, 1)} µs (core ${fmt(overhead.coreMicros, 1)} µs vs bare sign+verify ${fmt(overhead.bareMicros, 1)} µs per call, in-memory transport, sequential); CPU time: ${fmt(overhead.overheadCpuMicros, 1)} µs (core ${fmt(overhead.coreCpuMicros, 1)} µs vs bare ${fmt(overhead.bareCpuMicros, 1)} µs); the bare client given the same whole-call timeout (AbortController + timer): ${fmt(overhead.bareTimedCpuMicros, 1)} µs CPU, so the timeout alone is ${fmt(overhead.bareTimedCpuMicros - overhead.bareCpuMicros, 1)} µs of the overhead and the rest ${fmt(overhead.coreCpuMicros - overhead.bareTimedCpuMicros, 1)} µs`
    const round1Line =
      overhead.round1CpuMicros === undefined
        ? `SDK overhead of round 1's core: ${'skipped' in round1 ? round1.skipped : 'not measured'}`
        : `SDK overhead of round 1's core (${ROUND_1_END.slice(0, 7)}, built from git history, the same call in the same rounds): ${fmt(overhead.round1CpuMicros - overhead.bareCpuMicros, 1)} µs CPU (core ${fmt(overhead.round1CpuMicros, 1)} µs), against today's ${fmt(overhead.overheadCpuMicros, 1)} µs`
    console.log(`\n${overheadLine}\n${round1Line}`)

    const mem = await memory(v3[0]!)
    const memLine = `memory over ${fmt(MEMORY_REQUESTS)} v3 closes (@wxpay/core, ${fmt(MEMORY_REQUESTS / mem.seconds)} req/s): heap ${mem.heap >= 0 ? '+' : ''}${fmt(mem.heap / 1048576, 2)} MB, RSS ${mem.rss >= 0 ? '+' : ''}${fmt(mem.rss / 1048576, 2)} MB${gc ? ' (after gc)' : ' (no --expose-gc)'}`
    console.log(memLine)

    const size = SMOKE ? 'skipped in smoke mode' : bundleSize()
    console.log(`edge bundle (@wxpay/hono Worker): ${size}`)

    if (SMOKE) {
      const forged = await startReplyServer(fixtures, 'forged')
      const forgedClients = [
        wxpayCore(fixtures, forged.url),
        axiosPlugin(fixtures, forged.url),
        await limitWebCrypto(fixtures, forged.url),
        limitNodeCrypto(fixtures, forged.url),
        wxpayCoreV2(fixtures, forged.url, 'MD5'),
        wxpayCoreV2(fixtures, forged.url, 'HMAC-SHA256'),
        axiosPluginV2(fixtures, forged.url, 'MD5'),
      ]
      await verifiesForged(forgedClients)
      await Promise.all(forgedClients.map((c) => c.close()))
      await forged.stop()
    }

    const seconds = (Date.now() - started) / 1000
    if (!SMOKE) {
      const cpu = cpus()[0]?.model ?? 'unknown CPU'
      const report = [
        '# Benchmark results',
        '',
        'Printed by `pnpm bench` (root; `apps/bench/src/run.ts`). Timings are from one run on the machine below;',
        'they are printed, never asserted.',
        '',
        `- Date: ${new Date().toISOString()}`,
        `- Machine: ${cpus().length} × ${cpu}, ${fmt(totalmem() / 1073741824, 0)} GiB; Node.js ${process.version}; ${process.platform}/${process.arch}`,
        `- Reply server: a child process answering pre-signed replies on loopback; concurrency ${CONCURRENCY}`,
        `- Run time: ${fmt(seconds, 0)} s`,
        '',
        `## v3 close order (${ROUNDS} interleaved rounds × ${PER_ROUND} requests)`,
        '',
        ...v3Table,
        '',
        `## v2 close order (${V2_ROUNDS} interleaved rounds × ${PER_ROUND} requests)`,
        '',
        ...v2Table,
        '',
        v2Ratios.join(', '),
        '',
        ...notificationSection(notify),
        '## Cost',
        '',
        `- ${overheadLine}`,
        `- ${round1Line}`,
        `- ${memLine}`,
        `- Edge bundle (@wxpay/hono Worker, esbuild): ${size}`,
        '',
      ]
      // The hand-written part (profile findings: where the time goes) survives a new run.
      const results = new URL('../RESULTS.md', import.meta.url)
      const previous = existsSync(results) ? readFileSync(results, 'utf8') : ''
      const kept = previous.indexOf(`\n${PROFILE_HEADING}`)
      if (kept >= 0) report.push(previous.slice(kept + 1).trimEnd(), '')
      writeFileSync(results, report.join('\n'))
      console.log('\nwritten to apps/bench/RESULTS.md')
    }
    console.log(`done in ${fmt(seconds, 0)} s`)
  } finally {
    await Promise.all([...v3, ...v2].map((c) => c.close()))
    await server.stop()
  }
  if (problems.length) {
    console.error(`\nWRONG ANSWERS:\n${problems.join('\n')}`)
    process.exitCode = 1
  } else {
    console.log('every client got correct answers')
  }
}

await main()
