// Notification parse throughput: verify + decrypt of one realistic TRANSACTION.SUCCESS (about
// 900 bytes of body, as a receiver gets it: IncomingHttpHeaders-like lowercase headers and the raw
// bytes), in interleaved rounds, by
//  - @wxpay/core's `wxpay.notifications.parse`;
//  - wechatpay-axios-plugin's primitives, as its users assemble a receiver: `Formatter.response`
//    + `Rsa.verify` + `Aes.AesGcm.decrypt` (it has no notification parser of its own);
//  - the limit: node:crypto doing only the same work, synchronously (`crypto.verify('sha256', …)`
//    with a pre-imported KeyObject, `createDecipheriv('aes-256-gcm', …)`, JSON.parse);
//  - the same minimum with Web Crypto (async, the primitives core uses).
// Every contender reads the four headers, checks the window and the serial, verifies, parses the
// envelope, decrypts and parses the resource, and its answer is checked. Timings are printed,
// never asserted. Run alone: `pnpm --filter @wxpay/bench bench:notifications` (updates only this
// section of RESULTS.md).
import {
  createDecipheriv,
  createPublicKey,
  createSecretKey,
  type KeyObject,
  verify as verifySync,
  webcrypto,
} from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Wechatpay } from '@wxpay/core'
import { NOTIFICATION_VECTOR, signV3Notification } from '@wxpay/sandbox/testing'
import { Aes, Formatter, Rsa } from 'wechatpay-axios-plugin'
import type { BenchClient } from './clients'
import { type Fixtures, makeFixtures } from './fixtures'
import { median, round } from './measure'

/** The merchant's APIv3 key for the run (32 characters). */
const APIV3_KEY = 'Xq7Lm2Np9Rt4Vw6Yz1Bc3Df5Gh8Jk0Ms'

/** A notification as a receiver holds it: lowercase header names (IncomingHttpHeaders) and raw bytes. */
export interface Received {
  headers: Record<string, string>
  body: Buffer
  out_trade_no: string
}

/**
 * A realistic TRANSACTION.SUCCESS: the documented transaction (the notification vector's
 * plaintext, a real-sized one) sealed with the run's APIv3 key, signed by the run's platform key
 * with a timestamp of now.
 */
export function notification(f: Fixtures, tamper = false): Received {
  const plaintext = NOTIFICATION_VECTOR.plaintext
  const signed = signV3Notification({
    privateKey: f.platformPrivateKey,
    serial: f.platformSerial,
    apiv3Key: APIV3_KEY,
    resource: plaintext,
  })
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(signed.headers)) headers[k.toLowerCase()] = v
  const body = Buffer.from(signed.body)
  if (tamper) body.writeUInt8(body.readUInt8(body.length - 3) ^ 0x01, body.length - 3) // a signed byte changed
  return { headers, body, out_trade_no: (JSON.parse(plaintext) as { out_trade_no: string }).out_trade_no }
}

interface Envelope {
  resource: { ciphertext: string; nonce: string; associated_data?: string }
}

function checkHeaders(f: Fixtures, h: Record<string, string>): void {
  const { 'wechatpay-timestamp': ts, 'wechatpay-nonce': n, 'wechatpay-signature': s } = h
  if (!ts || !n || !s || h['wechatpay-serial'] !== f.platformSerial) throw new Error('missing headers')
  if (Math.abs(Math.floor(Date.now() / 1000) - Number(ts)) >= 300) throw new Error('stale')
  if (s.startsWith('WECHATPAY/SIGNTEST/')) throw new Error('probe')
}

function expect(out_trade_no: string, resource: unknown): number {
  if ((resource as { out_trade_no?: unknown }).out_trade_no !== out_trade_no)
    throw new Error('wrong resource')
  return 200
}

type Current = () => Received

export function coreParse(f: Fixtures, current: Current): BenchClient {
  const wxpay = new Wechatpay({
    mchid: f.mchid,
    serial: f.serial,
    privateKey: f.privateKey,
    certs: { [f.platformSerial]: f.platformPublicKey },
    apiv3Key: APIV3_KEY,
    baseUrl: 'http://127.0.0.1:9/',
    backupBaseUrl: false,
  })
  return {
    name: '@wxpay/core notifications.parse',
    async call() {
      const n = current()
      const event = await wxpay.notifications.parse({ headers: n.headers, body: n.body })
      return expect(n.out_trade_no, event.resource)
    },
    close: async () => {},
  }
}

