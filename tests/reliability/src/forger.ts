// A small, controllable stand-in for the WeChat Pay gateway on 127.0.0.1: it records what the
// client sends and answers whatever each case scripts, signing replies with node:crypto so that
// a case can tamper with a genuine reply (or stream a huge one) byte by byte.
import { createHash, createHmac, randomBytes, sign } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Captured {
  method: string
  /** The request target exactly as it came on the request line. */
  target: string
  headers: IncomingHttpHeaders
  body: Buffer
}

/** A reply as raw parts: header lines in order (a name may repeat) and the body bytes. */
export interface RawReply {
  status: number
  headers?: Array<[string, string]>
  body?: Buffer | string
}

/** Streams `total` bytes of `chunk` repeated, honouring back-pressure (no Content-Length unless given). */
export interface StreamReply {
  stream: { status: number; headers?: Array<[string, string]>; chunk: Buffer; total: number }
}

export type Answer = RawReply | StreamReply | 'reset' | 'hang'

export interface Forger {
  url: string
  seen: Captured[]
  answer: (request: Captured) => Answer
  /** Bytes of the last streamed reply actually handed to the socket before it closed. */
  streamed: number
  close(): Promise<void>
}

export async function startForger(): Promise<Forger> {
  const forger: Forger = {
    url: '',
    seen: [],
    answer: () => ({ status: 404 }),
    streamed: 0,
    close: async () => {},
  }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const captured: Captured = {
        method: req.method ?? '',
        target: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      }
      forger.seen.push(captured)
      const answer = forger.answer(captured)
      if (answer === 'hang') return
      if (answer === 'reset') {
        req.socket.resetAndDestroy()
        return
      }
      if ('stream' in answer) {
        const { status, headers = [], chunk, total } = answer.stream
        writeHeaders(res, headers)
        res.writeHead(status)
        forger.streamed = 0
        const pump = () => {
          while (forger.streamed < total && !res.destroyed) {
            forger.streamed += chunk.length
            if (!res.write(chunk)) return void res.once('drain', pump)
          }
          if (!res.destroyed) res.end()
        }
        res.on('error', () => {})
        pump()
        return
      }
      const body =
        typeof answer.body === 'string' ? Buffer.from(answer.body) : (answer.body ?? Buffer.alloc(0))
      writeHeaders(res, answer.headers ?? [])
      if (!res.hasHeader('content-length') && answer.status !== 204 && answer.status !== 304)
        res.setHeader('content-length', body.length)
      res.writeHead(answer.status)
      res.end(answer.status === 204 ? undefined : body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  forger.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  forger.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return forger
}

/** Sets header lines in order; a name given twice goes on the wire twice. */
function writeHeaders(res: import('node:http').ServerResponse, headers: Array<[string, string]>) {
  const grouped = new Map<string, string[]>()
  for (const [name, value] of headers) grouped.set(name, [...(grouped.get(name) ?? []), value])
  for (const [name, values] of grouped) res.setHeader(name, values.length === 1 ? values[0]! : values)
}

/** The parts of a v3 reply signature: SHA256withRSA over `TIMESTAMP\nNONCE\nBODY\n`. */
export interface V3Signed {
  timestamp: string
  nonce: string
  signature: string
}

export function signV3(
  privateKey: string,
  body: Buffer | string,
  options: { timestamp?: string; nonce?: string } = {},
): V3Signed {
  const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000))
  const nonce = options.nonce ?? randomBytes(16).toString('hex')
  const message = Buffer.concat([
    Buffer.from(`${timestamp}\n${nonce}\n`),
    Buffer.from(body),
    Buffer.from('\n'),
  ])
  return { timestamp, nonce, signature: sign('sha256', message, privateKey).toString('base64') }
}

/** The five `Wechatpay-*` header lines of a signed v3 reply, in WeChat Pay's order. */
export function v3Headers(serial: string, signed: V3Signed): Array<[string, string]> {
  return [
    ['Wechatpay-Nonce', signed.nonce],
    ['Wechatpay-Signature', signed.signature],
    ['Wechatpay-Timestamp', signed.timestamp],
    ['Wechatpay-Serial', serial],
    ['Wechatpay-Signature-Type', 'WECHATPAY2-SHA256-RSA2048'],
  ]
}

/** APIv2 sign with node:crypto: sorted non-empty `k=v` joined by `&`, `&key=`, MD5 or HMAC-SHA256, upper hex. */
export function signV2(fields: Record<string, string>, secret: string, type: 'MD5' | 'HMAC-SHA256'): string {
  const text = `${Object.keys(fields)
    .filter((k) => k !== 'sign' && fields[k] !== '')
    .sort()
    .map((k) => `${k}=${fields[k]}&`)
    .join('')}key=${secret}`
  const hash = type === 'MD5' ? createHash('md5') : createHmac('sha256', secret)
  return hash.update(text, 'utf8').digest('hex').toUpperCase()
}

/** `<xml><k><![CDATA[v]]></k>…</xml>` written by hand (no XML library: an independent encoder). */
export function v2Xml(fields: Record<string, string>): string {
  let out = '<xml>'
  for (const [k, v] of Object.entries(fields))
    out += `<${k}><![CDATA[${v.replaceAll(']]>', ']]]]><![CDATA[>')}]]></${k}>`
  return `${out}</xml>`
}
