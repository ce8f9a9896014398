// The README's "Operating it" recipes run exactly as written: each ```js block of that section is
// saved as a .mjs file inside this package (so `@wxpay/core` resolves to this package's built
// dist/ by self-reference) and run with `node --env-file` against a sandbox, as a user would. The
// proxy recipe goes through a real forward proxy (npm `proxy`); the signer recipe's signing
// service is a loopback server holding the key (node:crypto), apart from the client.
import { execFile } from 'node:child_process'
import { createSign } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { envLines, type Sandbox, startSandbox } from '@wxpay/sandbox'
import { createProxy } from 'proxy'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..')
const readme = readFileSync(join(pkg, 'README.md'), 'utf8')
const section = readme.slice(
  readme.indexOf('## Operating it'),
  readme.indexOf('\n## ', readme.indexOf('## Operating it') + 3),
)
/** The section's js blocks by their first-line file name (`// logging.mjs — …`). */
const recipes = new Map(
  [...section.matchAll(/```js\n(\/\/ ([\w-]+\.mjs)[^\n]*\n[\s\S]*?)```/g)].map((m) => [m[2]!, m[1]!]),
)
const built = existsSync(join(pkg, 'dist/index.js')) && existsSync(join(pkg, 'dist/otel.js'))
if (!built && process.env.CI) throw new Error('dist/ is missing: build @wxpay/core before its tests')
if (!built)
  console.warn(
    'SKIPPED: readme.e2e.test.ts runs the recipes on the built dist/ (pnpm --filter @wxpay/core build)',
  )

const dir = join(pkg, `.readme-run-${process.pid}`)
let sb: Sandbox
let envFile: string

function run(name: string, env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  const file = join(dir, name)
  writeFileSync(file, recipes.get(name)!)
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [`--env-file=${envFile}`, file],
      { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        error ? reject(Object.assign(error, { stdout, stderr })) : resolve({ stdout, stderr }),
    )
  })
}

beforeAll(async () => {
  sb = await startSandbox()
  sb.orders.create({ out_trade_no: 'T1' })
  mkdirSync(dir, { recursive: true })
  envFile = join(dir, '.env')
  writeFileSync(envFile, `${envLines(sb).join('\n')}\n`)
})
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  await sb?.close()
})

test('the section has the four recipes', () => {
  expect([...recipes.keys()].sort()).toEqual(['logging.mjs', 'otel.mjs', 'proxy.mjs', 'signer.mjs'])
  expect(section).toContain('https://github.com/wxpay/wxpay/blob/main/docs/retry.md')
})

describe.skipIf(!built)('recipes run as written', () => {
  test('logging.mjs: one info line, one warn line, no secret', async () => {
    const { stdout } = await run('logging.mjs')
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatchObject({
      level: 'info',
      method: 'GET',
      path: 'v3/pay/transactions/out-trade-no/{out_trade_no}',
      status: 200,
      attempt: 1,
    })
    expect(lines[0]!.requestId).toEqual(expect.any(String))
    expect(lines[1]).toMatchObject({ level: 'warn', status: 404, code: 'ORDER_NOT_EXIST', willRetry: false })
    expect(stdout).not.toContain('T1')
    expect(stdout).not.toContain(sb.merchant.privateKey.split('\n')[1]!)
  })

  test('otel.mjs: the console exporter prints the call span', async () => {
    const { stdout } = await run('otel.mjs')
    expect(stdout).toContain("'WECHATPAY GET v3/pay/transactions/out-trade-no/{out_trade_no}'")
    expect(stdout).toMatch(/'http\.response\.status_code': 200/)
    expect(stdout).toMatch(/'wechatpay\.attempts': 1/)
  })

  test('proxy.mjs: through a real forward proxy (HTTP_PROXY/HTTPS_PROXY)', async () => {
    const connects: string[] = []
    const server = createServer()
    server.on('connect', (req) => connects.push(req.url ?? ''))
    const proxy = createProxy(server)
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
      const { stdout } = await run('proxy.mjs', { HTTPS_PROXY: url, HTTP_PROXY: url })
      expect(stdout.trim()).toBe('NOTPAY')
      expect(connects).toContain(new URL(sb.url).host)
    } finally {
      proxy.closeAllConnections?.()
      await new Promise((resolve) => proxy.close(resolve))
    }
  })

  test('signer.mjs: the key stays in the signing service', async () => {
    const key = sb.merchant.privateKey
    let signed = 0
    const service: Server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        signed++
        res.end(createSign('RSA-SHA256').update(Buffer.concat(chunks)).sign(key, 'base64'))
      })
    })
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(service.address() as AddressInfo).port}/sign`
      const { stdout } = await run('signer.mjs', { SIGNER_URL: url })
      expect(stdout.trim()).toBe('NOTPAY RSA')
      expect(signed).toBe(2)
      // the recipe's client never had the key: its file names no privateKey option
      expect(recipes.get('signer.mjs')).not.toMatch(/privateKey/)
    } finally {
      await new Promise((resolve) => service.close(resolve))
    }
  })
})
