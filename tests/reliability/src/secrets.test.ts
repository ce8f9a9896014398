// The secrets scan in CI: no key material in anything the SDK creates or logs, across every failure.
import { startSandbox } from '@wxpay/sandbox'
import { startGateway } from '@wxpay/sandbox/testing'
import { expect, test } from 'vitest'
import { needlesFor, renderings, runSecretsScan } from './secrets'
import { serverForFile } from './suite'

const sb = serverForFile(startSandbox)
const forger = serverForFile(() => startGateway())

test('the scan finds a planted secret (it can fail)', () => {
  const needles = needlesFor(sb().merchant.privateKey, sb().merchant.secret, 'K'.repeat(32))
  const body = sb().merchant.privateKey.split('\n').slice(5, 6).join('')
  const planted = renderings(new Error(`oops ${body}`))
  expect(needles.some(([, n]) => planted.message!.includes(n))).toBe(true)
})

test('a malformed secret a scenario gave is a needle too (a 31-character APIv3 key)', () => {
  const short = 'k'.repeat(31)
  const needles = needlesFor(sb().merchant.privateKey, sb().merchant.secret, 'K'.repeat(32), [short])
  const planted = renderings(new Error(`apiv3Key ${short} has 31 characters`))
  expect(needles.filter(([, n]) => planted.message!.includes(n)).map(([what]) => what)).toEqual([
    'a given secret (31 characters)',
  ])
})

test('no private key slice, APIv2 key or APIv3 key in any error, response, client, node or log line', async () => {
  const result = await runSecretsScan(sb(), forger())
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
