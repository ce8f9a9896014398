// exchange(): one failover, and only before a reply has started; the caller's AbortSignal. Both
// hosts are scriptable gateways from @wxpay/sandbox/testing: the primary writes exactly the bytes
// each test asks for (a half reply, a reset); the backup's `seen` shows whether anything was re-sent.
import { getEventListeners } from 'node:events'
import { createServer } from 'node:net'
import { type Answer, type Gateway, startGateway } from '@wxpay/sandbox/testing'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { clientOptions, mchid, merchantSerial, platformSerial, secret } from '../../test/fixtures'
import { type TestKeys, testKeys } from '../../test/keys'
import { WechatpayTransportError } from '../errors'
import { Wechatpay as FetchWechatpay } from '../index'
import { Wechatpay } from '../node'

let keys: TestKeys
let primary: Gateway
let backup: Gateway

beforeAll(async () => {
  keys = testKeys()
  const options = {
    mchid,
    merchantSerial,
    merchantPublicKey: keys.merchantPublicKey,
    platformSerial,
    platformKey: keys.platformKey,
    secret,
  }
  primary = await startGateway(options)
  backup = await startGateway(options)
})

afterAll(async () => {
  await primary.close()
  await backup.close()
})

afterEach(() => {
  primary.seen.length = 0
  backup.seen.length = 0
  primary.handler = () => ({ status: 204 })
  backup.handler = () => ({ status: 204 })
})

/** Options of a client whose primary host is `primary`, without a backup unless `extra` gives one. */
function options(extra: Record<string, unknown> = {}) {
  return { ...clientOptions(keys), baseUrl: primary.url, backupBaseUrl: false as const, ...extra }
}

/** A loopback port with nothing listening: connecting to it is refused. */
async function closedPort(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return `http://127.0.0.1:${port}/`
}

const transports = [
  ['undici', Wechatpay],
  ['fetch', FetchWechatpay as typeof Wechatpay],
] as const

describe.each(transports)('failover only before a reply has started (%s)', (_, Client) => {
  const client = () => new Client({ ...clientOptions(keys), baseUrl: primary.url, backupBaseUrl: backup.url })
  const close = (c: Wechatpay) =>
    c.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({ out_trade_no: 'T1', json: { mchid } })

  test.each([
    [
      'a 200 with a declared length, cut off mid-body',
      'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"sp_mchid":"19',
    ],
    [
      'a chunked 200, cut off mid-chunk',
      'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n{"sp_',
    ],
    ['a 500 cut off mid-body', 'HTTP/1.1 500 Internal Server Error\r\nContent-Length: 50\r\n\r\n{"co'],
  ])('%s: a transport error, never re-sent to the backup', async (_, bytes) => {
    // Before: the same POST was sent a second time, to the backup host.
    primary.handler = () => ({ raw: bytes })
    const error = await close(client()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatpayTransportError)
    expect(error).toMatchObject({ code: 'NETWORK', retryable: false })
    expect(primary.seen).toHaveLength(1)
    expect(backup.seen).toHaveLength(0)
  })

  test('a connection closed before any byte of a reply: the same signed request goes to the backup', async () => {
    primary.handler = () => 'reset'
    const result = await close(client())
    expect(result.status).toBe(204)
    expect(primary.seen).toHaveLength(1)
    expect(backup.seen).toHaveLength(1)
    expect(backup.seen[0]!.valid).toBe(true)
  })
})

