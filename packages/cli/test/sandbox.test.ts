// `wxpay sandbox`: starts the gateway of @wxpay/sandbox, prints its credentials as env lines
// (sandbox credentials, made to be printed), and closes on SIGTERM. The printed lines are then
// used as they are by `wxpay call` and `wxpay certificates download`.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { startSandbox } from '@wxpay/sandbox'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { CLI, envOf, secret, wxpay } from './helpers'

let child: ChildProcessWithoutNullStreams | undefined
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL')
  child = undefined
})

/** Starts `wxpay sandbox ...args`; resolves with the banner and the env lines once all are printed. */
function start(args: string[]): Promise<{ banner: string; env: Record<string, string>; out: () => string }> {
  child = spawn(process.execPath, [CLI, 'sandbox', ...args], { env: { PATH: process.env.PATH ?? '' } })
  const proc = child
  let out = ''
  return new Promise((resolve, reject) => {
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (!out.includes('WECHATPAY_BACKUP_BASE_URL=') || !out.endsWith('\n')) return
      const env: Record<string, string> = {}
      for (const line of out.split('\n')) {
        const m = /^(WECHATPAY_[A-Z0-9_]+)=(.*)$/.exec(line)
        if (!m) continue
        const value = m[2]!
        // dotenv quoting: "…" with \n escapes (kept: the CLI reads an escaped PEM), '…' verbatim
        env[m[1]!] = /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value
      }
      resolve({ banner: out.split('\n')[0]!, env, out: () => out })
    })
    proc.on('exit', (code) => reject(new Error(`wxpay sandbox exited with ${code} before printing: ${out}`)))
  })
}

const exited = (proc: ChildProcessWithoutNullStreams) =>
  new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)))

test('starts, prints credentials that work with wxpay call, closes on SIGTERM with exit 0', async () => {
  const { banner, env, out } = await start(['--port', '0'])
  expect(banner).toMatch(
    /^wxpay sandbox listening on http:\/\/127\.0\.0\.1:\d+\/ \(backup http:\/\/127\.0\.0\.1:\d+\/, platform mode publicKey\)$/,
  )
  expect(Object.keys(env).sort()).toEqual(
    [
      'WECHATPAY_APIV3_KEY',
      'WECHATPAY_APPID',
      'WECHATPAY_BACKUP_BASE_URL',
      'WECHATPAY_BASE_URL',
      'WECHATPAY_CERTS',
      'WECHATPAY_MCHID',
      'WECHATPAY_PRIVATE_KEY',
      'WECHATPAY_SECRET',
      'WECHATPAY_SERIAL',
    ].sort(),
  )
  secret(env.WECHATPAY_APIV3_KEY!)
  secret(env.WECHATPAY_SECRET!)
  secret(env.WECHATPAY_PRIVATE_KEY!.replaceAll('\\n', '\n'))

  const seeded = await fetch(new URL('sandbox/orders', env.WECHATPAY_BASE_URL), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ out_trade_no: 'CLI-SB-1' }),
  })
  expect(seeded.ok).toBe(true)
  const json = JSON.stringify({ mchid: env.WECHATPAY_MCHID })
  const close = [
    'call',
    'v3/pay/transactions/out-trade-no/{out_trade_no}/close',
    '--var',
    'out_trade_no=CLI-SB-1',
  ]
  const r = await wxpay([...close, '--json', json], { ...env, WECHATPAY_BACKUP_BASE_URL: 'false' })
  expect(r.code).toBe(0)
  expect(r.stderr).toMatch(/^HTTP 204/)

  const proc = child!
  const code = exited(proc)
  proc.kill('SIGTERM')
  expect(await code).toBe(0)
  expect(out()).toContain('SIGTERM: closing the sandbox')
})

