// A strict stand-in for the WeChat Pay gateway used by the core's end-to-end tests. It checks
// signatures with node:crypto (independently of the SDK's Web Crypto code) and signs replies.
import { createHash, createHmac, randomBytes, sign, verify } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { XMLBuilder, XMLParser } from 'fast-xml-parser'

export interface Seen {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
  /** For v3: whether the Authorization header verified. For v2: whether the sign verified. */
  valid: boolean
  fields?: Record<string, string>
}

export interface Reply {
  status: number
  body?: string
  headers?: Record<string, string>
  /** Sign v3 replies (default true for 2xx). */
  sign?: boolean
}

export interface GatewayOptions {
  mchid: string
  merchantSerial: string
  merchantPublicKey: string
  platformSerial: string
  platformKey: string
  secret: string
}

export interface Gateway {
  url: string
  seen: Seen[]
  /** Handles the next requests; return a Reply, or 'reset' to destroy the socket. */
  handler: (req: Seen) => Reply | 'reset' | 'hang'
  close(): Promise<void>
}

const xmlParser = new XMLParser({ parseTagValue: false, ignoreAttributes: true, trimValues: false })
const xmlBuilder = new XMLBuilder({ cdataPropName: '#cdata' })

export function v2Sign(fields: Record<string, string>, secret: string, type: string): string {
  const text =
    Object.keys(fields)
      .filter((k) => k !== 'sign' && fields[k] !== '' && fields[k] !== undefined)
      .sort()
      .map((k) => `${k}=${fields[k]}`)
      .join('&') + `&key=${secret}`
  return (type === 'HMAC-SHA256' ? createHmac('sha256', secret).update(text) : createHash('md5').update(text))
    .digest('hex')
    .toUpperCase()
}

export function v2Xml(fields: Record<string, string>): string {
  const xml: Record<string, { '#cdata': string }> = {}
  for (const [k, v] of Object.entries(fields)) xml[k] = { '#cdata': v }
  return xmlBuilder.build({ xml }) as string
}

/** A v2 reply's XML: `fields` followed by their `sign` (MD5 unless `type` says otherwise). */
export function signedV2Xml(fields: Record<string, string>, secret: string, type = 'MD5'): string {
  return v2Xml({ ...fields, sign: v2Sign(fields, secret, type) })
}

function parseAuthorization(header: string | undefined): Record<string, string> | undefined {
  const match = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(header ?? '')
  if (!match) return undefined
  const out: Record<string, string> = {}
  for (const pair of match[1]!.matchAll(/(\w+)="([^"]*)"/g)) out[pair[1]!] = pair[2]!
  return out
}

/** Signs a v3 reply body the way WeChat Pay does: headers over `TS\nNONCE\nBODY\n`. */
export function signReply(
  key: string,
  serial: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
) {
  const nonce = randomBytes(16).toString('hex')
  const signature = sign('sha256', Buffer.from(`${timestamp}\n${nonce}\n${body}\n`), key).toString('base64')
  return {
    'wechatpay-timestamp': String(timestamp),
    'wechatpay-nonce': nonce,
    'wechatpay-signature': signature,
    'wechatpay-serial': serial,
    'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
  }
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const gateway: Gateway = {
    url: '',
    seen: [],
    handler: () => ({ status: 204 }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const url = req.url ?? '/'
      let valid = false
      let fields: Record<string, string> | undefined
      if (url.startsWith('/v3/')) {
        const auth = parseAuthorization(req.headers.authorization)
        if (auth?.mchid === options.mchid && auth.serial_no === options.merchantSerial && auth.signature) {
          const message = `${req.method}\n${url}\n${auth.timestamp}\n${auth.nonce_str}\n${body}\n`
          valid =
            Math.abs(Date.now() / 1000 - Number(auth.timestamp)) < 300 &&
            /^[0-9A-Za-z]{32}$/.test(auth.nonce_str ?? '') &&
            verify(
              'sha256',
              Buffer.from(message),
              options.merchantPublicKey,
              Buffer.from(auth.signature, 'base64'),
            )
        }
      } else {
        fields = (xmlParser.parse(body) as { xml: Record<string, string> }).xml
        valid = fields.sign === v2Sign(fields, options.secret, fields.sign_type ?? 'MD5')
      }
      const seen: Seen = {
        method: req.method ?? '',
        url,
        headers: req.headers,
        body,
        valid,
        ...(fields ? { fields } : {}),
      }
      gateway.seen.push(seen)
      const reply = gateway.handler(seen)
      if (reply === 'reset') {
        req.socket.destroy()
        return
      }
      if (reply === 'hang') return
      const headers: Record<string, string> = { 'request-id': `req-${gateway.seen.length}`, ...reply.headers }
      const replyBody = reply.body ?? ''
      if (url.startsWith('/v3/') && (reply.sign ?? (reply.status >= 200 && reply.status < 300))) {
        Object.assign(headers, signReply(options.platformKey, options.platformSerial, replyBody))
      }
      if (replyBody && !headers['content-type']) {
        headers['content-type'] = url.startsWith('/v3/') ? 'application/json' : 'text/xml'
      }
      res.writeHead(reply.status, headers)
      res.end(replyBody)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  gateway.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  const close = gateway.close
  gateway.close = () => {
    server.closeAllConnections()
    return close()
  }
  return gateway
}
