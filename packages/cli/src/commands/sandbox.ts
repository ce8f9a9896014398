import type { Io } from '../io'

/**
 * `wxpay sandbox`: @wxpay/sandbox's own command (the one behind `wxpay-sandbox`), under this name;
 * it runs until SIGINT or SIGTERM. Its exit codes match wxpay's: 0 done, 1 failed, 2 usage.
 * The sandbox (a Hono app and its dependencies) is loaded only here, when asked for: `wxpay call`
 * and `wxpay certificates` never load it.
 */
export async function sandbox(args: string[], io: Io): Promise<number> {
  const { runSandboxCli } = await import('@wxpay/sandbox')
  return runSandboxCli(args, { env: io.env, stdout: io.stdout, stderr: io.stderr, program: 'wxpay sandbox' })
}
