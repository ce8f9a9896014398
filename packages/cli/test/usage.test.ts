// Help, version, usage errors and their exit codes; the secrets net (a reply that echoes a
// secret back is printed with the secret masked).
import { readFileSync } from 'node:fs'
import { alnum, rsaKeyPair, startGateway } from '@wxpay/sandbox/testing'
import { describe, expect, test } from 'vitest'
import { EXIT, run } from '../src/index'
import { expectNoSecret, secret, wxpay } from './helpers'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string
}

describe('help and version', () => {
  test('wxpay --help: the commands and the exit codes, on stdout, exit 0', async () => {
    const r = await wxpay(['--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Usage: wxpay <command> \[options\]/)
    for (const text of [
      'certificates download',
      'call <path>',
      'sandbox',
      '0  done',
      '1  WeChat Pay answered',
      '2  usage',
      '3  no reply',
      '4  a local file',
    ])
      expect(r.stdout).toContain(text)
  })

  test.each([
    [['call', '--help'], 'Usage: wxpay call <path>'],
    [['certificates', '--help'], 'Usage: wxpay certificates download'],
    [['sandbox', '--help'], 'Usage: wxpay sandbox'],
    [['help'], 'Usage: wxpay <command>'],
  ])('wxpay %j prints its usage, exit 0', async (args, usage) => {
    const r = await wxpay(args)
    expect(r.code).toBe(0)
    expect(r.stdout.startsWith(usage)).toBe(true)
    expect(r.stderr).toBe('')
  })

  test('wxpay --version: the package version, exit 0', async () => {
    const r = await wxpay(['--version'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(
      new RegExp(
        `^@wxpay/cli ${pkg.version.replaceAll('.', '\\.')} \\(@wxpay/core \\S+, Node\\.js \\S+\\)\\n$`,
      ),
    )
  })
})

describe('usage errors: exit 2, a hint, nothing on stdout', () => {
  test.each([
    [[], 'Usage: wxpay <command>'],
    [['pay'], 'wxpay: unknown command "pay"'],
    [['call'], 'wxpay: wxpay call takes exactly one path'],
    [['call', 'v3/x', '--nope'], "Unknown option '--nope'"],
    [['call', 'v3/x', '--json', '{bad', '--mchid', '1'], 'wxpay: --json is not valid JSON'],
    [['call', 'v3/x', '--json', '{}', '--xml', 'a=b'], '--json (APIv3) and --xml (APIv2) do not go together'],
    [['call', 'v3/x', '--method', 'fetch'], '--method must be one of get, post, put, patch, delete'],
    [['call', 'v3/x', '--query', 'novalue'], '--query takes name=value'],
    [['call', 'v3/x'], 'no merchant id: give --mchid or set WECHATPAY_MCHID'],
    [['certificates'], 'Usage: wxpay certificates download'],
    [['certificates', 'upload'], 'unknown certificates command: upload'],
  ])('wxpay %j', async (args, message) => {
    const r = await wxpay(args)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(message)
    expect(r.stdout).toBe('')
  })
})

describe('secrets', () => {
  test('the scan used on every run above fails on output holding a secret', () => {
    const key = alnum(32)
    secret(key)
    expect(() => expectNoSecret(`error: ${key}.`, 'text')).toThrow(/contains a secret \(32 characters\)/)
    const pem = rsaKeyPair().privateKey
    secret(pem)
    const line = pem.split('\n')[5]!
    expect(() => expectNoSecret(`…${line}…`, 'text')).toThrow(/contains a secret/)
  })

  test('a gateway echoing the APIv3 key, the APIv2 key and a private key line back: masked in the output', async () => {
    const merchant = rsaKeyPair()
    const apiv3Key = alnum(32)
    const v2Key = alnum(32)
    for (const value of [merchant.privateKey, apiv3Key, v2Key]) secret(value)
    const gateway = await startGateway()
    const leak = `${apiv3Key} ${v2Key} ${merchant.privateKey.split('\n')[3]}`
    gateway.handler = () => ({
      status: 400,
      body: JSON.stringify({ code: 'PARAM_ERROR', message: `echo ${leak}`, detail: { echo: leak } }),
    })
    try {
      const env = {
        WECHATPAY_MCHID: '1900000109',
        WECHATPAY_SERIAL: 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678',
        WECHATPAY_PRIVATE_KEY: merchant.privateKey,
        WECHATPAY_CERTS: JSON.stringify({
          PUB_KEY_ID_0119000001092026112200000000000001: rsaKeyPair().publicKey,
        }),
        WECHATPAY_APIV3_KEY: apiv3Key,
        WECHATPAY_SECRET: v2Key,
        WECHATPAY_BASE_URL: gateway.url,
        WECHATPAY_BACKUP_BASE_URL: 'false',
      }
      // wxpay() itself fails the test if any of them is printed
      const r = await wxpay(['call', 'v3/pay/transactions/native', '--json', '{}'], env)
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/^wxpay: PARAM_ERROR: echo \[redacted\] \[redacted\] \[redacted\] \(HTTP 400/m)
      expect(JSON.parse(r.stdout)).toEqual({ echo: '[redacted] [redacted] [redacted]' })
    } finally {
      await gateway.close()
    }
  })
})

test('run() in-process: the same commands, output to the given streams, the exit code resolved', async () => {
  let stdout = ''
  let stderr = ''
  const io = {
    env: {},
    cwd: process.cwd(),
    stdout: (t: string) => {
      stdout += t
    },
    stderr: (t: string) => {
      stderr += t
    },
  }
  expect(await run(['--version'], io)).toBe(EXIT.OK)
  expect(stdout).toMatch(/^@wxpay\/cli /)
  expect(await run(['call', 'v3/x'], io)).toBe(EXIT.USAGE)
  expect(stderr).toContain('no merchant id')
})
