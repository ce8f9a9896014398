// The secrets scan in CI: no key material in anything the SDK creates or logs, across every failure.
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { type Forger, startForger } from './forger'
import { watchUnhandled } from './guard'
import { needlesFor, renderings, runSecretsScan } from './secrets'

const unhandled = watchUnhandled()
let sb: Sandbox
let forger: Forger

beforeAll(async () => {
  sb = await startSandbox()
  forger = await startForger()
})
afterAll(async () => {
  await Promise.all([sb.close(), forger.close()])
  expect(unhandled.count()).toBe(0)
})

test('the scan finds a planted secret (it can fail)', () => {
  const needles = needlesFor(sb.merchant.privateKey, sb.merchant.secret, 'K'.repeat(32))
  const body = sb.merchant.privateKey.split('\n').slice(5, 6).join('')
  const planted = renderings(new Error(`oops ${body}`))
  expect(needles.some(([, n]) => planted.message!.includes(n))).toBe(true)
})

test('no private key slice, APIv2 key or APIv3 key in any error, response, client, node or log line', async () => {
  const result = await runSecretsScan(sb, forger)
  expect(result.hits).toEqual([])
  expect(result.scenarios).toBeGreaterThan(40)
  for (const cls of [
    'WechatpayValidationError',
    'WechatpayTransportError',
    'WechatpayApiError',
    'WechatpaySignatureError',
    'WechatpayBusinessError',
  ]) {
    expect(result.errors.get(cls)).toBeGreaterThan(0)
  }
  expect(result.consoleLines).toBeGreaterThanOrEqual(result.scenarios)
  expect(result.renderings).toBeGreaterThan(300)
})
