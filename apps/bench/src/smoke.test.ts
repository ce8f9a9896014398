// CI's bench smoke: tiny counts; every client and notification parser must get correct answers
// (and refuse forged replies or notifications). Timings are printed by the run, never asserted here.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

test('pnpm bench (smoke): every client gets correct answers and refuses forged replies', async () => {
  const cwd = fileURLToPath(new URL('..', import.meta.url))
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', '--expose-gc', 'src/run.ts'],
        { cwd, env: { ...process.env, BENCH_SMOKE: '1' }, timeout: 110_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      )
    },
  )
  expect(stderr).not.toContain('WRONG ANSWERS')
  expect(code).toBe(0)
  expect(stdout).toContain('every client got correct answers')
  for (const name of [
    '@wxpay/core',
    'wechatpay-axios-plugin',
    'limit: undici + Web Crypto',
    'limit: undici + node:crypto (sync)',
    '@wxpay/core notifications.parse',
    'wechatpay-axios-plugin Rsa.verify + Aes.AesGcm.decrypt',
    'limit: node:crypto (sync)',
    'limit: Web Crypto (async)',
  ]) {
    expect(stdout).toMatch(new RegExp(`\\| ${name.replace(/[()+.]/g, '\\$&')} \\| [\\d,]+ \\|`))
  }
  expect(stdout).toMatch(/SDK overhead per v3 call, RSA excluded: -?[\d,.]+ µs/)
  expect(stdout).toMatch(
    /the same whole-call timeout \(AbortController \+ timer\): [\d,.]+ µs CPU, so the timeout alone is -?[\d,.]+ µs/,
  )
})
