import { runSandboxCli } from '@wxpay/sandbox'
import type { Io } from '../io.js'

/**
 * `wxpay sandbox`: @wxpay/sandbox's own command (the one behind `wxpay-sandbox`), under this name;
 * it runs until SIGINT or SIGTERM. Its exit codes match wxpay's: 0 done, 1 failed, 2 usage.
 */
export function sandbox(args: string[], io: Io): Promise<number> {
  return runSandboxCli(args, { env: io.env, stdout: io.stdout, stderr: io.stderr, program: 'wxpay sandbox' })
}
