// The undici transport's own edges: aborts before the request reaches a socket, byte limits as
// the reply streams in, and duplicate headers kept visible.
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Agent } from 'undici'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { WechatpayTransportError } from '../errors'
import { undiciTransport } from './undici'

let server: Server
let url: string
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/hang') return
    if (req.url === '/big') {
      streamBig(res)
      return
    }
    res.setHeader('wechatpay-nonce', ['a', 'b'])
    res.end('ok')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

/** 4 MiB without a content-length: the limit must apply while the reply streams in. */
function streamBig(res: ServerResponse) {
  res.writeHead(200)
  const chunk = Buffer.alloc(64 * 1024, 120)
  let sent = 0
  const more = (): void => {
    while (sent < 4 * 1024 * 1024) {
      sent += chunk.length
      if (!res.write(chunk)) {
        res.once('drain', more)
        return
      }
    }
    res.end()
  }
  more()
}

afterAll(() => {
  server.closeAllConnections()
  server.close()
})

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
  const first = new AbortController()
  const hung = transport(request('/hang', first.signal)).catch((e: unknown) => e)
  const second = new AbortController()
  const queued = transport(request('/hang', second.signal)).catch((e: unknown) => e)
  await new Promise((resolve) => setTimeout(resolve, 50))
  const started = Date.now()
  second.abort()
  await queued
  expect(Date.now() - started).toBeLessThan(500)
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
