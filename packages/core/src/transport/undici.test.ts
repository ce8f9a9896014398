// The undici transport's own edges: aborts before the request reaches a socket, byte limits as
// the reply streams in, and duplicate headers kept visible.
import { type Gateway, startGateway } from '@wxpay/sandbox/testing'
import { Agent } from 'undici'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { WechatpayTransportError } from '../errors'
import { undiciTransport } from './undici'

let gateway: Gateway
let url: string
beforeAll(async () => {
  gateway = await startGateway()
  gateway.handler = (req) => {
    if (req.url === '/hang') return 'hang'
    // 4 MiB without a content-length: the limit must apply while the reply streams in
    if (req.url === '/big') {
      return { stream: { status: 200, chunk: Buffer.alloc(64 * 1024, 120), total: 4 * 1024 * 1024 } }
    }
    return {
      status: 200,
      headers: [
        ['wechatpay-nonce', 'a'],
        ['wechatpay-nonce', 'b'],
      ],
      body: 'ok',
    }
  }
  url = gateway.url.slice(0, -1)
})

afterAll(() => gateway.close())

const request = (path: string, signal: AbortSignal, maxBytes = 1024) => ({
  url: url + path,
  method: 'GET',
  headers: {},
  body: undefined,
  signal,
  maxBytes,
})

test('an abort while the request still waits for a connection settles at once', async () => {
  const agent = new Agent({ connections: 1 })
  const transport = undiciTransport(agent)
  gateway.seen.length = 0
  const first = new AbortController()
  let hungSettled = false
  const hung = transport(request('/hang', first.signal)).catch((e: unknown) => e)
  void hung.then(() => {
    hungSettled = true
  })
  // The first request holds the only connection (the gateway has it and never answers).
  while (gateway.seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 10))
  const second = new AbortController()
  const queued = transport(request('/hang', second.signal)).catch((e: unknown) => e)
  const reason = new Error('queued call aborted')
  second.abort(reason)
  // It settles with its own abort while the first still holds the connection: it did not wait
  // for one (how soon is not asserted: no timing in tests), and it never reached the gateway.
  expect(await queued).toBe(reason)
  expect(hungSettled).toBe(false)
  expect(gateway.seen.map((seen) => seen.url)).toEqual(['/hang'])
  first.abort()
  expect(await hung).toBeInstanceOf(Error)
  await agent.close()
})

test('a streamed reply over maxBytes is refused without reading it all', async () => {
  const error = await undiciTransport()(request('/big', new AbortController().signal, 256 * 1024)).catch(
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(WechatpayTransportError)
  expect(error).toMatchObject({ code: 'RESPONSE_TOO_LARGE' })
})

test('repeated headers are joined, as fetch does, so verification sees them', async () => {
  const reply = await undiciTransport()(request('/ok', new AbortController().signal))
  expect(reply.headers['wechatpay-nonce']).toBe('a, b')
  expect(new TextDecoder().decode(reply.body)).toBe('ok')
})
