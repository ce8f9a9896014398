// The cheap reply server, run in a child process: every v3 close gets the same pre-signed 204,
// every v2 close the same pre-signed XML. It does no per-request crypto, so its cost is small and
// equal for every client. Signatures are refreshed every 60 s to stay inside the 300 s window.
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { signedV2Xml, signV3Reply, v2Xml } from '@wxpay/sandbox/testing'
import type { Fixtures } from './fixtures'

const fixtures = JSON.parse(process.env.BENCH_FIXTURES ?? '{}') as Fixtures
/** `valid` (default) or `forged`: a wrong signature, to prove that every client verifies. */
const mode = process.env.BENCH_REPLY_MODE ?? 'valid'

let v3Headers: Record<string, string> = {}
let v2Bodies: Record<string, string> = {}

function presign() {
  const signed = signV3Reply({
    privateKey: fixtures.platformPrivateKey,
    serial: fixtures.platformSerial,
    body: '',
  })
  if (mode === 'forged') {
    signed['Wechatpay-Signature'] = `${signed['Wechatpay-Signature'].slice(0, -8)}AAAAAAA=`
  }
  v3Headers = { 'request-id': 'bench', ...signed }
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
    v2Bodies[type] =
      mode === 'forged'
        ? v2Xml({ ...fields, sign: '0'.repeat(32) })
        : signedV2Xml(fields, fixtures.secret, type)
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