describe.each(transports)('one AbortSignal shared by many calls (%s)', (_, Client) => {
  const CALLS = 50
  const client = () => new Client({ ...clientOptions(keys), baseUrl: primary.url, backupBaseUrl: false })
  /**
   * Holds every request until `CALLS` have arrived, so that all the calls are in flight at once;
   * then runs `then` and answers each with `answer` ('hang' when the calls are being aborted).
   */
  function holdUntilAll(then: () => void, answer: Answer) {
    let release: () => void
    const all = new Promise<void>((resolve) => {
      release = resolve
    })
    primary.handler = async () => {
      if (primary.seen.length === CALLS) {
        then()
        release()
      }
      await all
      return answer
    }
  }

  async function warningsDuring(run: () => Promise<void>): Promise<Error[]> {
    const warnings: Error[] = []
    const onWarning = (warning: Error) => warnings.push(warning)
    process.on('warning', onWarning)
    try {
      await run()
      // process warnings are emitted on a later tick
      await new Promise((resolve) => setTimeout(resolve, 50))
    } finally {
      process.off('warning', onWarning)
    }
    return warnings
  }

  test(`${CALLS} concurrent calls: no MaxListenersExceededWarning, no listener left behind`, async () => {
    // Before: one listener per call on the shared signal; Node warned past 10.
    const c = client()
    const controller = new AbortController()
    holdUntilAll(() => {}, { status: 404, body: '{"code":"NOT_FOUND","message":"x"}' })
    const warnings = await warningsDuring(async () => {
      const results = await Promise.allSettled(
        Array.from({ length: CALLS }, () => c.chain('v3/x' as string).get({ signal: controller.signal })),
      )
      for (const result of results)
        expect(result).toMatchObject({ reason: { name: 'WechatpayApiError', status: 404 } })
    })
    expect(primary.seen).toHaveLength(CALLS)
    expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([])
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  test(`aborting the shared signal aborts all ${CALLS} calls in flight`, async () => {
    const c = client()
    const controller = new AbortController()
    holdUntilAll(() => controller.abort(), 'hang')
    const warnings = await warningsDuring(async () => {
      const results = await Promise.allSettled(
        Array.from({ length: CALLS }, () => c.chain('v3/x' as string).get({ signal: controller.signal })),
      )
      for (const result of results)
        expect(result).toMatchObject({ reason: { name: 'WechatpayTransportError', code: 'ABORTED' } })
    })
    expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([])
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })
})

describe('transport: failover, timeout, abort', () => {
  test('connection refused on the primary → the same signed request succeeds on the backup', async () => {
    const client = new Wechatpay(options({ baseUrl: await closedPort(), backupBaseUrl: backup.url }))
    const result = await client.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
      out_trade_no: 'F1',
      json: { mchid },
    })
    expect(result.status).toBe(204)
    expect(backup.seen).toHaveLength(1)
    expect(backup.seen[0]!.valid).toBe(true)
  })

  test('a reset connection is retried once on the backup, then a typed error', async () => {
    primary.handler = () => 'reset'
    backup.handler = () => 'reset'
    const client = new Wechatpay(options({ backupBaseUrl: backup.url }))
    const error = await client.v3.pay.transactions.outTradeNo._out_trade_no_.close
      .post({ out_trade_no: 'R1', json: { mchid } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatpayTransportError)
    expect(error).toMatchObject({ code: 'CONNECTION', retryable: true })
    expect(primary.seen).toHaveLength(1)
    expect(backup.seen).toHaveLength(1)
    expect(primary.seen[0]!.headers.authorization).toBe(backup.seen[0]!.headers.authorization)
  })

  test('without a backup, a refused connection is a typed error', async () => {
    const client = new Wechatpay(options({ baseUrl: await closedPort(), backupBaseUrl: false }))
    await expect(
      client.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
        out_trade_no: 'F2',
        json: { mchid },
      }),
    ).rejects.toMatchObject({ name: 'WechatpayTransportError', code: 'CONNECTION' })
  })

  test.each([0, 1])('timeout → WechatpayTransportError TIMEOUT (transport %i)', async (index) => {
    primary.handler = () => 'hang'
    const Client = index === 0 ? Wechatpay : (FetchWechatpay as typeof Wechatpay)
    const client = new Client(options({ timeout: 150 }))
    // The gateway never answers: only the client's timer can end this call (else the test times
    // out), and the message names the configured value, so it is that timer that fired. How soon
    // is not asserted (benchmarks measure time; CI machines are loaded).
    const error = await client.v3.pay.transactions.outTradeNo._out_trade_no_.close
      .post({ out_trade_no: 'H1', json: { mchid } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatpayTransportError)
    expect(error).toMatchObject({ code: 'TIMEOUT', message: 'no reply within 150 ms' })
  })

  test('an AbortSignal cancels the call', async () => {
    primary.handler = () => 'hang'
    const controller = new AbortController()
    const pending = new Wechatpay(options()).v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
      out_trade_no: 'A1',
      json: { mchid },
      signal: controller.signal,
    })
    setTimeout(() => controller.abort(), 50)
    await expect(pending).rejects.toMatchObject({ name: 'WechatpayTransportError', code: 'ABORTED' })
  })
})
