// The `wxpay-sandbox` bin: the process's argv, env and streams around runSandboxCli.
import { runSandboxCli } from './run-cli'

runSandboxCli(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code
  },
  (err: unknown) => {
    process.stderr.write(`wxpay-sandbox: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exitCode = 1
  },
)
