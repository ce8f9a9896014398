// Spawns leak-child.ts against a sandbox in this process and measures how long the child takes
// to exit by itself once its calls are done.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Sandbox } from '@wxpay/sandbox'

export interface LeakResult {
  code: number | null
  signal: NodeJS.Signals | null
  /** Whether the parent had to kill the child at the deadline. */
  killed: boolean
  /** Milliseconds from the child's "done" line to its exit. */
  exitAfterDoneMs: number | undefined
  settled: number
  outcomes: Record<string, number>
  activeAtEnd: string
  stdout: string
  stderr: string
}

export function runLeakChild(sb: Sandbox, deadlineMs = 30_000): Promise<LeakResult> {
  const cwd = fileURLToPath(new URL('..', import.meta.url))
  const env = { url: sb.url, backupUrl: sb.backupUrl, merchant: sb.merchant, platform: sb.platform }
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/leak-child.ts'], {
      cwd,
      env: { ...process.env, WXPAY_SANDBOX: JSON.stringify(env) },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    let doneAt: number | undefined
    let killed = false
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk
      if (doneAt === undefined && stdout.includes('done after')) doneAt = performance.now()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk
    })
    const deadline = setTimeout(() => {
      killed = true
      child.kill('SIGKILL')
    }, deadlineMs)
    child.on('exit', (code, signal) => {
      clearTimeout(deadline)
      const exitAfterDoneMs = doneAt === undefined ? undefined : performance.now() - doneAt
      resolve({
        code,
        signal,
        killed,
        exitAfterDoneMs,
        settled: Number(/calls settled: (\d+)/.exec(stdout)?.[1] ?? -1),
        outcomes: JSON.parse(/outcomes: (.*)/.exec(stdout)?.[1] ?? '{}') as Record<string, number>,
        activeAtEnd: /active resources: (.*)/.exec(stdout)?.[1] ?? '',
        stdout,
        stderr,
      })
    })
  })
}
