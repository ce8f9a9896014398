// @wxpay/core inside Bun and inside Deno, as a user there imports it (the built package, through its
// `exports`), against a sandbox this test starts in Node: a v3 close, a v2 close, and forged v3 and
// v2 replies refused. The child (child.ts) prints one JSON line; the assertions are here.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { ChildInput, ChildResult } from './child'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..')
const require = createRequire(import.meta.url)

/** The runtime's own executable from its npm package, else the package's node wrapper in .bin. */
function executable(name: 'bun' | 'deno'): string {
  const pkg = dirname(require.resolve(`${name}/package.json`))
  const native = name === 'bun' ? join(pkg, 'bin', 'bun.exe') : join(pkg, 'deno')
  return existsSync(native) ? native : join(root, 'node_modules', '.bin', name)
}

const child = join(here, 'child.ts')
const runtimes = [
  { name: 'bun', command: executable('bun'), args: [child] },
  {
    name: 'deno',
    command: executable('deno'),
    // Bare specifiers from this workspace's node_modules (no download: there is no network but
    // loopback); nothing written beside the test (no lockfile).
    args: [
      'run',
      '--node-modules-dir=manual',
      '--no-lock',
      '--allow-net',
      '--allow-env',
      '--allow-read',
      child,
    ],
  },
] as const

function run(command: string, args: readonly string[], input: ChildInput): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd: root,
        // Credentials by environment, not argv (argv is visible to every process on the machine).
        env: { ...process.env, WXPAY_RUNTIME_INPUT: JSON.stringify(input), NO_COLOR: '1' },
        encoding: 'utf8',
        timeout: 150_000,
        maxBuffer: 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${command} failed: ${error.message}\n${stderr}\n${stdout}`))
        else resolve(stdout)
      },
    )
  })
}

let sb: Sandbox

beforeAll(async () => {
  sb = await startSandbox()
})

afterAll(async () => {
  await sb?.close()
})

describe.each(runtimes)('@wxpay/core in $name', ({ name, command, args }) => {
  let result: ChildResult
  const orders = {
    v3: `${name}-v3`,
    v2: `${name}-v2`,
    forgedV3: `${name}-forged-v3`,
    forgedV2: `${name}-forged-v2`,
  }

  beforeAll(async () => {
    for (const out_trade_no of Object.values(orders)) sb.orders.create({ out_trade_no })
    await sb.faults.clear()
    sb.requests.clear()
    const stdout = await run(command, args, {
      options: sb.clientOptions(),
      url: sb.url,
      appid: sb.merchant.appid,
      orders,
    })
    result = JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildResult
  })

  test('it is that runtime, importing the edge build (Web Crypto and fetch) of the package', () => {
    expect(result.runtime).toBe(name)
    expect(result.version).toMatch(/^\d+\.\d+\.\d+/)
    expect(result.resolved).toMatch(/\/packages\/core\/dist\/index\.js$/)
  })

  test('v3 close order: 204, and the sandbox closed the order', () => {
    expect(result.v3Close).toMatchObject({ ok: true, status: 204 })
    expect(sb.orders.get(orders.v3)?.state).toBe('CLOSED')
  })

  test('v2 close order: SUCCESS, verified, and the sandbox closed the order', () => {
    expect(result.v2Close).toMatchObject({
      ok: true,
      status: 200,
      data: { return_code: 'SUCCESS', result_code: 'SUCCESS', mch_id: sb.merchant.mchid },
    })
    expect(sb.orders.get(orders.v2)?.state).toBe('CLOSED')
  })

  test.each(['forgedV3', 'forgedV2'] as const)('%s: a reply signed with another key is refused', (step) => {
    expect(result[step]).toMatchObject({
      ok: false,
      name: 'WechatpaySignatureError',
      code: 'SIGNATURE_INVALID',
      signatureError: true,
    })
  })

  test('every call reached the sandbox, once (no retry, no failover)', () => {
    expect(sb.requests.map((r) => `${r.listener} ${r.method} ${r.path}`)).toEqual([
      `primary POST /v3/pay/transactions/out-trade-no/${orders.v3}/close`,
      'primary POST /pay/closeorder',
      `primary POST /v3/pay/transactions/out-trade-no/${orders.forgedV3}/close`,
      'primary POST /pay/closeorder',
    ])
  })
})
