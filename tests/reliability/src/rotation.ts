// Calls across a platform certificate rotation: a certificate-mode merchant (no key typed in,
// autoCertificates) makes many v3 closes at a fixed concurrency while the sandbox rotates to a
// new certificate mid-run and later stops serving the old one. Every reply is genuine, so every
// refusal is a false rejection; the certificate downloads are counted in the sandbox's request log.
import { Wechatpay, WechatpayError } from '@wxpay/core'
import type { Sandbox } from '@wxpay/sandbox'

export interface RotationOptions {
  calls: number
  concurrency: number
}

export interface RotationResult {
  options: RotationOptions
  /** Calls that resolved with the expected 204. */
  ok: number
  /** Outcome → count for every other call (must be empty). */
  refused: Map<string, number>
  /** `GET /v3/certificates` requests the sandbox saw. */
  downloads: number
  /** Serials that signed the replies the client accepted, in order of first use. */
  serials: string[]
  ms: number
}

/** Runs `calls` closes of one (re-entrant) closed order; rotates at 1/3, retires the old at 2/3. */
export async function runRotation(sb: Sandbox, options: RotationOptions): Promise<RotationResult> {
  if (sb.platform.mode === 'publicKey') throw new TypeError('runRotation needs a certificate-mode sandbox')
  const wxpay = new Wechatpay({ ...sb.clientOptions(), backupBaseUrl: false, timeout: 60_000 })
  const out_trade_no = `ROT${Date.now()}`
  sb.orders.create({ out_trade_no, state: 'CLOSED' })
  sb.requests.clear()
  const refused = new Map<string, number>()
  const serials: string[] = []
  let ok = 0
  let next = 0
  let done = 0
  let rotation: Promise<unknown> | undefined
  const started = performance.now()
  const worker = async () => {
    while (next < options.calls) {
      next++
      try {
        const reply = await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
          out_trade_no,
          json: { mchid: sb.merchant.mchid },
        })
        if (reply.status === 204) ok++
        const serial = reply.headers['wechatpay-serial']
        if (serial && !serials.includes(serial)) serials.push(serial)
      } catch (err) {
        const key = err instanceof WechatpayError ? `${err.name} ${err.code}` : `UNTYPED ${String(err)}`
        refused.set(key, (refused.get(key) ?? 0) + 1)
      }
      done++
      // Mid-run, as WeChat Pay does it: a new certificate, then the old one withdrawn.
      if (done === Math.floor(options.calls / 3)) rotation = sb.platform.rotate()
      if (done === Math.floor((2 * options.calls) / 3)) {
        await rotation
        sb.platform.retire()
      }
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, worker))
  return {
    options,
    ok,
    refused,
    downloads: sb.requests.filter((r) => r.path === '/v3/certificates').length,
    serials,
    ms: performance.now() - started,
  }
}
