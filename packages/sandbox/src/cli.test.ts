// Spawns the built CLI (turbo builds before it tests: `dist/cli.js` must exist).
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { Wechatpay } from 'wechatpay-axios-plugin'

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

  it('fails with usage on a bad port', async () => {
    child = spawn(process.execPath, [CLI, '--port', 'abc'])
    let err = ''
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString()
    })
    expect(await exited(child)).toBe(1)
    expect(err).toContain('Usage: wxpay-sandbox')
  })
})
