import { VERSION as CORE_VERSION } from '@wxpay/core'
import { call } from './commands/call'
import { certificates } from './commands/certificates'
import { sandbox } from './commands/sandbox'
import { EXIT, type Io, processIo, Redactor, UsageError } from './io'
import { report } from './report'
import { VERSION } from './version'

/** The text of `wxpay --help`. */
export const HELP = `Usage: wxpay <command> [options]

Commands:
  certificates download   download the platform certificates (GET /v3/certificates), verified,
                          and write them as PEM files and a certs.json for the client
  call <path>             call any endpoint (v3/… JSON, v2/… XML), signed and verified; print the reply
  sandbox                 start the local WeChat Pay gateway and print its credentials

Options:
  -h, --help      this help; 'wxpay <command> --help' for a command's
  -V, --version   the versions of @wxpay/cli and @wxpay/core

Credentials come from flags or WECHATPAY_* variables (see 'wxpay call --help'). No secret (private
key, APIv3 key, APIv2 key) is ever printed.

Exit codes:
  0  done
  1  WeChat Pay answered with an error (code and message on stderr), or a reply failed verification
  2  usage or configuration error: nothing was sent
  3  no reply: connection refused, timeout, reset
  4  a local file could not be written`

/**
 * Runs `wxpay` with `argv` (without the node and script names) and resolves with the exit code.
 * Output goes to `io` (the process's streams by default); it never rejects.
 */
export async function run(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const redactor = new Redactor()
  const [command, ...rest] = argv
  let help = 'wxpay'
  try {
    switch (command) {
      case undefined:
        io.stderr(`${HELP}\n`)
        return EXIT.USAGE
      case '-h':
      case '--help':
      case 'help':
        io.stdout(`${HELP}\n`)
        return EXIT.OK
      case '-V':
      case '--version':
        io.stdout(`@wxpay/cli ${VERSION} (@wxpay/core ${CORE_VERSION}, Node.js ${process.versions.node})\n`)
        return EXIT.OK
      case 'certificates':
      case 'certs':
        help = 'wxpay certificates'
        return await certificates(rest, io, redactor)
      case 'call':
        help = 'wxpay call'
        return await call(rest, io, redactor)
      case 'sandbox':
        help = 'wxpay sandbox'
        return await sandbox(rest, io)
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`)
    }
  } catch (err) {
    return report(err, io, redactor, help)
  }
}
