// Spawns the built bin (`node dist/cli.js`; turbo builds before it tests) and scans everything it
// prints for the secrets it was given.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { SandboxClientOptions } from '@wxpay/sandbox'
import { expect } from 'vitest'

export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url))

export interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Every secret any test handed to the CLI; each run's output is checked against all of them. */
const secrets = new Set<string>()

/** Registers a secret: the whole value, and for a PEM each line of its base64 body. */
export function secret(value: string): void {
  secrets.add(value)
  if (value.includes('-----BEGIN'))
    for (const line of value.split(/\r?\n/))
      if (line.length >= 16 && !line.startsWith('-----')) secrets.add(line)
}

/** Fails if `text` holds any registered secret, naming which kind (never printing it). */
export function expectNoSecret(text: string, label: string): void {
  for (const value of secrets) {
    if (text.includes(value)) expect.fail(`${label} contains a secret (${value.length} characters)`)
  }
}

/** `WECHATPAY_*` from a sandbox's client options (and its secrets registered). */
export function envOf(options: SandboxClientOptions): Record<string, string> {
  secret(options.privateKey)
  secret(options.apiv3Key)
  secret(options.secret)
  return {
    WECHATPAY_MCHID: options.mchid,
    WECHATPAY_SERIAL: options.serial,
    WECHATPAY_PRIVATE_KEY: options.privateKey,
    WECHATPAY_CERTS: JSON.stringify(options.certs),
    WECHATPAY_SECRET: options.secret,
    WECHATPAY_APIV3_KEY: options.apiv3Key,
    WECHATPAY_BASE_URL: options.baseUrl,
    WECHATPAY_BACKUP_BASE_URL: 'false',
  }
}

/**
 * Runs `wxpay ...args` to its end with only `env` (plus PATH: never the developer's own
 * WECHATPAY_*), and checks that neither stream holds a secret. `node` are flags for node itself
 * (before the script), such as `--import` of a module hook.
 */
export function wxpay(
  args: string[],
  env: Record<string, string> = {},
  cwd?: string,
  node: string[] = [],
): Promise<Run> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (turbo does)`)
  const child = spawn(process.execPath, [...node, CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    ...(cwd ? { cwd } : {}),
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => {
      try {
        expectNoSecret(stdout, `stdout of wxpay ${args[0] ?? ''}`)
        expectNoSecret(stderr, `stderr of wxpay ${args[0] ?? ''}`)
        resolve({ code, stdout, stderr })
      } catch (err) {
        reject(err)
      }
    })
  })
}
