// A scriptable raw stand-in for the WeChat Pay gateway on 127.0.0.1. Unlike the sandbox (a
// faithful gateway with state), it answers whatever each test scripts, byte by byte: a reply
// (signed for it, or tampered with), a reset, silence, a stream, or raw bytes on the socket. It
// records every request and checks its signature with node:crypto, independently of the SDK.
import type { KeyObject } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isV2SignType, parseV2Xml, v2Sign } from './v2'
import { checkV3Authorization, signV3Reply } from './v3'

/** A request as it came off the wire. */
export interface Seen {
  method: string
  /** The request target exactly as on the request line (path and query). */
  url: string
  headers: IncomingHttpHeaders
  /** The body as UTF-8 text. */
  body: string
  /** The body bytes. */
  raw: Buffer
  /**
   * v3 (`/v3/…`): the Authorization header verified (also a 32-alphanumeric nonce, which is
   * what the SDK sends). Others: the v2 `sign` verified. Always false without the keys to check.
   */
  valid: boolean
  /** Why `valid` is false. */
  reason?: string
  /** v2: the body's flat XML fields, when it parsed. */
  fields?: Record<string, string>
}

/** A reply. */
export interface Reply {
  status: number
  /**
   * A record: `request-id` and a `content-type` by path are added unless given. Lines
   * `[name, value]`: sent exactly so, in order, a name given twice is sent twice.
   */
  headers?: Record<string, string> | Array<[string, string]>
  body?: string | Uint8Array
  /** Sign a `/v3/` reply with the platform key (default: 2xx, with a platform key configured). */
  sign?: boolean
}

/** Streams `chunk` until `total` bytes, honouring back-pressure (no Content-Length unless given). */
export interface StreamReply {
  stream: { status: number; headers?: Array<[string, string]>; chunk: Uint8Array; total: number }
}

/** Bytes written on the socket as they are (a malformed reply, a half reply); then it closes. */
export interface RawSocketReply {
  raw: string | Uint8Array
}

/** `reset`: a TCP reset. `hang`: never answer (until the gateway closes). */
export type Answer = Reply | StreamReply | RawSocketReply | 'reset' | 'hang'

export interface GatewayOptions {
  /** The merchant the v3 Authorization header must name. */
  mchid?: string
  merchantSerial?: string
  /** Merchant public key (SPKI PEM): without it, no v3 request is `valid`. */
  merchantPublicKey?: string | KeyObject
  /** Platform key id and private key: without them, no reply is signed by the gateway. */
  platformSerial?: string
  platformKey?: string | KeyObject
  /** APIv2 key: without it, no v2 request is `valid`. */
  secret?: string
}

export interface Gateway {
  /** `http://127.0.0.1:PORT/`. */
  url: string
  /** Every request so far; tests clear it with `seen.length = 0`. */
  seen: Seen[]
  /** Answers each request (default: 204). May be async. */
  handler: (req: Seen) => Answer | Promise<Answer>
  /** Bytes of the last streamed reply handed to the socket before it ended or the client left. */
  streamed: number
  /** Closes every connection (hanging ones too) and the server. */
  close(): Promise<void>
}

function check(
  options: GatewayOptions,
  seen: Omit<Seen, 'valid'>,
): Pick<Seen, 'valid' | 'reason' | 'fields'> {
  if (seen.url.startsWith('/v3/')) {
    const { mchid, merchantSerial, merchantPublicKey } = options
    if (!mchid || !merchantSerial || !merchantPublicKey) return { valid: false, reason: 'no merchant key' }
    const authorization = seen.headers.authorization
    const reason = checkV3Authorization(
      { method: seen.method, target: seen.url, authorization, body: seen.raw },
      { mchid, serial: merchantSerial, publicKey: merchantPublicKey },
    )
    if (reason) return { valid: false, reason }
    return /nonce_str="[0-9A-Za-z]{32}"/.test(authorization ?? '')
      ? { valid: true }
      : { valid: false, reason: 'nonce_str is not 32 alphanumerics' }
  }
  const fields = parseV2Xml(seen.body)
  if (!fields) return { valid: false, reason: 'not a flat <xml> document' }
  const type = fields.sign_type ?? 'MD5'
  if (!options.secret) return { valid: false, reason: 'no APIv2 key', fields }
  if (!isV2SignType(type)) return { valid: false, reason: `unknown sign_type ${type}`, fields }
  const valid = fields.sign === v2Sign(fields, options.secret, type)
  return valid ? { valid, fields } : { valid, reason: 'the sign does not verify', fields }
}

