import { parseArgs } from 'node:util'
import { envLines } from './env-lines'
import type { FaultSpec } from './faults'
import type { PlatformMode } from './platform'
import { type SandboxOptions, startSandbox } from './start'

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
  const pad = ' '.repeat(program.length)
  return `Usage: ${program} [--port N] [--backup-port N] [--host ADDR] [--min-close-age SECONDS]
       ${pad} [--keys-file PATH] [--platform-mode publicKey|certificate|both]
       ${pad} [--platform-sign-with publicKey|certificate] [--notify-time-scale X]
       ${pad} [--notify-timeout-ms MS] [--auto-refund true|false] [--mtls] [--seed N]
       ${pad} [--faults JSON]

Starts a local WeChat Pay gateway (@wxpay/sandbox) and prints its URL and a merchant's credentials
as WECHATPAY_* env lines (dotenv and shell syntax). The port also comes from $PORT; 0 (default)
picks a free one. Stop with Ctrl-C. Every option of startSandbox() has its flag:
  --keys-file PATH   keep the credentials in PATH (created mode 0600 on the first start, reused
                     later, e.g. .wxpay-sandbox.json; it holds private keys: keep it out of
                     version control). With a fixed --port as well, the env lines stay the same.
  --platform-mode M  how the merchant verifies WeChat Pay: publicKey (default, WECHATPAY_CERTS),
                     certificate (/v3/certificates serves certificates, made anew on every start:
                     WECHATPAY_AUTO_CERTIFICATES=true) or both (a merchant migrating to the key)
  --platform-sign-with S   in both mode, which key signs: certificate (default) or publicKey
  --notify-time-scale X    multiplies the notification retry schedule (15 s … 6 h): 0.001 turns
                     the 24 h schedule into 87 s. Default 1 (real time)
  --notify-timeout-ms MS   how long a notify_url has to answer (default 5000 × the scale)
  --auto-refund B    true (default): refunds succeed right after PROCESSING; false: they wait
                     for POST /sandbox/refunds/{out_refund_no}/succeed (or abnormal, close)
  --mtls             also serve the APIv2 certificate endpoints over mutual TLS (needs openssl)
  --seed N           seed of the fault probabilities (default 1)
  --faults JSON      faults from the start, as POST /sandbox/faults takes them, e.g.
                     '{"status":{"value":503,"count":1}}'
These are sandbox credentials, made for printing: never a real merchant's.`
}

/**
 * Every option of `startSandbox()` and the flag that sets it (`merchant` and `platform`, the
 * credentials, come from `--keys-file`). A new option without a flag fails to compile here.
 */
export const SANDBOX_FLAGS = {
  port: '--port',
  backupPort: '--backup-port',
  host: '--host',
  merchant: '--keys-file',
  platform: '--keys-file',
  minCloseAgeSeconds: '--min-close-age',
  seed: '--seed',
  keysFile: '--keys-file',
  notifyTimeScale: '--notify-time-scale',
  notifyTimeoutMs: '--notify-timeout-ms',
  autoRefund: '--auto-refund',
  platformMode: '--platform-mode',
  platformSignWith: '--platform-sign-with',
  mtls: '--mtls',
} as const satisfies Record<keyof SandboxOptions, string>

const MODES: readonly PlatformMode[] = ['publicKey', 'certificate', 'both']

class UsageError extends Error {}

/** A PEM on one line, its newlines written `\n` (as WECHATPAY_PRIVATE_KEY is). */
const oneLine = (pem: string) => pem.replaceAll('\r', '').replaceAll('\n', '\\n')

function port(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`${name} must be a port number, got ${value}`)
  return n
}

/** The command line → sandbox options; a bad flag throws {@link UsageError}. */
function options(
  args: string[],
  env: SandboxCliIo['env'],
): (SandboxOptions & { faults?: FaultSpec }) | 'help' {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(args)
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err))
  }
  const { values, positionals } = parsed
  if (values.help) return 'help'
  if (positionals.length > 0) throw new UsageError(`takes no argument (got ${positionals[0]})`)
  const options: SandboxOptions & { faults?: FaultSpec } = {}
  if (values.faults !== undefined) {
    let spec: unknown
    try {
      spec = JSON.parse(values.faults)
    } catch {
      throw new UsageError('--faults must be JSON, e.g. \'{"status":{"value":503,"count":1}}\'')
    }
    if (!spec || typeof spec !== 'object' || Array.isArray(spec))
      throw new UsageError('--faults must be a JSON object')
    options.faults = spec as FaultSpec
  }
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
  const number = (flag: string, value: string | undefined, ok: (n: number) => boolean, what: string) => {
    if (value === undefined) return undefined
    const n = Number(value)
    if (value === '' || !Number.isFinite(n) || !ok(n))
      throw new UsageError(`--${flag} must be ${what}, got ${value}`)
    return n
  }
  const scale = number('notify-time-scale', values['notify-time-scale'], (n) => n >= 0, 'a number ≥ 0')
  if (scale !== undefined) options.notifyTimeScale = scale
  const deadline = number(
    'notify-timeout-ms',
    values['notify-timeout-ms'],
    (n) => n > 0,
    'a number of milliseconds > 0',
  )
  if (deadline !== undefined) options.notifyTimeoutMs = deadline
  const seed = number('seed', values.seed, Number.isInteger, 'an integer')
  if (seed !== undefined) options.seed = seed
  const autoRefund = values['auto-refund']
  if (autoRefund !== undefined) {
    if (autoRefund !== 'true' && autoRefund !== 'false')
      throw new UsageError(`--auto-refund must be true or false, got ${autoRefund}`)
    options.autoRefund = autoRefund === 'true'
  }
  if (values.mtls) options.mtls = true
  const signWith = values['platform-sign-with']
  if (signWith !== undefined) {
    if (signWith !== 'publicKey' && signWith !== 'certificate')
      throw new UsageError('--platform-sign-with must be publicKey or certificate')
    options.platformSignWith = signWith
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
      'platform-sign-with': { type: 'string' },
      'notify-time-scale': { type: 'string' },
      'notify-timeout-ms': { type: 'string' },
      'auto-refund': { type: 'string' },
      mtls: { type: 'boolean' },
      seed: { type: 'string' },
      faults: { type: 'string' },
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
  let opts: (SandboxOptions & { faults?: FaultSpec }) | 'help'
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
  const { faults, ...startOptions } = opts
  let sb: Awaited<ReturnType<typeof startSandbox>>
  try {
    sb = await startSandbox(startOptions)
  } catch (err) {
    fail(err)
    return SANDBOX_CLI_EXIT.FAILED
  }
  if (faults) {
    try {
      await sb.faults.set(faults)
    } catch (err) {
      fail(new Error(`--faults: ${err instanceof Error ? err.message : String(err)}`))
      await sb.close()
      return SANDBOX_CLI_EXIT.USAGE
    }
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
      ...(sb.mtls
        ? [
            '# mutual TLS (APIv2 certificate endpoints): baseUrl, the CA to trust, clientCert { cert, key }',
            `WECHATPAY_MTLS_URL=${sb.mtls.url}`,
            `WECHATPAY_MTLS_CA="${oneLine(sb.mtls.ca)}"`,
            `WECHATPAY_CLIENT_CERT="${oneLine(sb.mtls.clientCert.cert)}"`,
            `WECHATPAY_CLIENT_KEY="${oneLine(sb.mtls.clientCert.key)}"`,
          ]
        : []),
      '',
    ].join('\n'),
  )
  return closed
}
