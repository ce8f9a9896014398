import { parseArgs } from 'node:util'
import { envLines } from './env-lines.js'
import { startSandbox } from './start.js'

const USAGE = `Usage: wxpay-sandbox [--port N] [--backup-port N] [--host ADDR] [--min-close-age SECONDS]
                     [--keys-file PATH] [--platform-mode publicKey|certificate|both]

Starts a local WeChat Pay gateway and prints its URL and merchant credentials as env lines.
The port also comes from $PORT; 0 (default) picks a free one. Stop with Ctrl-C.
New credentials are made on every start, unless --keys-file names a file to keep them in:
created (mode 0600) on the first start, reused on later ones, e.g. --keys-file .wxpay-sandbox.json
(it holds private keys: keep it out of version control). With a fixed --port as well, the env
lines stay the same from one start to the next.
--platform-mode certificate makes a certificate-mode merchant: /v3/certificates serves platform
certificates (made anew on every start) that sign replies; the client downloads them itself
(WECHATPAY_AUTO_CERTIFICATES=true). 'both' is a merchant migrating to the public key.`

function port(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error(`${name} must be a port number, got ${value}`)
  return n
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'backup-port': { type: 'string' },
      host: { type: 'string' },
      'min-close-age': { type: 'string' },
      'keys-file': { type: 'string' },
      'platform-mode': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  const options: Parameters<typeof startSandbox>[0] = {}
  const primary = port(values.port ?? process.env.PORT, '--port')
  if (primary !== undefined) options.port = primary
  const backup = port(values['backup-port'], '--backup-port')
  if (backup !== undefined) options.backupPort = backup
  if (values.host) options.host = values.host
  if (values['min-close-age'] !== undefined) options.minCloseAgeSeconds = Number(values['min-close-age'])
  if (values['keys-file'] !== undefined) {
    if (values['keys-file'] === '') throw new Error('--keys-file needs a path')
    options.keysFile = values['keys-file']
  }
  const mode = values['platform-mode']
  if (mode !== undefined) {
    if (mode !== 'publicKey' && mode !== 'certificate' && mode !== 'both')
      throw new Error('--platform-mode must be publicKey, certificate or both')
    options.platformMode = mode
  }
  const sb = await startSandbox(options)
  if (sb.keysFile?.warning) process.stderr.write(`wxpay-sandbox: ${sb.keysFile.warning}\n`)
  const stop = (signal: string) => {
    process.stdout.write(`${signal}: closing the sandbox\n`)
    sb.close().then(
      () => {
        process.exitCode = 0
      },
      (err: unknown) => {
        process.stderr.write(`${String(err)}\n`)
        process.exitCode = 1
      },
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  // printed last: whoever reads this may signal us at once, the handlers must be in place
  process.stdout.write(
    [
      `wxpay sandbox listening on ${sb.url} (backup ${sb.backupUrl})`,
      sb.keysFile
        ? `# credentials ${sb.keysFile.created ? 'created in' : 'reused from'} ${sb.keysFile.path}`
        : '# new credentials (they change on every start; --keys-file keeps them)',
      '# paste into your environment:',
      ...envLines(sb),
      '',
    ].join('\n'),
  )
}

main().catch((err: unknown) => {
  process.stderr.write(`wxpay-sandbox: ${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`)
  process.exitCode = 1
})
