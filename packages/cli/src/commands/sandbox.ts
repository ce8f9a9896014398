import { parseArgs } from 'node:util'
import { envLines, type PlatformMode, type SandboxOptions, startSandbox } from '@wxpay/sandbox'
import { EXIT, type Io, UsageError } from '../io.js'

export const SANDBOX_HELP = `Usage: wxpay sandbox [--port N] [--backup-port N] [--host ADDR] [--keys-file PATH]
                     [--platform-mode publicKey|certificate|both] [--min-close-age SECONDS]

Starts the local WeChat Pay gateway of @wxpay/sandbox (as wxpay-sandbox does) and prints its URL
and a merchant's credentials as WECHATPAY_* env lines (dotenv and shell syntax). The port also
comes from $PORT; 0 (default) picks a free one. Stop with Ctrl-C.
  --keys-file PATH   keep the credentials in PATH (created mode 0600 on the first start, reused
                     later; it holds private keys: keep it out of version control)
  --platform-mode M  how the merchant verifies WeChat Pay: publicKey (default, WECHATPAY_CERTS),
                     certificate (/v3/certificates serves certificates: WECHATPAY_AUTO_CERTIFICATES,
                     or wxpay certificates download) or both (a migration)
These are sandbox credentials, made for printing: never a real merchant's.`

const MODES: readonly PlatformMode[] = ['publicKey', 'certificate', 'both']

function port(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`${name} must be a port number, got ${value}`)
  return n
}

/** `wxpay sandbox`: runs until SIGINT or SIGTERM. */
export async function sandbox(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
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
  if (values.help) {
    io.stdout(`${SANDBOX_HELP}\n`)
    return EXIT.OK
  }
  if (positionals.length > 0) throw new UsageError(`wxpay sandbox takes no argument (got ${positionals[0]})`)
  const options: SandboxOptions = {}
  const primary = port(values.port ?? io.env.PORT, '--port')
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

  const sb = await startSandbox(options)
  if (sb.keysFile?.warning) io.stderr(`wxpay sandbox: ${sb.keysFile.warning}\n`)
  const closed = new Promise<number>((done) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      io.stdout(`${signal}: closing the sandbox\n`)
      sb.close().then(
        () => done(EXIT.OK),
        (err: unknown) => {
          io.stderr(`wxpay sandbox: ${err instanceof Error ? err.message : String(err)}\n`)
          done(EXIT.API)
        },
      )
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  const platformMode = sb.platform.mode
  // printed last: whoever reads this may signal at once, and the handlers are in place
  io.stdout(
    [
      `wxpay sandbox listening on ${sb.url} (backup ${sb.backupUrl}, platform mode ${platformMode})`,
      sb.keysFile
        ? `# credentials ${sb.keysFile.created ? 'created in' : 'reused from'} ${sb.keysFile.path}`
        : '# new credentials (they change on every start; --keys-file keeps them)',
      '# paste into your environment:',
      // certificate mode: no WECHATPAY_CERTS, WECHATPAY_AUTO_CERTIFICATES=true (both mode: both lines)
      ...envLines(sb),
      '',
    ].join('\n'),
  )
  return closed
}
