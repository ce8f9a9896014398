// The cheap reply server, run in a child process: every v3 close gets the same pre-signed 204,
// every v2 close the same pre-signed XML. It does no per-request crypto, so its cost is small and
// equal for every client. Signatures are refreshed every 60 s to stay inside the 300 s window.
import { createHash, createHmac, randomBytes, sign } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Fixtures } from './fixtures'

const fixtures = JSON.parse(process.env.BENCH_FIXTURES ?? '{}') as Fixtures
/** `valid` (default) or `forged`: a wrong signature, to prove that every client verifies. */
const mode = process.env.BENCH_REPLY_MODE ?? 'valid'

let v3Headers: Record<string, string> = {}
let v2Bodies: Record<string, string> = {}

function v2Sign(fields: Record<string, string>, type: string): string {
  const text = `${Object.keys(fields)
    .filter((k) => k !== 'sign' && fields[k])
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('&')}&key=${fixtures.secret}`
  const hash = type === 'HMAC-SHA256' ? createHmac('sha256', fixtures.secret) : createHash('md5')
  return hash.update(text).digest('hex').toUpperCase()
}

function presign() {
  const timestamp = String(Math.floor(Date.now() / 1000))
  const nonce = randomBytes(16).toString('hex')
  const signature = sign(
    'sha256',
    Buffer.from(`${timestamp}\n${nonce}\n\n`),
    fixtures.platformPrivateKey,
  ).toString('base64')
  v3Headers = {
    'request-id': 'bench',
    'wechatpay-timestamp': timestamp,
    'wechatpay-nonce': nonce,
    'wechatpay-signature': mode === 'forged' ? `${signature.slice(0, -8)}AAAAAAA=` : signature,
    'wechatpay-serial': fixtures.platformSerial,
    'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
  }
  v2Bodies = {}
  for (const type of ['MD5', 'HMAC-SHA256']) {
    const fields: Record<string, string> = {
      return_code: 'SUCCESS',
      return_msg: 'OK',
      appid: fixtures.appid,
      mch_id: fixtures.mchid,
      nonce_str: randomBytes(8).toString('hex'),
      result_code: 'SUCCESS',
    }
    fields.sign = mode === 'forged' ? '0'.repeat(32) : v2Sign(fields, type)
    v2Bodies[type] = `<xml>${Object.entries(fields)
      .map(([k, v]) => `<${k}><![CDATA[${v}]]></${k}>`)
      .join('')}</xml>`
  }
}

presign()
setInterval(presign, 60_000).unref()

let count = 0
const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
  count++
  const chunks: Buffer[] = []
  req.on('data', (chunk: Buffer) => chunks.push(chunk))
  req.on('end', () => {
    if (req.url?.startsWith('/v3/')) {
      res.writeHead(204, v3Headers)
      res.end()
      return
    }
    const type = Buffer.concat(chunks).includes('HMAC-SHA256') ? 'HMAC-SHA256' : 'MD5'
    res.writeHead(200, { 'content-type': 'text/xml' })
    res.end(v2Bodies[type])
  })
})
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`)
})
process.on('message', (message) => {
  if (message === 'count') process.send?.({ count })
})
process.on('disconnect', () => process.exit(0))
