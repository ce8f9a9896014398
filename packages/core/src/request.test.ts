// What send() refuses before any I/O (per-call options: timeout, query, headers, bodies), against a
// gateway that records every request it sees (test/gateway.ts): a refused call must leave it empty.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { clientOptions, mchid, merchantSerial, platformSerial, secret } from '../test/fixtures'
import { type Gateway, startGateway } from '../test/gateway'
import { testKeys } from '../test/keys'
import { Wechatpay as FetchWechatpay } from './index'
import { Wechatpay, WechatpayValidationError } from './node'

let gateway: Gateway
let clients: Array<[string, Wechatpay]>

beforeAll(async () => {
  const keys = testKeys()
  gateway = await startGateway({
    mchid,
    merchantSerial,
    merchantPublicKey: keys.merchantPublicKey,
    platformSerial,
    platformKey: keys.platformKey,
    secret,
  })
  const options = { ...clientOptions(keys), baseUrl: gateway.url, backupBaseUrl: false as const }
  clients = [
    ['undici', new Wechatpay(options)],
    ['fetch', new FetchWechatpay(options) as Wechatpay],
  ]
})

afterAll(async () => {
  await gateway.close()
})

afterEach(() => {
  gateway.seen.length = 0
  gateway.handler = () => ({ status: 204 })
})

/** The error of a call that must be refused before I/O, with the option it names. */
async function refused(call: Promise<unknown>): Promise<WechatpayValidationError> {
  const error = await call.catch((e: unknown) => e)
  expect(error).toBeInstanceOf(WechatpayValidationError)
  expect(gateway.seen).toHaveLength(0)
  return error as WechatpayValidationError
}

describe.each([0, 1])('per-call options, transport %i', (index) => {
  const client = () => clients[index]![1]

  test('a per-call timeout has the client option bounds: above 2^31 − 1 ms is refused', async () => {
    // Before: a timer of 2^31 ms fired at once and the call failed with TIMEOUT, as a network error.
    for (const timeout of [2 ** 31, 1e12]) {
      const error = await refused(client().chain('v3/x').get({ timeout }))
      expect(error.option).toBe('timeout')
    }
    expect(() => new Wechatpay({ mchid, timeout: 2 ** 31 })).toThrow(WechatpayValidationError)
  })

  test('the largest per-call timeout is accepted', async () => {
    gateway.handler = () => ({ status: 404, body: '{"code":"NOT_FOUND","message":"no"}' })
    const error = await client()
      .chain('v3/x')
      .get({ timeout: 2 ** 31 - 1 })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'WechatpayApiError', status: 404 })
    expect(gateway.seen).toHaveLength(1)
  })
})
