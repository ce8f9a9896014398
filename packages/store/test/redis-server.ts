// Starts a real redis-server (Debian's package) on a free loopback port for one test file, and
// stops it. Locally a missing binary skips the Redis tests LOUDLY; under CI (CI=true) it fails.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { createServer, Socket } from 'node:net'

export interface RedisServer {
  port: number
  url: string
  stop(): Promise<void>
}

function hasRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Whether the Redis tests run here; prints why not (and throws under CI). */
export function redisAvailable(): boolean {
  if (hasRedisServer()) return true
  const why =
    'redis-server is not installed: the Redis store tests are SKIPPED (apt-get install -y redis-server; .ci/run installs it)'
  if (process.env.CI) throw new Error(`${why}. Under CI this is a failure.`)
  console.warn(`\n*** ${why} ***\n`)
  return false
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket()
    socket.setTimeout(1000)
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => {
      socket.destroy()
      resolve(false)
    })
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'))
    socket.once('data', (data) => {
      socket.destroy()
      resolve(data.toString().startsWith('+PONG'))
    })
  })
}

export async function startRedis(): Promise<RedisServer> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort()
    const child: ChildProcess = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    )
    let exited = false
    child.once('exit', () => {
      exited = true
    })
    const end = Date.now() + 20_000
    while (!exited && Date.now() < end && !(await ping(port))) await new Promise((r) => setTimeout(r, 50))
    if (!exited && (await ping(port)))
      return {
        port,
        url: `redis://127.0.0.1:${port}`,
        stop: () =>
          new Promise<void>((resolve) => {
            if (exited) return resolve()
            child.once('exit', () => resolve())
            child.kill('SIGTERM')
          }),
      }
    child.kill('SIGKILL')
    // The port was taken between the probe and the start: try another.
    if (attempt >= 3) throw new Error('redis-server did not start')
  }
}
