// `pnpm --filter @wxpay/reliability reliability:fleet`: runs only the fleet section of the report
// (@wxpay/store's cross-process test on Redis and PostgreSQL, at full size) and replaces that
// section of RELIABILITY.md in place, with the date of this run. `pnpm reliability` runs it too.
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { FLEET_TITLE, fleetFailures, fleetMarkdown, replaceSection, runFleet } from './fleet'

const PAYMENTS = 1_000
const run = await runFleet(PAYMENTS)
const failures = fleetFailures(run, PAYMENTS)
const section = [
  `## ${FLEET_TITLE}`,
  '',
  `- run: ${new Date().toISOString()} on its own (\`pnpm --filter @wxpay/reliability reliability:fleet\`): the other sections may come from an earlier full run`,
  '',
  ...fleetMarkdown(run, PAYMENTS),
  ...failures.map((f) => `- FAILED: ${f}`),
  ...(failures.length > 0 ? [''] : []),
]
const file = fileURLToPath(new URL('../RELIABILITY.md', import.meta.url))
const updated = replaceSection(readFileSync(file, 'utf8'), FLEET_TITLE, section)
writeFileSync(file, updated)
process.stdout.write(`${section.join('\n')}\n`)
if (failures.length > 0) {
  process.stdout.write(`${run.tail}\n`)
  process.exitCode = 1
}