export function peerPrimitives(f: Fixtures, current: Current): BenchClient {
  const publicKey: KeyObject = Rsa.from(f.platformPublicKey, Rsa.KEY_TYPE_PUBLIC)
  return {
    name: 'wechatpay-axios-plugin Rsa.verify + Aes.AesGcm.decrypt',
    async call() {
      const n = current()
      checkHeaders(f, n.headers)
      const text = n.body.toString('utf8')
      const message = Formatter.response(
        n.headers['wechatpay-timestamp']!,
        n.headers['wechatpay-nonce']!,
        text,
      )
      if (!Rsa.verify(message, n.headers['wechatpay-signature']!, publicKey)) throw new Error('bad signature')
      const { resource } = JSON.parse(text) as Envelope
      const plain = Aes.AesGcm.decrypt(
        resource.ciphertext,
        APIV3_KEY,
        resource.nonce,
        resource.associated_data ?? '',
      )
      return expect(n.out_trade_no, JSON.parse(plain))
    },
    close: async () => {},
  }
}

export function limitNodeCrypto(f: Fixtures, current: Current): BenchClient {
  const publicKey = createPublicKey(f.platformPublicKey)
  const aesKey = createSecretKey(Buffer.from(APIV3_KEY))
  return {
    name: 'limit: node:crypto (sync)',
    async call() {
      const n = current()
      checkHeaders(f, n.headers)
      const h = n.headers
      const message = Buffer.concat([
        Buffer.from(`${h['wechatpay-timestamp']}\n${h['wechatpay-nonce']}\n`),
        n.body,
        Buffer.from('\n'),
      ])
      if (!verifySync('sha256', message, publicKey, Buffer.from(h['wechatpay-signature']!, 'base64')))
        throw new Error('bad signature')
      const { resource } = JSON.parse(n.body.toString('utf8')) as Envelope
      const sealed = Buffer.from(resource.ciphertext, 'base64')
      const decipher = createDecipheriv('aes-256-gcm', aesKey, Buffer.from(resource.nonce), {
        authTagLength: 16,
      })
      decipher.setAAD(Buffer.from(resource.associated_data ?? ''))
      decipher.setAuthTag(sealed.subarray(sealed.length - 16))
      const plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()])
      return expect(n.out_trade_no, JSON.parse(plain.toString('utf8')))
    },
    close: async () => {},
  }
}

export async function limitWebCrypto(f: Fixtures, current: Current): Promise<BenchClient> {
  const subtle = webcrypto.subtle
  const rsa = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
  const der = Buffer.from(f.platformPublicKey.replace(/-----[^-]+-----|\s/g, ''), 'base64')
  const publicKey = await subtle.importKey('spki', der, rsa, false, ['verify'])
  const aesKey = await subtle.importKey('raw', Buffer.from(APIV3_KEY), 'AES-GCM', false, ['decrypt'])
  return {
    name: 'limit: Web Crypto (async)',
    async call() {
      const n = current()
      checkHeaders(f, n.headers)
      const h = n.headers
      const message = Buffer.concat([
        Buffer.from(`${h['wechatpay-timestamp']}\n${h['wechatpay-nonce']}\n`),
        n.body,
        Buffer.from('\n'),
      ])
      if (!(await subtle.verify(rsa, publicKey, Buffer.from(h['wechatpay-signature']!, 'base64'), message)))
        throw new Error('bad signature')
      const { resource } = JSON.parse(n.body.toString('utf8')) as Envelope
      const plain = await subtle.decrypt(
        {
          name: 'AES-GCM',
          iv: Buffer.from(resource.nonce),
          additionalData: Buffer.from(resource.associated_data ?? ''),
          tagLength: 128,
        },
        aesKey,
        Buffer.from(resource.ciphertext, 'base64'),
      )
      return expect(n.out_trade_no, JSON.parse(Buffer.from(plain).toString('utf8')))
    },
    close: async () => {},
  }
}

export interface NotificationBench {
  /** The Markdown table (also printed). */
  table: string[]
  /** Wrong answers, forged notifications accepted. */
  problems: string[]
  bodyBytes: number
  rounds: number
  perRound: number
  concurrency: number
}

function fmt(n: number, digits = 0): string {
  return Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a'
}

const LIMIT = 'limit: node:crypto (sync)'
const PEER = 'wechatpay-axios-plugin Rsa.verify + Aes.AesGcm.decrypt'

/**
 * Interleaved rounds (A B C D A B C D …) of `perRound` parses at `concurrency` in flight (a server
 * receiving notifications side by side), after a warm-up. Median ops/s and CPU µs per parse
 * (process CPU, all threads: Web Crypto runs on libuv's pool).
 */
