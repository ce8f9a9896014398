// Spawns the built CLI (turbo builds before it tests: `dist/cli.js` must exist).
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { Wechatpay } from 'wechatpay-axios-plugin'
import { SANDBOX_FLAGS, sandboxUsage } from './run-cli'

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url))
const BIN = fileURLToPath(new URL('../bin/wxpay-sandbox.js', import.meta.url))

let child: ChildProcessWithoutNullStreams | undefined
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL')
  child = undefined
})

/** Starts the CLI and resolves with its env lines once it has printed them all. */
function run(args: string[], env: Record<string, string> = {}): Promise<Record<string, string>> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run the build first (turbo does)`)
  child = spawn(process.execPath, args, { env: { ...process.env, ...env } })
  const proc = child
  return new Promise((resolve, reject) => {
    let out = ''
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes('WECHATPAY_BACKUP_BASE_URL=')) {
        const vars: Record<string, string> = {}
        for (const line of out.split('\n')) {
          const m = /^(WECHATPAY_[A-Z_]+)=(.*)$/.exec(line)
          if (m) vars[m[1]!] = m[2]!
        }
        vars.banner = out.split('\n')[0]!
        vars.keys = out.split('\n')[1]!
        resolve(vars)
      }
    })
    proc.on('exit', (code) => reject(new Error(`CLI exited with ${code} before printing: ${out}`)))
  })
}

function exited(proc: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => proc.on('exit', (code) => resolve(code)))
}

describe('CLI', () => {
  it('prints the URLs and paste-ready credentials, serves them, and stops cleanly on SIGTERM', async () => {
    const vars = await run([CLI, '--port', '0'])
    expect(vars.banner).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+\//)
    expect(vars.WECHATPAY_MCHID).toBe('1900000109')
    expect(vars.WECHATPAY_APPID).toBe('wxd930ea5d5a258f4f')
    expect(vars.WECHATPAY_SERIAL).toMatch(/^[0-9A-F]{40}$/)
    expect(vars.WECHATPAY_SECRET).toMatch(/^[0-9A-Za-z]{32}$/)
    expect(vars.WECHATPAY_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    const privateKey = JSON.parse(vars.WECHATPAY_PRIVATE_KEY!) as string // "…\n…" is a JSON string literal
    expect(privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n/)
    const certs = JSON.parse(vars.WECHATPAY_CERTS!.slice(1, -1)) as Record<string, string>
    const [serial] = Object.keys(certs)
    expect(serial).toMatch(/^PUB_KEY_ID_/)

    // the printed credentials work, in both protocols, via a peer SDK
    const wxpay = new Wechatpay({
      mchid: vars.WECHATPAY_MCHID!,
      serial: vars.WECHATPAY_SERIAL!,
      privateKey,
      certs,
      secret: vars.WECHATPAY_SECRET!,
      merchant: {},
      baseURL: vars.WECHATPAY_BASE_URL!,
    })
    const seed = await fetch(new URL('sandbox/orders', vars.WECHATPAY_BASE_URL), {
      method: 'POST',
      body: JSON.stringify({ out_trade_no: 'CLI1' }),
    })
    expect(seed.status).toBe(201)
    const res = await wxpay
      .chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close')
      .post({ mchid: vars.WECHATPAY_MCHID }, { out_trade_no: 'CLI1' })
    expect(res.status).toBe(204)
    await fetch(new URL('sandbox/orders', vars.WECHATPAY_BASE_URL), {
      method: 'POST',
      body: JSON.stringify({ out_trade_no: 'CLI2' }),
    })
    const v2 = await wxpay.chain('v2/pay/closeorder').post({
      appid: vars.WECHATPAY_APPID,
      mch_id: vars.WECHATPAY_MCHID,
      out_trade_no: 'CLI2',
    })
    expect(v2.data).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS' })

    const proc = child!
    proc.kill('SIGTERM')
    expect(await exited(proc)).toBe(0)
    await expect(fetch(new URL('sandbox/clock', vars.WECHATPAY_BASE_URL))).rejects.toThrow()
  })

  it('takes the port from PORT, and runs through the bin', async () => {
    const probe = await run([CLI])
    const port = new URL(probe.WECHATPAY_BASE_URL!).port
    const first = child!
    first.kill('SIGINT')
    expect(await exited(first)).toBe(0)
    const vars = await run([BIN], { PORT: port })
    expect(vars.WECHATPAY_BASE_URL).toBe(`http://127.0.0.1:${port}/`)
  })

  /** The peer SDK configured from the printed lines, as someone who pasted them would. */
  function clientOf(vars: Record<string, string>) {
    return new Wechatpay({
      mchid: vars.WECHATPAY_MCHID!,
      serial: vars.WECHATPAY_SERIAL!,
      privateKey: JSON.parse(vars.WECHATPAY_PRIVATE_KEY!) as string,
      certs: JSON.parse(vars.WECHATPAY_CERTS!.slice(1, -1)) as Record<string, string>,
      secret: vars.WECHATPAY_SECRET!,
      merchant: {},
      baseURL: vars.WECHATPAY_BASE_URL!,
    })
  }

  async function stop(): Promise<void> {
    const proc = child!
    proc.kill('SIGTERM')
    expect(await exited(proc)).toBe(0)
  }

  async function seed(vars: Record<string, string>, no: string): Promise<void> {
    const res = await fetch(new URL('sandbox/orders', vars.WECHATPAY_BASE_URL), {
      method: 'POST',
      body: JSON.stringify({ out_trade_no: no }),
    })
    expect(res.status).toBe(201)
  }

  /** The error a call ends in (the peer SDK rejects with its axios error). */
  async function failure(call: Promise<unknown>): Promise<{ response?: { status: number; data: unknown } }> {
    try {
      await call
    } catch (err) {
      return err as { response?: { status: number; data: unknown } }
    }
    throw new Error('the call succeeded')
  }

  it('tells a client still holding the credentials of an earlier start that they look stale (v3 and v2)', async () => {
    const first = await run([CLI])
    const port = new URL(first.WECHATPAY_BASE_URL!).port
    expect(first.keys).toContain('new credentials (they change on every start; --keys-file keeps them)')
    await stop()
    const second = await run([CLI, '--port', port])
    expect(second.WECHATPAY_SERIAL).not.toBe(first.WECHATPAY_SERIAL)
    await seed(second, 'STALE1')
    const stale = clientOf(first) // same URL, the previous run's keys

    const v3 = await failure(
      stale
        .chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close')
        .post({ mchid: first.WECHATPAY_MCHID }, { out_trade_no: 'STALE1' }),
    )
    expect(v3.response?.status).toBe(401)
    const body = v3.response?.data as { code: string; message: string }
    expect(body.code).toBe('SIGN_ERROR')
    expect(body.message).toMatch(/is not this sandbox's merchant API certificate serial: stale credentials\?/)
    expect(body.message).toContain('re-export its env lines')
    expect(body.message).toContain('--keys-file')

    const v2 = await failure(
      stale.chain('v2/pay/closeorder').post({
        appid: first.WECHATPAY_APPID,
        mch_id: first.WECHATPAY_MCHID,
        out_trade_no: 'STALE1',
      }),
    )
    expect(v2.response?.data).toMatchObject({
      return_code: 'FAIL',
      return_msg: expect.stringMatching(
        /^SIGNERROR: the sign does not verify with this sandbox's APIv2 key: stale credentials\?.*--keys-file/,
      ),
    })
    await stop()
  })

  it('keeps its credentials in --keys-file: created with mode 0600, reused after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxpay-sandbox-cli-'))
    try {
      const file = join(dir, '.wxpay-sandbox.json')
      const first = await run([CLI, '--keys-file', file])
      expect(first.keys).toBe(`# credentials created in ${file}`)
      if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600)
      const stored = JSON.parse(readFileSync(file, 'utf8')) as {
        version: number
        merchant: Record<string, string>
        platform: Record<string, string>
      }
      expect(stored.version).toBe(1)
      expect(stored.merchant.serial).toBe(first.WECHATPAY_SERIAL)
      expect(stored.merchant.secret).toBe(first.WECHATPAY_SECRET)
      expect(stored.merchant.privateKey).toBe(JSON.parse(first.WECHATPAY_PRIVATE_KEY!))
      expect(stored.platform.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n/)
      const port = new URL(first.WECHATPAY_BASE_URL!).port
      await stop()

      const second = await run([CLI, '--keys-file', file, '--port', port])
      expect(second.keys).toBe(`# credentials reused from ${file}`)
      for (const name of ['MCHID', 'APPID', 'SERIAL', 'PRIVATE_KEY', 'CERTS', 'SECRET', 'BASE_URL']) {
        expect(second[`WECHATPAY_${name}`], name).toBe(first[`WECHATPAY_${name}`])
      }
      // what was pasted before the restart still works, v3 (the reply verified with the kept
      // platform key) and v2
      const client = clientOf(first)
      await seed(second, 'KEPT1')
      const res = await client
        .chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close')
        .post({ mchid: first.WECHATPAY_MCHID }, { out_trade_no: 'KEPT1' })
      expect(res.status).toBe(204)
      await seed(second, 'KEPT2')
      const v2 = await client.chain('v2/pay/closeorder').post({
        appid: first.WECHATPAY_APPID,
        mch_id: first.WECHATPAY_MCHID,
        out_trade_no: 'KEPT2',
      })
      expect(v2.data).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS' })
      await stop()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses a keys file that is not one, without printing its contents', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxpay-sandbox-cli-'))
    try {
      const file = join(dir, 'keys.json')
      writeFileSync(file, '{"version":1,"merchant":{"privateKey":"SECRET-LOOKING"', { mode: 0o600 })
      child = spawn(process.execPath, [CLI, '--keys-file', file])
      let err = ''
      child.stderr.on('data', (c: Buffer) => {
        err += c.toString()
      })
      expect(await exited(child)).toBe(1)
      expect(err).toContain(`${file} is not JSON`)
      expect(err).not.toContain('SECRET-LOOKING')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('takes every option startSandbox takes: the usage names each flag', () => {
    const usage = sandboxUsage()
    for (const flag of new Set(Object.values(SANDBOX_FLAGS))) expect(usage).toContain(flag)
    expect(usage).toContain('--faults')
  })

  it('--notify-time-scale, --notify-timeout-ms, --faults and the others reach the sandbox', async () => {
    const vars = await run([
      CLI,
      ...['--notify-time-scale', '0.00001', '--notify-timeout-ms', '2000', '--auto-refund', 'false'],
      ...['--seed', '3', '--platform-mode', 'both', '--platform-sign-with', 'publicKey'],
      ...['--faults', '{"latencyMs":{"value":1}}'],
    ])
    const base = vars.WECHATPAY_BASE_URL!
    expect(vars.banner).toContain('platform mode both')
    expect(JSON.stringify(await (await fetch(new URL('sandbox/faults', base))).json())).toContain('latencyMs')
    // a notify_url nobody answers: the whole retry schedule, scaled, is over in about a second
    await fetch(new URL('sandbox/orders', base), {
      method: 'POST',
      body: JSON.stringify({ out_trade_no: 'SCALE1', notify_url: 'http://127.0.0.1:9/notify' }),
    })
    expect((await fetch(new URL('sandbox/orders/SCALE1/pay', base), { method: 'POST' })).status).toBeLessThan(
      300,
    )
    const settled = await fetch(new URL('sandbox/notifications/settled?timeout=120000', base))
    expect(settled.status).toBe(200)
    expect(((await settled.json()) as unknown[]).length).toBeGreaterThan(1) // retried, scaled
  })

  it('GET /sandbox/notifications/settled takes a timeout: a real-time schedule answers 408 NOT_SETTLED', async () => {
    const vars = await run([CLI])
    const base = vars.WECHATPAY_BASE_URL!
    await fetch(new URL('sandbox/orders', base), {
      method: 'POST',
      body: JSON.stringify({ out_trade_no: 'SLOW1', notify_url: 'http://127.0.0.1:9/notify' }),
    })
    await fetch(new URL('sandbox/orders/SLOW1/pay', base), { method: 'POST' })
    const res = await fetch(new URL('sandbox/notifications/settled?timeout=200', base))
    expect(res.status).toBe(408)
    expect(await res.json()).toMatchObject({ code: 'NOT_SETTLED' })
    expect((await fetch(new URL('sandbox/notifications/settled?timeout=x', base))).status).toBe(400)
  })

  it.each([
    [['--auto-refund', 'maybe'], '--auto-refund must be true or false'],
    [['--notify-time-scale=-1'], '--notify-time-scale must be a number ≥ 0, got -1'],
    [['--faults', '{nope'], '--faults must be JSON'],
    [['--platform-sign-with', 'x'], '--platform-sign-with must be publicKey or certificate'],
  ])('a bad %j fails with usage (exit 2)', async (args, message) => {
    child = spawn(process.execPath, [CLI, ...args])
    let err = ''
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString()
    })
    expect(await exited(child)).toBe(2)
    expect(err).toContain(message)
  })

  it('fails with usage on a bad port', async () => {
    child = spawn(process.execPath, [CLI, '--port', 'abc'])
    let err = ''
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString()
    })
    expect(await exited(child)).toBe(2)
    expect(err).toContain('wxpay-sandbox: --port must be a port number, got abc')
    expect(err).toContain('Usage: wxpay-sandbox')
  })
})
