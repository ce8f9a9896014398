// The demo cannot rot: run it as `pnpm demo` does and check its table and exit code.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

test('pnpm demo prints every row as expected and exits 0', async () => {
  const cwd = fileURLToPath(new URL('..', import.meta.url))
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
    (resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'src/demo.ts'],
        { cwd, timeout: 100_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      )
    },
  )
  expect(stderr).not.toContain('DEMO FAILED')
  expect(code).toBe(0)
  for (const integration of ['NestJS', 'Hono (Node)', 'Hono (workerd)', 'direct']) {
    expect(stdout).toMatch(
      new RegExp(
        `\\| ${integration.replace(/[()]/g, '\\$&')} +\\| v3 close order +\\| [^|]+\\| +204 \\| closed`,
      ),
    )
  }
  expect(stdout.match(/\| +502 \| error ORDER_PAID/g)).toHaveLength(3)
  expect(stdout.match(/\| +200 \| CLOSED/g)).toHaveLength(6)
  // a payment notifies each app: the probe refused, the notification recorded, its duplicate changes nothing
  for (const integration of ['NestJS', 'Hono (Node)', 'Hono (workerd)']) {
    const name = integration.replace(/[()]/g, '\\$&')
    for (const [event, status, result] of [
      ['TRANSACTION\\.SUCCESS \\(SIGNTEST probe\\)', 401, 'refused'],
      ['TRANSACTION\\.SUCCESS', 204, 'recorded'],
      ['TRANSACTION\\.SUCCESS \\(duplicate\\)', 204, 'no change'],
    ] as const) {
      expect(stdout).toMatch(
        new RegExp(`\\| ${name} +\\| ${event} +\\| [^|]+\\| +${status} \\| ${result} +\\|`),
      )
    }
  }
  expect(stdout).toContain(
    "every row as expected; sandbox state agrees, and so do the apps' records and its delivery log",
  )
})
