import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { WechatpayOptions } from '@wxpay/core'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { rsaKeyPair, signV3Notification } from '@wxpay/sandbox/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { sandboxOptions } from '../src/test-helpers'

// The fixtures load `@wxpay/nestjs` by name: Node resolves a package's own name through its
// `exports`, so they run the built dist/ exactly as an application would.
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))
const dist = fileURLToPath(new URL('../dist/', import.meta.url))
const run = promisify(execFile)

/** Runs a fixture app (asynchronously: the sandbox lives in this process) and returns its exit. */
async function runFixture(
  file: string,
  options: WechatpayOptions,
  orders: string[],
  notifications: unknown[] = [],
) {
  try {
    const { stdout } = await run(process.execPath, [file, ...orders], {
      cwd: fixtures,
      env: {
        ...process.env,
        WXPAY_OPTIONS: JSON.stringify(options),
        WXPAY_NOTIFICATIONS: JSON.stringify(notifications),
        NO_COLOR: '1',
      },
      timeout: 45_000,
    })
    return { code: 0, stdout, stderr: '' }
  } catch (err) {
    const { code, stdout, stderr } = err as { code: number; stdout: string; stderr: string }
    return { code, stdout, stderr }
  }
}

let sb: Sandbox

beforeAll(async () => {
  for (const file of ['index.js', 'index.cjs']) {
    if (!existsSync(dist + file))
      throw new Error(`dist/${file} is missing: run \`npx tsup\` (or pnpm build) first`)
  }
  sb = await startSandbox()
})
afterAll(async () => {
  await sb?.close()
})

describe.each([
  ['CommonJS (require)', 'app.cjs', 'object'],
  ['ESM (import)', 'app.mjs', 'undefined'],
])('a %s Nest application', (_, file, moduleType) => {
  const tag = file.replace('.', '-')

  test('bootstraps, injects the client, closes an order, and the filter maps an API error', async () => {
    sb.orders.create({ out_trade_no: `${tag}-1` })
    const result = await runFixture(file, sandboxOptions(sb), [`${tag}-1`, `${tag}-missing`])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const { module, replies } = JSON.parse(result.stdout)
    expect(module).toBe(moduleType)
    expect(replies[0]).toEqual({ status: 201, body: { status: 204 } })
    expect(replies[1]).toMatchObject({ status: 502, body: { code: 'ORDER_NOT_EXIST', upstreamStatus: 404 } })
    expect(sb.orders.get(`${tag}-1`)?.state).toBe('CLOSED')
  })

  test('@WechatpayEvent() from the build: a genuine notification reaches the method (204), a forged one gets 401 FAIL', async () => {
    // a key pair the fixture's client also trusts, to sign a genuine notification here
    const extra = { serial: 'PUB_KEY_ID_0114232134912410000000000042', ...rsaKeyPair() }
    const options = sandboxOptions(sb, {
      certs: { [sb.platform.serial]: sb.platform.publicKey, [extra.serial]: extra.publicKey },
    })
    const sign = (privateKey: string, out_trade_no: string) =>
      signV3Notification({
        privateKey,
        serial: extra.serial,
        apiv3Key: sb.merchant.apiv3Key,
        resource: { out_trade_no },
      })
    const result = await runFixture(
      file,
      options,
      [],
      [sign(extra.privateKey, `${tag}-paid`), sign(rsaKeyPair().privateKey, `${tag}-forged`)],
    )
    expect(result.stderr).toBe('')
    const { notifications, received } = JSON.parse(result.stdout)
    expect(notifications).toEqual([
      { status: 204, body: '' },
      { status: 401, body: '{"code":"FAIL","message":"失败"}' },
    ])
    expect(received).toEqual([`${tag}-paid`])
  }, 60_000)

  test('fails to start on a bad option, and Nest logs the message naming it', async () => {
    const result = await runFixture(file, sandboxOptions(sb, { secret: '0123456789' }), [])
    expect(result.code).not.toBe(0)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain(
      'WechatpayValidationError: secret: the APIv2 key has 32 characters, this one has 10',
    )
  })
})
