// exchange(): one failover, and only before a reply has started; the caller's AbortSignal. The
// primary host here is a raw `net` server that writes exactly the bytes each test asks for; the
// backup is the recording gateway (test/gateway.ts), whose `seen` shows whether anything was re-sent.
import { getEventListeners } from 'node:events'
import { createServer, type Server, type Socket } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { clientOptions, mchid, merchantSerial, platformSerial, secret } from '../../test/fixtures'
import { type Gateway, startGateway } from '../../test/gateway'
import { type TestKeys, testKeys } from '../../test/keys'
import { WechatpayTransportError } from '../errors'
import { Wechatpay as FetchWechatpay } from '../index'
import { Wechatpay } from '../node'

let keys: TestKeys
let backup: Gateway
let raw: Server
let rawUrl: string
/** What the raw primary does with each request, once its head has arrived. */
let onRequest: (socket: Socket) => void
let rawRequests = 0

beforeAll(async () => {
  keys = testKeys()
  backup = await startGateway({
    mchid,
    merchantSerial,
    merchantPublicKey: keys.merchantPublicKey,
    platformSerial,
    platformKey: keys.platformKey,
    secret,
  })
  raw = createServer((socket) => {
    let head = ''
    socket.on('error', () => {})
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1')
      if (!head.includes('\r\n\r\n')) return
      head = ''
      rawRequests++
      onRequest(socket)
    })
  })
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve))
  rawUrl = `http://127.0.0.1:${(raw.address() as { port: number }).port}/`
})

afterAll(async () => {
  await backup.close()
  await new Promise((resolve) => raw.close(resolve))
})

afterEach(() => {
  backup.seen.length = 0
  rawRequests = 0
})

const transports = [
  ['undici', Wechatpay],
  ['fetch', FetchWechatpay as typeof Wechatpay],
] as const

describe.each(transports)('failover only before a reply has started (%s)', (_, Client) => {
  const client = () => new Client({ ...clientOptions(keys), baseUrl: rawUrl, backupBaseUrl: backup.url })
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
    onRequest = (socket) => socket.end(bytes, () => socket.destroy())
    const error = await close(client()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatpayTransportError)
    expect(error).toMatchObject({ code: 'NETWORK', retryable: false })
    expect(rawRequests).toBe(1)
    expect(backup.seen).toHaveLength(0)
  })

  test('a connection closed before any byte of a reply: the same signed request goes to the backup', async () => {
    onRequest = (socket) => socket.destroy()
    const result = await close(client())
    expect(result.status).toBe(204)
    expect(rawRequests).toBe(1)
    expect(backup.seen).toHaveLength(1)
    expect(backup.seen[0]!.valid).toBe(true)
  })
})

describe.each(transports)('one AbortSignal shared by many calls (%s)', (_, Client) => {
  const CALLS = 50
  const client = () => new Client({ ...clientOptions(keys), baseUrl: rawUrl, backupBaseUrl: false })
  const body = '{"code":"NOT_FOUND","message":"x"}'
  const notFound = `HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`

  /** Holds every request until `CALLS` have arrived, so that all the calls are in flight at once. */
  function holdUntilAll(then: (sockets: Socket[]) => void) {
    const held: Socket[] = []
    onRequest = (socket) => {
      held.push(socket)
      if (held.length === CALLS) then(held)
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
    holdUntilAll((sockets) => {
      for (const socket of sockets) socket.write(notFound)
    })
    const warnings = await warningsDuring(async () => {
      const results = await Promise.allSettled(
        Array.from({ length: CALLS }, () => c.chain('v3/x').get({ signal: controller.signal })),
      )
      for (const result of results)
        expect(result).toMatchObject({ reason: { name: 'WechatpayApiError', status: 404 } })
    })
    expect(rawRequests).toBe(CALLS)
    expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([])
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  test(`aborting the shared signal aborts all ${CALLS} calls in flight`, async () => {
    const c = client()
    const controller = new AbortController()
    holdUntilAll(() => controller.abort())
    const warnings = await warningsDuring(async () => {
      const results = await Promise.allSettled(
        Array.from({ length: CALLS }, () => c.chain('v3/x').get({ signal: controller.signal })),
      )
      for (const result of results)
        expect(result).toMatchObject({ reason: { name: 'WechatpayTransportError', code: 'ABORTED' } })
    })
    expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([])
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })
})
