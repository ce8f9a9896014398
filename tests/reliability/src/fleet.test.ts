// The report's checks on the fleet figures (the run itself is @wxpay/store's test, which CI runs
// there): each invariant the report states fails when its figure is wrong.
import { expect, test } from 'vitest'
import { type FleetRun, type FleetSummary, fleetFailures, fleetMarkdown, replaceSection } from './fleet'

const good = (engine: string): FleetSummary => ({
  engine,
  server: `${engine} server`,
  instances: 4,
  payments: 10,
  appliedOnce: 10,
  appliedTwiceOrMore: 0,
  lost: 0,
  deliveries: 14,
  concurrentCopies: 3,
  duplicatesSuppressed: 6,
  handlerFailures: 1,
  handlerFails: 'before its write',
  crashes: 1,
  replaced: 1,
  downloadsColdStart: 1,
  downloadsPerRotation: 1,
  downloadsDuringPayments: 0,
  seconds: 1.25,
})
const run = (changes: Partial<FleetSummary> = {}, code: number | null = 0): FleetRun => ({
  code,
  summaries: [good('Redis'), { ...good('PostgreSQL'), ...changes }],
  tail: '',
})

test('figures that hold: no failure, and one column per engine in the Markdown', () => {
  expect(fleetFailures(run(), 10)).toEqual([])
  const markdown = fleetMarkdown(run(), 10).join('\n')
  expect(markdown).toContain('| | Redis | PostgreSQL |')
  expect(markdown).toContain('| applied more than once (must be 0) | 0 | 0 |')
})

test.each([
  [{ appliedTwiceOrMore: 1, appliedOnce: 9 }, 'fleet PostgreSQL: 1 applied twice'],
  [{ lost: 1, appliedOnce: 9 }, 'fleet PostgreSQL: 1 lost'],
  [{ downloadsColdStart: 2 }, 'fleet PostgreSQL: certificate downloads'],
  [{ downloadsPerRotation: 0 }, 'fleet PostgreSQL: certificate downloads'],
  [{ downloadsDuringPayments: 1 }, 'fleet PostgreSQL: certificate downloads'],
] as Array<[Partial<FleetSummary>, string]>)('%o is a failure', (changes, failure) => {
  expect(fleetFailures(run(changes), 10)).toContain(failure)
})

test('a failed test run, or an engine without figures (skipped), is a failure', () => {
  expect(fleetFailures(run({}, 1), 10)).toContain('fleet: the test failed (exit 1)')
  const skipped: FleetRun = { code: 0, summaries: [good('Redis')], tail: '' }
  expect(fleetFailures(skipped, 10)).toEqual([
    "fleet: no figures from PostgreSQL (skipped? see the test's warning)",
  ])
})

test('the section is inserted before the summary once, then replaced in place', () => {
  const report = '# R\n\n## A\n\na\n\n## Summary\n\ns\n'
  const first = replaceSection(report, 'Fleet', ['## Fleet', '', 'one', ''])
  expect(first).toBe('# R\n\n## A\n\na\n\n## Fleet\n\none\n\n## Summary\n\ns\n')
  expect(replaceSection(first, 'Fleet', ['## Fleet', '', 'two'])).toBe(
    '# R\n\n## A\n\na\n\n## Fleet\n\ntwo\n\n## Summary\n\ns\n',
  )
  expect(replaceSection('# R\n', 'Fleet', ['## Fleet', '', 'x'])).toBe('# R\n\n## Fleet\n\nx\n\n')
})
