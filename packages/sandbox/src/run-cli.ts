import { parseArgs } from 'node:util'
import { envLines } from './env-lines.js'
import type { PlatformMode } from './platform.js'
import { type SandboxOptions, startSandbox } from './start.js'

/** Where {@link runSandboxCli} writes and what it reads: the process, or buffers in a host CLI's tests. */
export interface SandboxCliIo {
  /** `PORT` is read from here when `--port` is not given. */
  env: Readonly<Record<string, string | undefined>>
  stdout: (text: string) => void
  stderr: (text: string) => void
  /** How the command is called in its usage and messages (default `wxpay-sandbox`; `wxpay sandbox` in @wxpay/cli). */
  program?: string
}

/** Exit codes of {@link runSandboxCli}: 0 closed cleanly, 1 failed to start or close, 2 bad command line. */
export const SANDBOX_CLI_EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const

/** The usage text of the sandbox command, under the name it is called by. */
export function sandboxUsage(program = 'wxpay-sandbox'): string {
  return `Usage: ${program} [--port N] [--backup-port N] [--host ADDR] [--min-close-age SECONDS]
       ${' '.repeat(program.length)} [--keys-file PATH] [--platform-mode publicKey|certificate|both]

Starts a local WeChat Pay gateway (@wxpay/sandbox) and prints its URL and a merchant's credentials
as WECHATPAY_* env lines (dotenv and shell syntax). The port also comes from $PORT; 0 (default)
picks a free one. Stop with Ctrl-C.
  --keys-file PATH   keep the credentials in PATH (created mode 0600 on the first start, reused
                     later, e.g. .wxpay-sandbox.json; it holds private keys: keep it out of
                     version control). With a fixed --port as well, the env lines stay the same.
  --platform-mode M  how the merchant verifies WeChat Pay: publicKey (default, WECHATPAY_CERTS),
                     certificate (/v3/certificates serves certificates, made anew on every start:
                     WECHATPAY_AUTO_CERTIFICATES=true) or both (a merchant migrating to the key)
These are sandbox credentials, made for printing: never a real merchant's.`
}

const MODES: readonly PlatformMode[] = ['publicKey', 'certificate', 'both']

class UsageError extends Error {}

function port(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`${name} must be a port number, got ${value}`)
  return n
}

/** The command line → sandbox options; a bad flag throws {@link UsageError}. */
function options(args: string[], env: SandboxCliIo['env']): SandboxOptions | 'help' {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(args)
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err))
  }
  const { values, positionals } = parsed
  if (values.help) return 'help'
  if (positionals.length > 0) throw new UsageError(`takes no argument (got ${positionals[0]})`)
  const options: SandboxOptions = {}
  const primary = port(values.port ?? env.PORT, '--port')
  if (primary !== undefined) options.port = primary
  const backup = port(values['backup-port'], '--backup-port')
  if (backup !== undefined) options.backupPort = backup
  if (values.host) options.host = values.host
  if (values['keys-file'] !== undefined) {
    if (values['keys-file'] === '') throw new UsageError('--keys-file needs a path')
    options.keysFile = values['keys-file']
  }
  if (values['min-close-age'] !== undefined) {
    const seconds = Number(values['min-close-age'])
    if (!Number.isFinite(seconds) || seconds < 0)
      throw new UsageError('--min-close-age must be a number of seconds')
    options.minCloseAgeSeconds = seconds
  }
  const mode = values['platform-mode']
  if (mode !== undefined) {
    if (!MODES.includes(mode as PlatformMode))
      throw new UsageError(`--platform-mode must be one of ${MODES.join(', ')}`)
    options.platformMode = mode as PlatformMode
  }
  return options
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      port: { type: 'string', short: 'p' },
      'backup-port': { type: 'string' },
      host: { type: 'string' },
      'keys-file': { type: 'string' },
      'platform-mode': { type: 'string' },
      'min-close-age': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}

/**
 * The sandbox command (`wxpay-sandbox`, and `wxpay sandbox` of @wxpay/cli): starts a sandbox from
 * `args`, prints its URL and env lines, and resolves with the exit code once SIGINT or SIGTERM
 * closed it. A bad command line resolves with 2 at once (usage on stderr), nothing started.
 */
export async function runSandboxCli(args: string[], io: SandboxCliIo): Promise<number> {
  const program = io.program ?? 'wxpay-sandbox'
  const fail = (err: unknown) =>
    io.stderr(`${program}: ${err instanceof Error ? err.message : String(err)}\n`)
  let opts: SandboxOptions | 'help'
  try {
    opts = options(args, io.env)
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    fail(err)
    io.stderr(`${sandboxUsage(program)}\n`)
    return SANDBOX_CLI_EXIT.USAGE
  }
  if (opts === 'help') {
    io.stdout(`${sandboxUsage(program)}\n`)
    return SANDBOX_CLI_EXIT.OK
  }
  let sb: Awaited<ReturnType<typeof startSandbox>>
  try {
    sb = await startSandbox(opts)
  } catch (err) {
    fail(err)
    return SANDBOX_CLI_EXIT.FAILED
  }
  if (sb.keysFile?.warning) io.stderr(`${program}: ${sb.keysFile.warning}\n`)
  const closed = new Promise<number>((done) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      io.stdout(`${signal}: closing the sandbox\n`)
      sb.close().then(
        () => done(SANDBOX_CLI_EXIT.OK),
        (err: unknown) => {
          fail(err)
          done(SANDBOX_CLI_EXIT.FAILED)
        },
      )
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  // Printed last: whoever reads this may signal at once, and the handlers are in place.
  io.stdout(
    [
      `wxpay sandbox listening on ${sb.url} (backup ${sb.backupUrl}, platform mode ${sb.platform.mode})`,
      sb.keysFile
        ? `# credentials ${sb.keysFile.created ? 'created in' : 'reused from'} ${sb.keysFile.path}`
        : '# new credentials (they change on every start; --keys-file keeps them)',
      `# dashboard: ${sb.url} (open it in a browser: orders, a cashier to pay them, notifications)`,
      '# paste into your environment:',
      // certificate mode: no WECHATPAY_CERTS, WECHATPAY_AUTO_CERTIFICATES=true (both mode: both lines)
      ...envLines(sb),
      '',
    ].join('\n'),
  )
  return closed
}