test('--platform-mode certificate: WECHATPAY_AUTO_CERTIFICATES instead of a public key; the download works', async () => {
  const { banner, env } = await start(['--platform-mode', 'certificate'])
  expect(banner).toContain('platform mode certificate')
  expect(env.WECHATPAY_AUTO_CERTIFICATES).toBe('true')
  expect(env.WECHATPAY_CERTS).toBeUndefined()
  secret(env.WECHATPAY_APIV3_KEY!)
  secret(env.WECHATPAY_SECRET!)
  secret(env.WECHATPAY_PRIVATE_KEY!.replaceAll('\\n', '\n'))
  const dir = mkdtempSync(join(tmpdir(), 'wxpay-cli-sb-'))
  try {
    const r = await wxpay(['certificates', 'download'], { ...env, WECHATPAY_BACKUP_BASE_URL: 'false' }, dir)
    expect(r.code).toBe(0)
    const certs = JSON.parse(readFileSync(join(dir, 'certs.json'), 'utf8')) as Record<string, string>
    expect(Object.keys(certs)).toHaveLength(1)
    expect(r.stdout).toContain(`${Object.keys(certs)[0]}  `)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('--platform-mode both: the public key and WECHATPAY_AUTO_CERTIFICATES, each once', async () => {
  const { banner, out } = await start(['--platform-mode', 'both'])
  expect(banner).toContain('platform mode both')
  expect(out().match(/^WECHATPAY_CERTS=/gm)).toHaveLength(1)
  expect(out().match(/^WECHATPAY_AUTO_CERTIFICATES=true$/gm)).toHaveLength(1)
})

test('a bad --platform-mode or port is a usage error: exit 2, nothing started', async () => {
  const mode = await wxpay(['sandbox', '--platform-mode', 'pubkey'])
  expect(mode.code).toBe(2)
  expect(mode.stderr).toContain('--platform-mode must be one of publicKey, certificate, both')
  const port = await wxpay(['sandbox', '--port', '70000'])
  expect(port.code).toBe(2)
  expect(port.stdout).toBe('')
})

describe('the sandbox is loaded only by `wxpay sandbox`', () => {
  // A module hook (node:module register) preloaded into the CLI's process appends every specifier
  // naming @wxpay/sandbox that the process resolves to a log file: what really loads, not what the
  // bundle's text looks like. `wxpay sandbox --help` is the control: there the log must fill.
  let dir: string
  let log: string
  let node: string[]
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wxpay-cli-loads-'))
    log = join(dir, 'loads.log')
    writeFileSync(
      join(dir, 'hooks.mjs'),
      `import { appendFileSync } from 'node:fs'
export async function resolve(specifier, context, next) {
  if (specifier === '@wxpay/sandbox' || specifier.startsWith('@wxpay/sandbox/'))
    appendFileSync(${JSON.stringify(log)}, specifier + '\\n')
  return next(specifier, context)
}
`,
    )
    writeFileSync(
      join(dir, 'register.mjs'),
      `import { register } from 'node:module'\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)})\n`,
    )
    node = ['--import', pathToFileURL(join(dir, 'register.mjs')).href]
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const loads = () => (existsSync(log) ? readFileSync(log, 'utf8') : '')

  test('wxpay call (a real call, against a sandbox run by this test), --help and --version never load it', async () => {
    const sb = await startSandbox()
    try {
      sb.orders.create({ out_trade_no: 'CLI-LAZY-1' })
      const close = await wxpay(
        [
          'call',
          'v3/pay/transactions/out-trade-no/{out_trade_no}/close',
          '--var',
          'out_trade_no=CLI-LAZY-1',
          '--json',
          JSON.stringify({ mchid: sb.merchant.mchid }),
        ],
        envOf(sb.clientOptions()),
        undefined,
        node,
      )
      expect(close.code).toBe(0)
      expect(sb.orders.get('CLI-LAZY-1')?.state).toBe('CLOSED')
    } finally {
      await sb.close()
    }
    for (const args of [['--help'], ['--version'], ['certificates', '--help']]) {
      const r = await wxpay(args, {}, undefined, node)
      expect(r.code).toBe(0)
    }
    expect(loads()).toBe('')
    const control = await wxpay(['sandbox', '--help'], {}, undefined, node)
    expect(control.code).toBe(0)
    expect(loads()).toMatch(/^@wxpay\/sandbox$/m)
  })

  test('the built CLI imports @wxpay/sandbox dynamically, never at start', () => {
    const dist = fileURLToPath(new URL('../dist/', import.meta.url))
    const files = readdirSync(dist).filter((name) => name.endsWith('.js'))
    expect(files.length).toBeGreaterThan(0)
    const code = files.map((name) => readFileSync(join(dist, name), 'utf8')).join('\n')
    expect(code).toMatch(/import\(\s*["']@wxpay\/sandbox["']\s*\)/)
    expect(code).not.toMatch(/from\s*["']@wxpay\/sandbox["']/)
  })
})