/** Sets header lines in order; a name given twice goes on the wire twice. */
function setLines(res: ServerResponse, lines: Array<[string, string]>) {
  const grouped = new Map<string, string[]>()
  for (const [name, value] of lines) grouped.set(name, [...(grouped.get(name) ?? []), value])
  for (const [name, values] of grouped) res.setHeader(name, values.length === 1 ? values[0]! : values)
}

/**
 * Starts a gateway on a free loopback port. With `options`, it verifies each request (`seen[i].valid`)
 * and signs 2xx `/v3/` replies with the platform key, as WeChat Pay does.
 */
export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks)
      const partial = {
        method: req.method ?? '',
        url: req.url ?? '/',
        headers: req.headers,
        body: raw.toString('utf8'),
        raw,
      }
      const seen: Seen = { ...partial, ...check(options, partial) }
      gateway.seen.push(seen)
      void Promise.resolve()
        .then(() => gateway.handler(seen))
        .then((answer) => respond(seen, res, answer, gateway.seen.length))
        .catch((err: unknown) => {
          // a throwing handler is a bug in the test: answer 500 and say so on stderr
          process.stderr.write(`gateway handler threw: ${String(err)}\n`)
          if (!res.headersSent) res.writeHead(500)
          res.end()
        })
    })
  })

  function respond(seen: Seen, res: ServerResponse, answer: Answer, n: number) {
    if (answer === 'hang') return
    if (answer === 'reset') {
      res.socket?.resetAndDestroy()
      return
    }
    if ('raw' in answer) {
      res.socket?.end(answer.raw)
      return
    }
    if ('stream' in answer) {
      const { status, headers = [], chunk, total } = answer.stream
      setLines(res, headers)
      res.writeHead(status)
      gateway.streamed = 0
      res.on('error', () => {})
      const pump = () => {
        while (gateway.streamed < total && !res.destroyed) {
          gateway.streamed += chunk.length
          if (!res.write(chunk)) return void res.once('drain', pump)
        }
        if (!res.destroyed) res.end()
      }
      pump()
      return
    }
    const v3 = seen.url.startsWith('/v3/')
    const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : Buffer.from(answer.body ?? [])
    if (Array.isArray(answer.headers)) {
      setLines(res, answer.headers)
    } else {
      const headers: Record<string, string> = { 'request-id': `req-${n}`, ...answer.headers }
      const hasType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')
      if (body.length > 0 && !hasType) headers['content-type'] = v3 ? 'application/json' : 'text/xml'
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
    }
    const { platformKey, platformSerial } = options
    if (
      v3 &&
      platformKey &&
      platformSerial &&
      (answer.sign ?? (answer.status >= 200 && answer.status < 300))
    ) {
      const signed = signV3Reply({ privateKey: platformKey, serial: platformSerial, body })
      for (const [name, value] of Object.entries(signed)) res.setHeader(name, value)
    }
    const empty = answer.status === 204 || answer.status === 304
    if (!empty && !res.hasHeader('content-length')) res.setHeader('content-length', body.length)
    res.writeHead(answer.status)
    res.end(empty ? undefined : body)
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const gateway: Gateway = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    seen: [],
    handler: () => ({ status: 204 }),
    streamed: 0,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  return gateway
}
