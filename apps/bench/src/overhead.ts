// The SDK's own cost per call, RSA excluded: the same v3 close through @wxpay/core and through a
// bare sign + request + verify, both on one in-memory transport (a `fetch` answering a 204), with
// Web Crypto's RSA sign and verify (and node:crypto's `verify`, which @wxpay/core's Node entry
// verifies replies with) replaced by constant stubs for the duration of the measurement.
// What remains is the work around the RSA operations; the difference is what the SDK adds (chain,
// expansion, validation, headers, nonce, base64, checks, the whole-call timeout). A third client,
// the bare one given the same whole-call timeout as the SDK (an AbortController, its signal passed
// to fetch, a timer), tells how much of that difference is the timeout alone; and round 1's core,
// built from git history (round1.ts), makes the same call in the same rounds.
import nodeCrypto, { webcrypto } from 'node:crypto'
import { Wechatpay } from '@wxpay/core'
import { type Fixtures, OUT_TRADE_NO } from './fixtures'
import { median } from './measure'
import type { Round1Client } from './round1'

const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }

/** `round1`: round 1's client class (round1.ts), measured beside today's when given. */
export async function measureOverhead(
  f: Fixtures,
  iterations: number,
  rounds: number,
  round1?: Round1Client,
) {
  const subtle = globalThis.crypto.subtle
  const der = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64')
  const fixedSignature = new Uint8Array(256).fill(7).buffer
  const timestamp = String(Math.floor(Date.now() / 1000))
  const nonce = 'n'.repeat(32)
  const headers = {
    'wechatpay-timestamp': timestamp,
    'wechatpay-nonce': nonce,
    'wechatpay-signature': Buffer.from(fixedSignature).toString('base64'),
    'wechatpay-serial': f.platformSerial,
  }
  const memoryFetch = (async () => new Response(null, { status: 204, headers })) as typeof fetch
  const wxpay = new Wechatpay({
    mchid: f.mchid,
    serial: f.serial,
    privateKey: f.privateKey,
    certs: { [f.platformSerial]: f.platformPublicKey },
    baseUrl: 'http://127.0.0.1:9/',
    backupBaseUrl: false,
    fetch: memoryFetch,
  })
  const close = wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close
  // Round 1's core (when built): the same call on the same transport; it had no backupBaseUrl option.
  const round1Close = round1
    ? new round1({
        mchid: f.mchid,
        serial: f.serial,
        privateKey: f.privateKey,
        certs: { [f.platformSerial]: f.platformPublicKey },
        baseUrl: 'http://127.0.0.1:9/',
        fetch: memoryFetch,
      }).v3.pay.transactions.outTradeNo._out_trade_no_.close
    : undefined
  const closeOptions = { out_trade_no: OUT_TRADE_NO, json: { mchid: f.mchid } }
  const key = await webcrypto.subtle.importKey('pkcs8', der(f.privateKey), algorithm, false, ['sign'])
  const pub = await webcrypto.subtle.importKey('spki', der(f.platformPublicKey), algorithm, false, ['verify'])
  const body = JSON.stringify({ mchid: f.mchid })
  const path = `/v3/pay/transactions/out-trade-no/${OUT_TRADE_NO}/close`
  // Make sure the client has imported its keys before timing.
  await close.post(closeOptions).catch(() => {})
  await round1Close?.post(closeOptions).catch(() => {})

  const core = async () => {
    await close.post(closeOptions)
  }
  const coreRound1 = async () => {
    await round1Close!.post(closeOptions)
  }
  const bare = () => bareCall(undefined)
  const bareTimed = async () => {
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), 30_000)
    try {
      await bareCall(controller.signal)
    } finally {
      clearTimeout(timer)
    }
  }
  const bareCall = async (signal: AbortSignal | undefined) => {
    const message = `POST\n${path}\n${timestamp}\n${nonce}\n${body}\n`
    const sig = Buffer.from(await subtle.sign(algorithm, key, Buffer.from(message))).toString('base64')
    const res = await memoryFetch(`http://127.0.0.1:9${path}`, {
      method: 'POST',
      body,
      headers: { authorization: sig },
      signal: signal ?? null,
    })
    const raw = new Uint8Array(await res.arrayBuffer())
    const verifyMessage = Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`), raw, Buffer.from('\n')])
    const signature = res.headers.get('wechatpay-signature') ?? ''
    if (!(await subtle.verify(algorithm, pub, Buffer.from(signature, 'base64'), verifyMessage)))
      throw new Error('bad')
  }
  // Wall time, and this process's CPU time (user + system) per call: on a shared, loaded machine
  // the wall time also counts the moments the process was not scheduled; the CPU time does not.
  const time = async (fn: () => Promise<void>) => {
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    for (let i = 0; i < iterations; i++) await fn()
    const wall = ((performance.now() - t0) * 1000) / iterations
    const used = process.cpuUsage(cpu0)
    return { wall, cpu: (used.user + used.system) / iterations }
  }

  const original = { sign: subtle.sign, verify: subtle.verify, nodeVerify: nodeCrypto.verify }
  Object.defineProperty(subtle, 'sign', { configurable: true, value: async () => fixedSignature })
  Object.defineProperty(subtle, 'verify', { configurable: true, value: async () => true })
  Object.defineProperty(nodeCrypto, 'verify', { configurable: true, writable: true, value: () => true })
  try {
    await time(core)
    await time(bare)
    await time(bareTimed)
    if (round1Close) await time(coreRound1)
    const coreTimes: { wall: number; cpu: number }[] = []
    const round1Times: { wall: number; cpu: number }[] = []
    const bareTimes: { wall: number; cpu: number }[] = []
    const timedTimes: { wall: number; cpu: number }[] = []
    for (let r = 0; r < rounds; r++) {
      coreTimes.push(await time(core))
      bareTimes.push(await time(bare))
      timedTimes.push(await time(bareTimed))
      if (round1Close) round1Times.push(await time(coreRound1))
    }
    const coreMicros = median(coreTimes.map((t) => t.wall))
    const bareMicros = median(bareTimes.map((t) => t.wall))
    const coreCpuMicros = median(coreTimes.map((t) => t.cpu))
    const bareCpuMicros = median(bareTimes.map((t) => t.cpu))
    return {
      coreMicros,
      bareMicros,
      overheadMicros: coreMicros - bareMicros,
      coreCpuMicros,
      bareCpuMicros,
      overheadCpuMicros: coreCpuMicros - bareCpuMicros,
      /** CPU µs per call of the bare client with the same whole-call timeout as the SDK. */
      bareTimedCpuMicros: median(timedTimes.map((t) => t.cpu)),
      /** CPU µs per call of round 1's core, when it was built (round1.ts). */
      round1CpuMicros: round1Close ? median(round1Times.map((t) => t.cpu)) : undefined,
    }
  } finally {
    Object.defineProperty(subtle, 'sign', { configurable: true, value: original.sign })
    Object.defineProperty(subtle, 'verify', { configurable: true, value: original.verify })
    Object.defineProperty(nodeCrypto, 'verify', {
      configurable: true,
      writable: true,
      value: original.nodeVerify,
    })
  }
}
