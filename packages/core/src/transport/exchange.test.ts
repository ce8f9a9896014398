// exchange(): one failover, and only before a reply has started; the caller's AbortSignal. The
// primary host here is a raw `net` server that writes exactly the bytes each test asks for; the
// backup is the recording gateway (test/gateway.ts), whose `seen` shows whether anything was re-sent.
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
