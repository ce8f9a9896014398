import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Fixtures } from './fixtures'

export interface ReplyServer {
  url: string
  child: ChildProcess
  stop(): Promise<void>
}

/** Forks the reply server (through tsx) and waits for its port. */
export async function startReplyServer(
  fixtures: Fixtures,
  mode: 'valid' | 'forged' = 'valid',
): Promise<ReplyServer> {
  const script = fileURLToPath(new URL('./reply-server.ts', import.meta.url))
  const child = fork(script, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_FIXTURES: JSON.stringify(fixtures), BENCH_REPLY_MODE: mode },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`reply server exited with ${code}`)))
    let buffer = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString()
      const line = buffer.split('\n')[0]
      if (buffer.includes('\n') && line) resolve((JSON.parse(line) as { port: number }).port)
    })
  })
  return {
    url: `http://127.0.0.1:${port}/`,
    child,
    stop: () =>
      new Promise((resolve) => {
        child.removeAllListeners('exit')
        child.once('exit', () => resolve())
        child.kill()
      }),
  }
}
