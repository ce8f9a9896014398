// `wxpay call` end to end against @wxpay/sandbox: a strict gateway that checks the signatures
// with its own node:crypto code and signs its replies.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { rsaKeyPair } from '@wxpay/sandbox/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { envOf, secret, wxpay } from './helpers'

let sb: Sandbox
let env: Record<string, string>
let dir: string
const CLOSE = 'v3/pay/transactions/out-trade-no/{out_trade_no}/close'

beforeAll(async () => {
  sb = await startSandbox()
  env = envOf(sb.clientOptions())
  dir = mkdtempSync(join(tmpdir(), 'wxpay-cli-call-'))
})
afterAll(async () => {
  await sb.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('wxpay call (v3)', () => {
  test('closes an order: 204, the status on stderr, nothing on stdout, exit 0', async () => {
    sb.orders.create({ out_trade_no: 'CLI-V3-1' })
    const json = JSON.stringify({ mchid: sb.merchant.mchid })
    const r = await wxpay(['call', CLOSE, '--var', 'out_trade_no=CLI-V3-1', '--json', json], env)
    expect(r).toMatchObject({ code: 0, stdout: '' })
    expect(r.stderr).toMatch(/^HTTP 204, Request-ID \S+\n$/)
    expect(sb.orders.get('CLI-V3-1')?.state).toBe('CLOSED')
  })

  test('--json @file, a leading slash, and --verbose headers', async () => {
    sb.orders.create({ out_trade_no: 'CLI-V3-2' })
    const file = join(dir, 'close.json')
    writeFileSync(file, JSON.stringify({ mchid: sb.merchant.mchid }))
    const r = await wxpay(
      ['call', `/${CLOSE}`, '--var', 'out_trade_no=CLI-V3-2', '--json', `@${file}`, '-v'],
      env,
    )
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/^wechatpay-serial: \S+$/m)
    expect(r.stderr).toMatch(/^wechatpay-signature: \S+$/m)
    expect(sb.orders.get('CLI-V3-2')?.state).toBe('CLOSED')
  })

  test('an API error: its code and message on stderr, the status, exit 1', async () => {
    const json = JSON.stringify({ mchid: sb.merchant.mchid })
    const r = await wxpay(['call', CLOSE, '--var', 'out_trade_no=CLI-NOPE', '--json', json], env)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /^wxpay: ORDER_NOT_EXIST: Order CLI-NOPE does not exist \(HTTP 404, Request-ID \S+\)$/m,
    )
  })

  test('a reply that does not verify (another platform key under the same serial) is not printed, exit 1', async () => {
    const [serial] = Object.keys(sb.clientOptions().certs)
    const forged = { ...env, WECHATPAY_CERTS: JSON.stringify({ [serial!]: rsaKeyPair().publicKey }) }
    sb.orders.create({ out_trade_no: 'CLI-V3-FORGED' })
    const json = JSON.stringify({ mchid: sb.merchant.mchid })
    const r = await wxpay(['call', CLOSE, '--var', 'out_trade_no=CLI-V3-FORGED', '--json', json], forged)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^wxpay: SIGNATURE_INVALID: /m)
    expect(r.stdout).toBe('')
  })

  test('no reply (nothing listens): exit 3', async () => {
    const closed = await startSandbox()
    const url = closed.url
    await closed.close()
    const r = await wxpay(['call', 'v3/certificates'], { ...env, WECHATPAY_BASE_URL: url })
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(/^wxpay: CONNECTION: /m)
  })
})

describe('wxpay call (v2)', () => {
  test('closes an order: SUCCESS, the verified reply as JSON, exit 0', async () => {
    sb.orders.create({ out_trade_no: 'CLI-V2-1' })
    const { appid, mchid } = sb.merchant
    const r = await wxpay(
      [
        'call',
        'v2/pay/closeorder',
        '--xml',
        `appid=${appid}`,
        '--xml',
        `mch_id=${mchid}`,
        '--xml',
        'out_trade_no=CLI-V2-1',
      ],
      env,
    )
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/^HTTP 200/)
    expect(JSON.parse(r.stdout)).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS' })
    expect(sb.orders.get('CLI-V2-1')?.state).toBe('CLOSED')
  })

  test('a FAIL reply: err_code on stderr, the reply on stdout, exit 1', async () => {
    const { appid, mchid } = sb.merchant
    const r = await wxpay(
      [
        'call',
        'v2/pay/closeorder',
        '--xml',
        `appid=${appid}`,
        '--xml',
        `mch_id=${mchid}`,
        '--xml',
        'out_trade_no=CLI-V2-NOPE',
      ],
      env,
    )
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^wxpay: ORDERNOTEXIST: /m)
    expect(JSON.parse(r.stdout)).toMatchObject({ result_code: 'FAIL', err_code: 'ORDERNOTEXIST' })
  })
})

describe('credentials', () => {
  test('--private-key FILE, --certs FILE and flags instead of the variables', async () => {
    sb.orders.create({ out_trade_no: 'CLI-V3-FLAGS' })
    const options = sb.clientOptions()
    writeFileSync(join(dir, 'apiclient_key.pem'), options.privateKey)
    writeFileSync(join(dir, 'certs.json'), JSON.stringify(options.certs))
    const flags = ['--mchid', options.mchid, '--serial', options.serial, '--private-key', 'apiclient_key.pem']
    flags.push('--certs', 'certs.json', '--base-url', options.baseUrl, '--backup-base-url', 'false')
    const json = JSON.stringify({ mchid: options.mchid })
    const r = await wxpay(
      ['call', CLOSE, '--var', 'out_trade_no=CLI-V3-FLAGS', '--json', json, ...flags],
      {},
      dir,
    )
    expect(r.code).toBe(0)
    expect(sb.orders.get('CLI-V3-FLAGS')?.state).toBe('CLOSED')
  })

  test('a bad option is named, its value is not printed, nothing is sent: exit 2', async () => {
    const badKey = 'k'.repeat(31)
    secret(badKey)
    sb.requests.clear()
    const r = await wxpay(['call', 'v3/certificates', '--apiv3-key', badKey], env)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(
      /^wxpay: INVALID_OPTION: --apiv3-key \(WECHATPAY_APIV3_KEY\): the APIv3 key has 32 characters/m,
    )
    expect(sb.requests).toHaveLength(0)
  })

  test.each([
    [
      ['v3/pay/transactions/out-trade-no/{out_trade_no}/close', '--json', '{}'],
      '--var out_trade_no=…: the path needs {out_trade_no}; pass it as --var out_trade_no=…',
    ],
    [['v2/pay/orderquery', '--xml', 'mch_id=1', '--xml', 'out_trade_no=T1'], '--xml mch_id=…: '],
    [['v3/x', '--header', 'Host=x'], '--header Host=…: is a connection header'],
  ])('a bad request option is named by its flag, not the option name: %j', async (args, message) => {
    sb.requests.clear()
    const r = await wxpay(['call', ...args], env)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`wxpay: INVALID_OPTION: ${message}`)
    expect(sb.requests).toHaveLength(0)
  })

  test('a private key file that does not exist: exit 2, the path named', async () => {
    const r = await wxpay(['call', 'v3/certificates', '--private-key', 'missing.pem'], env, dir)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--private-key: cannot read missing.pem (ENOENT)')
  })
})