export async function benchNotifications(
  f: Fixtures,
  options: { rounds: number; perRound: number; concurrency: number; smoke?: boolean },
): Promise<NotificationBench> {
  let current = notification(f)
  const get = () => current
  const contenders = [
    coreParse(f, get),
    peerPrimitives(f, get),
    limitNodeCrypto(f, get),
    await limitWebCrypto(f, get),
  ]
  const problems: string[] = []
  // A tampered notification must be refused by everyone, or the figures compare unequal work.
  current = notification(f, true)
  for (const c of contenders) {
    const r = await round(c, 4, 2)
    if (r.errors !== 4) problems.push(`${c.name} accepted ${4 - r.errors} tampered notifications`)
  }
  current = notification(f)
  for (const c of contenders) await round(c, options.smoke ? 10 : 500, options.concurrency) // warm-up
  const rounds = new Map(contenders.map((c) => [c.name, [] as Array<{ rps: number; cpu: number }>]))
  for (let r = 0; r < options.rounds; r++) {
    // fresh each round (outside the timing): the 300 s window never runs out on a long run
    current = notification(f)
    for (const c of contenders) {
      const result = await round(c, options.perRound, options.concurrency)
      if (result.errors || result.statuses.get(200) !== options.perRound)
        problems.push(`${c.name}: ${result.errors} wrong answers`)
      rounds.get(c.name)!.push({ rps: result.rps, cpu: result.cpuMicros })
    }
  }
  const ops = (name: string) => median(rounds.get(name)!.map((r) => r.rps))
  const table = [
    '| parser | parses/s (median) | min–max | CPU µs/parse | × limit | × peer |',
    '|---|---:|---:|---:|---:|---:|',
  ]
  for (const c of contenders) {
    const values = rounds.get(c.name)!.map((r) => r.rps)
    table.push(
      `| ${c.name} | ${fmt(ops(c.name))} | ${fmt(Math.min(...values))}–${fmt(Math.max(...values))} | ${fmt(median(rounds.get(c.name)!.map((r) => r.cpu)))} | ${fmt(ops(c.name) / ops(LIMIT), 2)} | ${fmt(ops(c.name) / ops(PEER), 2)} |`,
    )
  }
  return {
    table,
    problems,
    bodyBytes: current.body.length,
    rounds: options.rounds,
    perRound: options.perRound,
    concurrency: options.concurrency,
  }
}

/** The RESULTS.md section for a notification run. */
export function notificationSection(b: NotificationBench): string[] {
  return [
    `## Notification parse: verify + decrypt (${b.rounds} interleaved rounds × ${fmt(b.perRound)} parses, concurrency ${b.concurrency})`,
    '',
    `One TRANSACTION.SUCCESS, ${fmt(b.bodyBytes)} bytes of body, lowercase headers and raw bytes as node:http hands them over; each parser checks headers, window and serial, verifies (RSA-2048), parses the envelope, decrypts (AES-256-GCM) and parses the resource. The peer has no notification parser: its primitives are assembled as its users do. × limit is against node:crypto doing only that work.`,
    '',
    ...b.table,
    '',
  ]
}

const HEADING = '## Notification parse'

/** Replaces (or appends) the notification section of RESULTS.md, leaving the rest as it is. */
function writeSection(lines: string[]): void {
  const file = new URL('../RESULTS.md', import.meta.url)
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n'
  const start = text.indexOf(HEADING)
  const section = `${lines.join('\n').trimEnd()}\n`
  if (start < 0) {
    writeFileSync(file, `${text.trimEnd()}\n\n${section}`)
    return
  }
  const after = text.indexOf('\n## ', start + HEADING.length)
  writeFileSync(file, `${text.slice(0, start)}${section}${after < 0 ? '' : `\n${text.slice(after + 1)}`}`)
}

// Alone: `pnpm --filter @wxpay/bench bench:notifications` (BENCH_SMOKE=1 for tiny counts).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const smoke = process.env.BENCH_SMOKE === '1'
  const started = Date.now()
  const load = loadavg()[0]!
  const b = await benchNotifications(makeFixtures(), {
    rounds: smoke ? 1 : Number(process.env.BENCH_ROUNDS ?? 9),
    perRound: smoke ? 20 : Number(process.env.BENCH_PARSES ?? 5000),
    concurrency: 16,
    smoke,
  })
  console.log(b.table.join('\n'))
  if (!smoke) {
    const cpu = cpus()
    writeSection([
      ...notificationSection(b),
      `Run alone (\`pnpm --filter @wxpay/bench bench:notifications\`) on ${new Date().toISOString()}: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${fmt(totalmem() / 1073741824)} GiB, Node.js ${process.version}; load average ${fmt(load, 1)} at the start (other work on the machine), ${fmt((Date.now() - started) / 1000)} s.`,
      '',
    ])
    console.log('\nwritten to the notification section of apps/bench/RESULTS.md')
  }
  if (b.problems.length) {
    console.error(`\nWRONG ANSWERS:\n${b.problems.join('\n')}`)
    process.exitCode = 1
  } else console.log('every parser got correct answers and refused the tampered notification')
}
