// `pnpm reliability`: runs every section of the suite at full size, prints a readable report and
// writes the same Markdown to tests/reliability/RELIABILITY.md. Exits non-zero if any invariant fails.
import { writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import { startSandbox } from '@wxpay/sandbox'
import { startGateway, testCredentials } from '@wxpay/sandbox/testing'
import { badInputCases, runBadInput } from './bad-input'
import { clientOptions, makeClient, TRANSPORTS } from './clients'
import { runDeliveries } from './deliveries'
import { faultScenarios, runFault, TIMEOUT_MS } from './faults'
import { FLEET_TITLE, fleetFailures, fleetMarkdown, runFleet } from './fleet'
import { runForgeryMatrix, tally } from './forgery-run'
import { watchUnhandled } from './guard'
import { hostileCases, MIB, runHostile } from './hostile-xml'
import { runLeakChild } from './leak'
import { LOAD_FAULTS, type LoadResult, runLoad } from './load'
import { HEADER_FORMS, runNotificationMatrix, tallyNotifications } from './notification-forgery'
import { describe } from './outcome'
import { type PropertyRun, uriExpansion, v2SignOrder, xmlRoundTrip } from './properties'
import { runRotation } from './rotation'
import { runSecretsScan } from './secrets'

const unhandled = watchUnhandled()
const out: string[] = []
const failures: string[] = []
const line = (text = '') => out.push(text)
const table = (head: string[], rows: Array<Array<string | number>>) => {
  line(`| ${head.join(' | ')} |`)
  line(`|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`)
  for (const row of rows)
    line(`| ${row.map((c) => (typeof c === 'number' ? c.toLocaleString('en-US') : c)).join(' | ')} |`)
  line()
}
const check = (ok: boolean, what: string) => {
  if (!ok) failures.push(what)
}
const mib = (bytes: number) => `${(bytes / MIB).toFixed(2)} MiB`
const ms = (value: number) => `${Math.round(value)} ms`
const section = (title: string) => {
  line(`## ${title}`)
  line()
  process.stdout.write(`… ${title}\n`)
}

const started = performance.now()
const cpu = cpus()
line('# Reliability report')
line()
line(`- date: ${new Date().toISOString()}`)
line(`- machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${mib(totalmem())} RAM`)
line(`- Node ${process.version}, ${process.platform}/${process.arch}`)
line('- command: `pnpm reliability` (tests/reliability: `tsx --expose-gc src/report.ts`)')
line('- what: tests/reliability/src/*; the same code runs in `pnpm test` at smaller counts')
line()

section('Forgery matrix')
const forgery = await runForgeryMatrix()
const t = tally(forgery)
line(
  'Every case is a reply built by a loopback server that signs with node:crypto, then tampered with; each goes end to end through the client on both transports (undici and fetch).',
)
line()
table(
  [
    'cases',
    'accepted as expected',
    'refused as expected',
    'wrongly accepted (must be 0)',
    'wrong outcome',
    'crashed',
  ],
  [[t.cases, t.acceptedAsExpected, t.refusedAsExpected, t.wronglyAccepted, t.wronglyRefused, t.crashed]],
)
table(
  ['group', 'cases', 'as expected'],
  [...t.byGroup].map(([group, g]) => [group, g.cases, g.asExpected]),
)
check(t.wronglyAccepted === 0 && t.wronglyRefused === 0 && t.crashed === 0, 'forgery matrix')

section('Hostile XML (APIv2 replies)')
{
  const c = testCredentials()
  const forger = await startGateway()
  const rows: Array<Array<string | number>> = []
  for (const transport of TRANSPORTS) {
    const client = makeClient(transport, clientOptions(c, forger.url))
    for (const kase of hostileCases()) {
      const r = await runHostile(forger, client, c, kase)
      const ok = JSON.stringify(r.outcome) === JSON.stringify(kase.expected)
      check(ok, `hostile XML: ${kase.name} (${transport})`)
      rows.push([
        kase.name,
        transport,
        describe(r.outcome),
        ok ? 'yes' : 'NO',
        ms(r.ms),
        mib(r.memoryDelta),
        r.streamed ? mib(r.streamed) : '',
      ])
    }
  }
  await forger.close()
  line(
    'Time is the whole call; memory is the growth of heapUsed + arrayBuffers across it, after gc. "Sent" is what the server got into its socket before the client hung up (1 MiB cap plus socket buffers; the 10 MiB are never read).',
  )
  line()
  table(['reply', 'transport', 'outcome', 'as expected', 'time', 'memory Δ', 'sent by server'], rows)
}

section('Bad input (against the sandbox)')
{
  const sb = await startSandbox()
  const groups = new Map<string, { cases: number; ok: number; requests: number }>()
  for (const kase of badInputCases()) {
    const r = await runBadInput(sb, kase)
    const g = groups.get(kase.group) ?? { cases: 0, ok: 0, requests: 0 }
    g.cases++
    if (r.ok) g.ok++
    g.requests += r.requests
    groups.set(kase.group, g)
    check(r.ok, `bad input: ${kase.name} (${r.detail})`)
  }
  await sb.close()
  line(
    'Each case must throw a `WechatpayValidationError` naming the option at fault, before any I/O: the sandbox request log must stay empty.',
  )
  line()
  table(
    ['group', 'cases', 'typed error naming the option', 'requests the sandbox saw'],
    [...groups].map(([k, g]) => [k, g.cases, g.ok, g.requests]),
  )
}

section('Faults (sandbox fault injection)')
{
  const sb = await startSandbox()
  const rows: Array<Array<string | number>> = []
  for (const transport of TRANSPORTS) {
    for (const s of faultScenarios()) {
      const r = await runFault(sb, transport, s)
      check(r.ok, `fault: ${s.name} (${transport}): ${r.detail}`)
      const overshoot = s.timeout
        ? ` (overshoot ${ms(r.ms - s.timeout)})`
        : r.sinceAbortMs !== undefined
          ? ` (after abort ${ms(r.sinceAbortMs)})`
          : ''
      rows.push([
        s.name,
        transport,
        describe(r.outcome),
        r.listeners.join(' → '),
        String(r.after),
        r.ok ? 'yes' : 'NO',
        `${ms(r.ms)}${overshoot}`,
      ])
    }
  }
  line(
    `Timeout: the client's \`timeout\` is ${TIMEOUT_MS} ms; the overshoot is the time past it until the typed error (the issue's bound: 100 ms). "Requests" are the sandbox's own log, in order.`,
  )
  line()
  table(['fault', 'transport', 'outcome', 'requests', 'order after', 'as expected', 'time'], rows)
  const leak = await runLeakChild(sb)
  await sb.close()
  const leakOk =
    leak.code === 0 && !leak.killed && (leak.exitAfterDoneMs ?? Infinity) < 3_000 && leak.stderr === ''
  check(leakOk, `leak child: code ${leak.code}, after done ${leak.exitAfterDoneMs} ms, ${leak.stderr}`)
  line(
    'No leaked socket or timer: a child process makes a batch of calls under every fault on both transports (default 10 s timeout, so a forgotten timer would hold it), then simply ends, without `process.exit`.',
  )
  line()
  table(
    [
      'calls settled',
      'outcomes',
      'exit code',
      'exited after its last call',
      "still active at the end (unref'd)",
    ],
    [
      [
        leak.settled,
        Object.entries(leak.outcomes)
          .map(([k, v]) => `${k}: ${v}`)
          .join('; '),
        String(leak.code),
        leak.exitAfterDoneMs === undefined ? 'never' : ms(leak.exitAfterDoneMs),
        leak.activeAtEnd,
      ],
    ],
  )
}

section('Load with faults')
{
  const sb = await startSandbox({ seed: 2026 })
  await runLoad(sb, {
    calls: 1_000,
    concurrency: 64,
    faultRate: 0,
    seed: 1,
    timeoutMs: 2_000,
    transport: 'undici',
  })
  const runs: LoadResult[] = []
  for (const transport of ['fetch+oracle', 'undici'] as const) {
    runs.push(
      await runLoad(sb, {
        calls: 20_000,
        concurrency: 64,
        faultRate: 0.05,
        seed: 2026,
        timeoutMs: 2_000,
        transport,
      }),
    )
  }
  await sb.close()
  line(
    '20,000 v3 closes of seeded orders at concurrency 64; the sandbox fires each of resetConnection, status 503, badSignature and latencyMs (3 s against a 2 s client timeout) with probability 1.25 % (seeded), on both listeners; the client fails over to the backup. In the `fetch+oracle` run, every reply is also verified independently with node:crypto, so each forged reply is traced to its call. A 1,000-call warm-up without faults runs first.',
  )
  line()
  const keys = [...new Set(runs.flatMap((r) => [...r.outcomes.keys()]))].sort()
  table(
    ['outcome', ...runs.map((r) => r.options.transport)],
    keys.map((k) => [k === '204' ? '204 closed' : k, ...runs.map((r) => r.outcomes.get(k) ?? 0)]),
  )
  table(
    ['', ...runs.map((r) => r.options.transport)],
    [
      ['calls settled', ...runs.map((r) => r.settled)],
      ...LOAD_FAULTS.map((k) => [`faults fired: ${k}`, ...runs.map((r) => r.fired[k])]),
      [
        'forged replies received (oracle)',
        ...runs.map((r) => (r.options.transport === 'undici' ? 'n/a' : r.forgedSeen)),
      ],
      [
        'forged replies accepted (must be 0)',
        ...runs.map((r) => (r.options.transport === 'undici' ? 'n/a' : r.forgedAccepted)),
      ],
      [
        'forged replies refused as WechatpaySignatureError',
        ...runs.map((r) => (r.options.transport === 'undici' ? 'n/a' : r.forgedRefused)),
      ],
      [
        'genuine replies refused (must be 0)',
        ...runs.map((r) => (r.options.transport === 'undici' ? 'n/a' : r.genuineRefused)),
      ],
      ['orders the sandbox closed', ...runs.map((r) => r.sandboxClosed)],
      [
        'heap before → after (gc)',
        ...runs.map(
          (r) => `${mib(r.heapBefore)} → ${mib(r.heapAfter)} (Δ ${mib(r.heapAfter - r.heapBefore)})`,
        ),
      ],
      [
        'wall time',
        ...runs.map(
          (r) => `${(r.ms / 1000).toFixed(1)} s (${Math.round(r.options.calls / (r.ms / 1000))} calls/s)`,
        ),
      ],
    ],
  )
  for (const r of runs) {
    const untyped = [...r.outcomes.keys()].filter((k) => k.startsWith('UNTYPED'))
    const sigErrors = r.outcomes.get('WechatpaySignatureError SIGNATURE_INVALID') ?? 0
    check(r.settled === r.options.calls && untyped.length === 0, `load ${r.options.transport}: settled/typed`)
    check(
      r.forgedAccepted === 0 && r.genuineRefused === 0 && sigErrors <= r.fired.badSignature,
      `load ${r.options.transport}: forged`,
    )
    check(
      r.heapAfter - r.heapBefore < 32 * MIB,
      `load ${r.options.transport}: heap grew ${mib(r.heapAfter - r.heapBefore)}`,
    )
  }
}

section('Certificate rotation')
{
  const sb = await startSandbox({ platformMode: 'certificate' })
  try {
    const r = await runRotation(sb, { calls: 20_000, concurrency: 32 })
    line(
      'A certificate-mode merchant (no platform key configured, `autoCertificates: true`) closes one order 20,000 times, 32 at a time; the sandbox rotates to a new certificate after a third of the calls (it signs with the new one at once) and stops serving the old one after two thirds. Every reply is genuine: any refusal is a false rejection.',
    )
    line()
    table(
      ['calls', 'accepted', 'refused (must be 0)', 'certificate downloads', 'signing serials seen', 'time'],
      [
        [
          r.options.calls,
          r.ok,
          [...r.refused.values()].reduce((a, b) => a + b, 0),
          r.downloads,
          r.serials.length,
          `${(r.ms / 1000).toFixed(1)} s`,
        ],
      ],
    )
    check(r.ok === r.options.calls && r.refused.size === 0, 'rotation: false rejections')
    check(r.serials.length === 2 && r.downloads <= 3, 'rotation: downloads')
  } finally {
    await sb.close()
  }
}

section('Notification forgery matrix')
{
  const results = await runNotificationMatrix(testCredentials())
  const n = tallyNotifications(results)
  line(
    'Every case is an APIv3 notification built with node:crypto (the signers of @wxpay/sandbox/testing), genuine or tampered, parsed by `wxpay.notifications.parse` with its headers as a plain object, as a `Headers`, and as the IncomingHttpHeaders of a real node:http request (raw header lines over a socket, so a header can come twice; the receiver answers with `acknowledge`). Accepted cases must also decrypt to the transaction that was encrypted.',
  )
  line()
  table(
    [
      'cases',
      'genuine, accepted',
      'forged, refused',
      'forged, accepted (must be 0)',
      'wrong outcome',
      'crashed',
    ],
    [[n.cases, n.acceptedAsExpected, n.refusedAsExpected, n.wronglyAccepted, n.wronglyRefused, n.crashed]],
  )
  table(
    ['headers as', 'cases', 'accepted', 'refused', 'forged, accepted (must be 0)'],
    HEADER_FORMS.map((form) => {
      const f = n.byForm.get(form)
      return [form, f?.cases ?? 0, f?.accepted ?? 0, f?.refused ?? 0, f?.wronglyAccepted ?? 0]
    }),
  )
  table(
    ['group', 'runs (cases × 3 forms)', 'as expected', 'cases'],
    [...n.byGroup].map(([group, g]) => [
      group,
      g.cases,
      g.asExpected,
      [...new Set(results.filter((r) => r.kase.group === group).map((r) => r.kase.name))].join('; '),
    ]),
  )
  check(n.wronglyAccepted === 0 && n.wronglyRefused === 0 && n.crashed === 0, 'notification forgery matrix')
}

section('Notification deliveries under faults')
{
  const r = await runDeliveries({
    payments: 1_000,
    crashRate: 0.15,
    timeoutRate: 0.05,
    probeRate: 0.1,
    duplicateRate: 0.1,
    seed: 2026,
    concurrency: 16,
    timeScale: 0.001,
    deadlineMs: 2_000,
  })
  const o = r.options
  line(
    `The sandbox pays ${o.payments.toLocaleString('en-US')} orders, ${o.concurrency} at a time, and delivers each TRANSACTION.SUCCESS to a loopback node:http receiver (\`notifications.parse\`, then an idempotent store keyed by the notification id) on WeChat Pay's retry schedule scaled by ${o.timeScale} (15 s → 15 ms; answer deadline ${o.deadlineMs} ms). Seeded per delivery (seed ${o.seed}): the handler throws (→ 500) in ${o.crashRate * 100} % of runs, half before and half after its store write, and answers after the deadline in ${o.timeoutRate * 100} %; the sandbox sends a SIGNTEST probe before ${o.probeRate * 100} % of notifications and repeats ${o.duplicateRate * 100} % once acknowledged.`,
  )
  line()
  table(
    ['', 'count'],
    [
      ['orders paid (notifications)', `${r.paid} (${r.notifications})`],
      ['acknowledged in the end (must be all)', r.acknowledged],
      [
        'applied by the receiver / with the sandbox’s transaction_id and amount',
        `${r.processed} / ${r.processedMatching}`,
      ],
      ['applied twice (must be 0)', r.processedTwice],
      [
        'deliveries sent (first attempts + retries)',
        `${r.attempts.deliveries} (${r.paid} + ${r.attempts.retries})`,
      ],
      ['most attempts one notification needed', r.maxAttempt],
      [
        'handler runs: crashed before the store / after it / timed out / fine',
        `${r.faults['crash-before-store']} / ${r.faults['crash-after-store']} / ${r.faults.timeout} / ${r.faults.none}`,
      ],
      ['redeliveries absorbed by the idempotent store', r.absorbed],
      ['duplicates sent (notifyDuplicate)', r.attempts.duplicates],
      ['SIGNTEST probes sent / refused by parse', `${r.attempts.probes} / ${r.refusedProbes}`],
      ['probes processed or acknowledged (must be 0)', r.forgedProcessed + r.probesAcknowledged],
      ['wall time', `${(r.ms / 1000).toFixed(1)} s`],
    ],
  )
  check(
    r.paid === o.payments && r.notifications === o.payments && r.acknowledged === o.payments,
    `deliveries: ${r.acknowledged} of ${o.payments} acknowledged`,
  )
  check(r.processed === o.payments && r.processedMatching === o.payments, 'deliveries: applied')
  check(r.processedTwice === 0, `deliveries: ${r.processedTwice} applied twice`)
  check(
    r.forgedProcessed === 0 && r.probesAcknowledged === 0 && r.refused === r.refusedProbes,
    'deliveries: probes',
  )
}

section('Secrets scan')
{
  const sb = await startSandbox()
  const forger = await startGateway()
  const r = await runSecretsScan(sb, forger)
  await Promise.all([sb.close(), forger.close()])
  check(r.hits.length === 0, `secrets: ${r.hits.join('; ')}`)
  line(
    "Needles: every 40-character slice of the merchant private key's base64 body, the whole PEM, the APIv2 key and an APIv3 key (passed as an unknown option: the core has no APIv3-key option). Haystacks: every error, response, client and node the run created, each as message, stack, String, util.inspect (showHidden, depth 10, and showProxy), util.format and JSON.stringify; every console line and warning during the run.",
  )
  line()
  table(
    [
      'failure scenarios',
      'errors by class',
      'objects',
      'renderings scanned',
      'needles',
      'console lines',
      'hits (must be 0)',
    ],
    [
      [
        r.scenarios,
        [...r.errors].map(([k, v]) => `${k}: ${v}`).join('; '),
        r.objects,
        r.renderings,
        r.needles,
        r.consoleLines,
        r.hits.length,
      ],
    ],
  )
}

section('Properties (fast-check)')
{
  const c = testCredentials()
  const forger = await startGateway()
  const runs: Array<PropertyRun & { transport: string }> = [{ ...xmlRoundTrip(20261, 1000), transport: '—' }]
  for (const transport of TRANSPORTS) {
    const client = makeClient(transport, clientOptions(c, forger.url))
    runs.push({ ...(await v2SignOrder(forger, client, c, 20262, 500)), transport })
    runs.push({ ...(await uriExpansion(forger, client, 20263, 1000)), transport })
  }
  await forger.close()
  table(
    ['property', 'transport', 'runs (all passed)', 'seed', 'refused before I/O'],
    runs.map((r) => [r.name, r.transport, r.runs, String(r.seed), r.refusedBeforeIo ?? '']),
  )
}

section(FLEET_TITLE)
{
  const payments = 1_000
  const run = await runFleet(payments)
  for (const text of fleetMarkdown(run, payments)) line(text)
  const fleetFailed = fleetFailures(run, payments)
  for (const failure of fleetFailed) check(false, failure)
  if (fleetFailed.length > 0) process.stdout.write(`${run.tail}\n`)
}

section('Summary')
table(
  ['unhandled rejections (must be 0)', 'invariants failed', 'report time'],
  [[unhandled.count(), failures.length, `${((performance.now() - started) / 1000).toFixed(1)} s`]],
)
check(unhandled.count() === 0, 'unhandled rejections')
for (const f of failures) line(`- FAILED: ${f}`)

const markdown = `${out.join('\n').trimEnd()}\n`
process.stdout.write(`\n${markdown}`)
writeFileSync(fileURLToPath(new URL('../RELIABILITY.md', import.meta.url)), markdown)
if (failures.length > 0) process.exitCode = 1
