// The clients measured side by side. Each `call()` does one v3 close (or v2 close) and resolves
// only when the reply has been verified; it throws otherwise.
import {
  createPrivateKey,
  createPublicKey,
  randomBytes,
  sign as signSync,
  verify as verifySync,
  webcrypto,
} from 'node:crypto'
import { Wechatpay } from '@wxpay/core'
import { Pool } from 'undici'
import { Wechatpay as Peer } from 'wechatpay-axios-plugin'
import { type Fixtures, OUT_TRADE_NO } from './fixtures'

export interface BenchClient {
  name: string
  call(): Promise<number>
  close(): Promise<void>
}

const PATH = `/v3/pay/transactions/out-trade-no/${OUT_TRADE_NO}/close`

export function wxpayCore(f: Fixtures, baseUrl: string): BenchClient {
  const wxpay = new Wechatpay({
    mchid: f.mchid,
    serial: f.serial,
    privateKey: f.privateKey,
    certs: { [f.platformSerial]: f.platformPublicKey },
    secret: f.secret,
    baseUrl,
    backupBaseUrl: false,
  })
  const close = wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close
  return {
    name: '@wxpay/core',
    call: async () => (await close.post({ out_trade_no: OUT_TRADE_NO, json: { mchid: f.mchid } })).status,
    close: async () => {},
  }
}

interface PeerNode {
  post(data: unknown, config?: Record<string, unknown>): Promise<{ status: number; data: unknown }>
}

function peerClient(f: Fixtures, baseUrl: string) {
  return new Peer({
    mchid: f.mchid,
    serial: f.serial,
    privateKey: f.privateKey,
    certs: { [f.platformSerial]: f.platformPublicKey },
    secret: f.secret,
    baseURL: baseUrl,
  } as never) as unknown as Record<string, unknown> & { chain(path: string): PeerNode }
}

export function axiosPlugin(f: Fixtures, baseUrl: string): BenchClient {
  const close = peerClient(f, baseUrl).chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close')
  return {
    name: 'wechatpay-axios-plugin',
    call: async () => (await close.post({ mchid: f.mchid }, { out_trade_no: OUT_TRADE_NO })).status,
    close: async () => {},
  }
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
function nonce(): string {
  const bytes = randomBytes(32)
  let out = ''
  for (const byte of bytes) out += ALNUM[byte % 62]
  return out
}

interface Crypto {
  sign(message: string): Promise<string> | string
  verify(message: Buffer, signature: string): Promise<boolean> | boolean
}

/**
 * The limit: the minimum correct work and nothing else — sign, one pooled undici request,
 * read the reply, check the four headers and the window, verify. No chain, no options, no types.
 */
function limit(name: string, f: Fixtures, baseUrl: string, crypto: Crypto): BenchClient {
  const pool = new Pool(new URL(baseUrl).origin)
  const body = JSON.stringify({ mchid: f.mchid })
  return {
    name,
    async call() {
      const timestamp = String(Math.floor(Date.now() / 1000))
      const n = nonce()
      const signature = await crypto.sign(`POST\n${PATH}\n${timestamp}\n${n}\n${body}\n`)
      const res = await pool.request({
        path: PATH,
        method: 'POST',
        headers: {
          accept: 'application/json',
          'content-type': 'application/json',
          'user-agent': 'limit/1.0',
          authorization: `WECHATPAY2-SHA256-RSA2048 mchid="${f.mchid}",nonce_str="${n}",signature="${signature}",timestamp="${timestamp}",serial_no="${f.serial}"`,
        },
        body,
      })
      const raw = Buffer.from(await res.body.arrayBuffer())
      const h = res.headers as Record<string, string | undefined>
      const ts = h['wechatpay-timestamp']
      const rn = h['wechatpay-nonce']
      const sig = h['wechatpay-signature']
      if (!ts || !rn || !sig || h['wechatpay-serial'] !== f.platformSerial) throw new Error('missing headers')
      if (Math.abs(Date.now() / 1000 - Number(ts)) >= 300) throw new Error('stale')
      const message = Buffer.concat([Buffer.from(`${ts}\n${rn}\n`), raw, Buffer.from('\n')])
      if (!(await crypto.verify(message, sig))) throw new Error('bad signature')
      return res.statusCode
    },
    close: () => pool.close(),
  }
}

export async function limitWebCrypto(f: Fixtures, baseUrl: string): Promise<BenchClient> {
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
  const der = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64')
  const key = await webcrypto.subtle.importKey('pkcs8', der(f.privateKey), algorithm, false, ['sign'])
  const pub = await webcrypto.subtle.importKey('spki', der(f.platformPublicKey), algorithm, false, ['verify'])
  return limit('limit: undici + Web Crypto', f, baseUrl, {
    sign: async (m) =>
      Buffer.from(await webcrypto.subtle.sign(algorithm, key, Buffer.from(m))).toString('base64'),
    verify: (m, s) => webcrypto.subtle.verify(algorithm, pub, Buffer.from(s, 'base64'), m),
  })
}

export function limitNodeCrypto(f: Fixtures, baseUrl: string): BenchClient {
  const key = createPrivateKey(f.privateKey)
  const pub = createPublicKey(f.platformPublicKey)
  return limit('limit: undici + node:crypto (sync)', f, baseUrl, {
    sign: (m) => signSync('sha256', Buffer.from(m), key).toString('base64'),
    verify: (m, s) => verifySync('sha256', m, pub, Buffer.from(s, 'base64')),
  })
}

// ---- v2 close ----

export function wxpayCoreV2(f: Fixtures, baseUrl: string, signType: 'MD5' | 'HMAC-SHA256'): BenchClient {
  const wxpay = new Wechatpay({ mchid: f.mchid, secret: f.secret, baseUrl, backupBaseUrl: false })
  return {
    name: `@wxpay/core v2 ${signType}`,
    call: async () => {
      const { data } = await wxpay.v2.pay.closeorder.post({
        xml: { appid: f.appid, mch_id: f.mchid, out_trade_no: OUT_TRADE_NO, sign_type: signType },
      })
      if (data.result_code !== 'SUCCESS') throw new Error('not SUCCESS')
      return 200
    },
    close: async () => {},
  }
}

export function axiosPluginV2(f: Fixtures, baseUrl: string, signType: 'MD5' | 'HMAC-SHA256'): BenchClient {
  const closeorder = peerClient(f, baseUrl).chain('v2/pay/closeorder')
  return {
    name: `wechatpay-axios-plugin v2 ${signType}`,
    call: async () => {
      const { data } = await closeorder.post({
        appid: f.appid,
        mch_id: f.mchid,
        out_trade_no: OUT_TRADE_NO,
        sign_type: signType,
      })
      if ((data as { result_code?: string }).result_code !== 'SUCCESS') throw new Error('not SUCCESS')
      return 200
    },
    close: async () => {},
  }
}
