// The notification forgery and tampering matrix, end to end through `wxpay.notifications.parse`:
// each case is a notification built with the node:crypto doubles of @wxpay/sandbox/testing
// (signV3Reply, encryptResource), genuine or tampered, and parsed with its headers in the three
// shapes receivers hand over: a plain object, a `Headers`, and the IncomingHttpHeaders of a real
// node:http request (sent as raw header lines over a socket, so a header can really come twice).
import { createCipheriv } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { type AddressInfo, connect } from 'node:net'
import { isDeepStrictEqual } from 'node:util'
import { acknowledge, Wechatpay } from '@wxpay/core'
import { encryptResource, signV3Reply, type TestCredentials } from '@wxpay/sandbox/testing'
import { atSecondStart } from './forgery-run'
import { accepted, type Outcome, type Settled, SIGNATURE, settle } from './outcome'

export type HeaderForm = 'object' | 'Headers' | 'node:http'
export const HEADER_FORMS: readonly HeaderForm[] = ['object', 'Headers', 'node:http']

/** A notification as it travels: header lines in order (a name may repeat) and the body bytes. */
export interface RawNotification {
  lines: Array<[string, string]>
  body: Buffer
}

export interface NotificationCase {
  group: string
  name: string
  /** Built when the case runs: timestamps are relative to that moment. */
  build(c: TestCredentials): RawNotification
  expected: Outcome
  /** The decrypted resource an accepted case must yield. */
  resource?: unknown
  /** A window edge that a second boundary could flip: run it just after a second begins. */
  edge?: boolean
}

/** A realistic paid transaction, as WeChat Pay's TRANSACTION.SUCCESS carries it. */
export function transaction(c: TestCredentials): Record<string, unknown> {
  return {
    mchid: c.mchid,
    appid: c.appid,
    out_trade_no: 'NF20261130000000000000000000001',
    transaction_id: '4200002026113000000000000001',
    trade_type: 'JSAPI',
    trade_state: 'SUCCESS',
    trade_state_desc: '支付成功',
    bank_type: 'OTHERS',
    attach: '',
    success_time: '2026-11-30T10:34:56+08:00',
    payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
    amount: { total: 100, payer_total: 100, currency: 'CNY', payer_currency: 'CNY' },
  }
}

interface EnvelopeOptions {
  /** The plaintext as is (default: JSON of {@link transaction}). */
  plaintext?: string | Buffer
  nonce?: string
  /** What `associated_data` says (`null`: field left out). */
  aad?: string | null
  /** Encrypt under this AAD instead of the one the envelope says. */
  encryptAad?: string
  apiv3Key?: string
  /** Replaces the sealed bytes (ciphertext ‖ tag) after encryption. */
  mutate?: (sealed: Buffer) => Buffer
  /** Replaces `resource.ciphertext` outright. */
  ciphertext?: string
  algorithm?: string
  resource_type?: string
}

const NONCE = 'fK3pQ9sZ2mXw'

/** A compact envelope, keys in WeChat Pay's order (as signV3Notification writes it). */
function envelope(c: TestCredentials, o: EnvelopeOptions = {}): string {
  const nonce = o.nonce ?? NONCE
  const aad = o.aad === undefined ? 'transaction' : o.aad
  const plaintext = o.plaintext ?? JSON.stringify(transaction(c))
  const key = o.apiv3Key ?? c.apiv3Key
  const sealAad = o.encryptAad ?? aad ?? ''
  let ciphertext =
    o.ciphertext ??
    (typeof plaintext === 'string'
      ? encryptResource(key, nonce, sealAad, plaintext)
      : encryptBytes(key, nonce, sealAad, plaintext))
  if (o.mutate) ciphertext = o.mutate(Buffer.from(ciphertext, 'base64')).toString('base64')
  return JSON.stringify({
    id: 'EV-2026113000000000000001',
    create_time: '2026-11-30T10:34:57+08:00',
    resource_type: o.resource_type ?? 'encrypt-resource',
    event_type: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: {
      original_type: 'transaction',
      algorithm: o.algorithm ?? 'AEAD_AES_256_GCM',
      ciphertext,
      ...(aad === null ? {} : { associated_data: aad }),
      nonce,
    },
  })
}

/**
 * encryptResource (the double) takes text and seals its UTF-8; bytes that are not UTF-8 are sealed
 * here as they are, with node:crypto, the same way.
 */
function encryptBytes(apiv3Key: string, nonce: string, aad: string, plaintext: Buffer): string {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiv3Key), Buffer.from(nonce), {
    authTagLength: 16,
  })
  cipher.setAAD(Buffer.from(aad))
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]).toString('base64')
}

interface SignOptions {
  /** Seconds from now (default 0). */
  offset?: number
  timestamp?: string
  privateKey?: string
  serial?: string
  /** Sign this body instead of the one sent. */
  signed?: string
}

/** The signed header lines of `body`, in the order WeChat Pay sends them. */
function signed(c: TestCredentials, body: string, o: SignOptions = {}): Array<[string, string]> {
  const timestamp = o.timestamp ?? String(Math.floor(Date.now() / 1000) + (o.offset ?? 0))
  const h = signV3Reply({
    privateKey: o.privateKey ?? c.platform.privateKey,
    serial: o.serial ?? c.platformSerial,
    body: o.signed ?? body,
    timestamp,
  }) as unknown as Record<string, string>
  return Object.entries(h)
}

const genuine = (c: TestCredentials, e: EnvelopeOptions = {}, s: SignOptions = {}): RawNotification => {
  const body = envelope(c, e)
  return { lines: signed(c, body, s), body: Buffer.from(body) }
}

const HEADERS = ['Wechatpay-Timestamp', 'Wechatpay-Nonce', 'Wechatpay-Signature', 'Wechatpay-Serial'] as const

function withLines(
  n: RawNotification,
  edit: (lines: Array<[string, string]>) => Array<[string, string]>,
): RawNotification {
  return { lines: edit(n.lines), body: n.body }
}

const flip =
  (at: (sealed: Buffer) => number) =>
  (sealed: Buffer): Buffer => {
    const copy = Buffer.from(sealed)
    const i = at(copy)
    copy[i] = copy[i]! ^ 0x01
    return copy
  }

/** Every case; the genuine controls are expected accepted, every other one refused. */
export function notificationCases(): NotificationCase[] {
  const cases: NotificationCase[] = []
  const add = (
    group: string,
    name: string,
    build: NotificationCase['build'],
    expected: Outcome = SIGNATURE,
    extra: Partial<NotificationCase> = {},
  ) => cases.push({ group, name, build, expected, ...extra })
  const ok = (
    group: string,
    name: string,
    build: NotificationCase['build'],
    extra: Partial<NotificationCase> = {},
  ) => add(group, name, build, accepted, { resource: 'transaction', ...extra })

  ok('genuine', 'TRANSACTION.SUCCESS as WeChat Pay sends it', (c) => genuine(c))
  ok('genuine', 'header names in upper case', (c) =>
    withLines(genuine(c), (l) => l.map(([k, v]) => [k.toUpperCase(), v])),
  )
  ok('genuine', 'associated_data empty', (c) => genuine(c, { aad: '' }))
  ok('genuine', 'associated_data absent', (c) => genuine(c, { aad: null }))

  for (const name of HEADERS) {
    add('headers', `${name} missing`, (c) => withLines(genuine(c), (l) => l.filter(([k]) => k !== name)))
    add('headers', `${name} twice`, (c) =>
      withLines(genuine(c), (l) => l.flatMap((line) => (line[0] === name ? [line, line] : [line]))),
    )
    add('headers', `${name} empty`, (c) =>
      withLines(genuine(c), (l) => l.map(([k, v]) => [k, k === name ? '' : v] as [string, string])),
    )
  }
  add('headers', 'Wechatpay-Signature twice, the second another signature', (c) => {
    const n = genuine(c)
    const other = signed(c, n.body.toString(), { privateKey: c.other.privateKey })
    const sig = other.find(([k]) => k === 'Wechatpay-Signature')!
    return withLines(n, (l) => [...l, sig])
  })
  add('headers', 'Wechatpay-Signature-Type other than WECHATPAY2-SHA256-RSA2048', (c) =>
    withLines(genuine(c), (l) =>
      l.map(
        ([k, v]) => [k, k === 'Wechatpay-Signature-Type' ? 'WECHATPAY2-SM2-WITH-SM3' : v] as [string, string],
      ),
    ),
  )

  ok('window', 'timestamp 299 s ago', (c) => genuine(c, {}, { offset: -299 }), { edge: true })
  ok('window', 'timestamp 299 s ahead', (c) => genuine(c, {}, { offset: 299 }))
  add('window', 'timestamp 300 s ago', (c) => genuine(c, {}, { offset: -300 }))
  add('window', 'timestamp 300 s ahead', (c) => genuine(c, {}, { offset: 300 }), SIGNATURE, { edge: true })
  add('window', 'timestamp 301 s ago', (c) => genuine(c, {}, { offset: -301 }))
  add('window', 'timestamp 301 s ahead', (c) => genuine(c, {}, { offset: 301 }))
  add('window', 'timestamp in milliseconds', (c) => genuine(c, {}, { timestamp: String(Date.now()) }))
  add('window', 'timestamp not a number', (c) => genuine(c, {}, { timestamp: 'now' }))

  add('key', 'signed by another key', (c) => genuine(c, {}, { privateKey: c.other.privateKey }))
  add('key', "signed by the merchant's own key", (c) => genuine(c, {}, { privateKey: c.merchant.privateKey }))
  add('key', 'an unknown serial (genuine signature)', (c) =>
    genuine(c, {}, { serial: 'PUB_KEY_ID_0119000001092026112200000000000999' }),
  )
  add('key', 'another key under an unknown serial', (c) =>
    genuine(
      c,
      {},
      { privateKey: c.other.privateKey, serial: 'PUB_KEY_ID_0119000001092026112200000000000998' },
    ),
  )
  add('key', 'WECHATPAY/SIGNTEST/ probe', (c) =>
    withLines(genuine(c), (l) =>
      l.map(
        ([k, v]) =>
          [
            k,
            k === 'Wechatpay-Signature' ? `WECHATPAY/SIGNTEST/${Buffer.alloc(256, 7).toString('base64')}` : v,
          ] as [string, string],
      ),
    ),
  )
  add('key', 'signature not base64', (c) =>
    withLines(genuine(c), (l) =>
      l.map(([k, v]) => [k, k === 'Wechatpay-Signature' ? '%%%not base64%%%' : v] as [string, string]),
    ),
  )

  const reserialised = (c: TestCredentials, rewrite: (body: string) => string): RawNotification => {
    const n = genuine(c)
    return { lines: n.lines, body: Buffer.from(rewrite(n.body.toString())) }
  }
  add('body', 're-serialised with indentation', (c) =>
    reserialised(c, (b) => JSON.stringify(JSON.parse(b), null, 2)),
  )
  add('body', 're-serialised, keys reordered', (c) =>
    reserialised(c, (b) => {
      const { resource, ...rest } = JSON.parse(b) as Record<string, unknown>
      return JSON.stringify({ resource, ...rest })
    }),
  )
  add('body', 're-serialised with non-ASCII escaped (the same JSON value)', (c) =>
    reserialised(c, (b) =>
      b.replace(/[^ -~]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`),
    ),
  )
  add('body', 'a trailing newline added', (c) => reserialised(c, (b) => `${b}\n`))
  add('body', 'one byte of the id changed', (c) => reserialised(c, (b) => b.replace('EV-2026', 'EV-2027')))
  add('body', 'over 1 MiB, genuinely signed', (c) => {
    const body = `${envelope(c)}${' '.repeat(1024 * 1024)}`
    return { lines: signed(c, body), body: Buffer.from(body) }
  })

  // Signed after tampering: the signature holds, so these reach the decryption.
  add('resource', 'a flipped ciphertext bit', (c) => genuine(c, { mutate: flip(() => 0) }))
  add('resource', 'a flipped tag bit', (c) => genuine(c, { mutate: flip((s) => s.length - 1) }))
  add('resource', 'wrong AAD (encrypted under another associated_data)', (c) =>
    genuine(c, { encryptAad: 'refund' }),
  )
  add('resource', 'associated_data removed (encrypted under "transaction")', (c) =>
    genuine(c, { aad: null, encryptAad: 'transaction' }),
  )
  add('resource', 'short tag (12 bytes)', (c) => genuine(c, { mutate: (s) => s.subarray(0, s.length - 4) }))
  add('resource', 'ciphertext shorter than a tag', (c) =>
    genuine(c, { ciphertext: Buffer.alloc(15, 1).toString('base64') }),
  )
  add('resource', 'ciphertext not base64', (c) => genuine(c, { ciphertext: '!!not base64!!' }))
  add('resource', 'nonce of 11 bytes (encrypted with it)', (c) => genuine(c, { nonce: 'fK3pQ9sZ2mX' }))
  add('resource', 'nonce of 16 bytes (encrypted with it)', (c) => genuine(c, { nonce: 'fK3pQ9sZ2mXwAbCd' }))
  add('resource', 'another nonce than the one it was encrypted with', (c) => {
    const body = envelope(c).replace(`"nonce":"${NONCE}"`, '"nonce":"aaaaaaaaaaaa"')
    return { lines: signed(c, body), body: Buffer.from(body) }
  })
  add('resource', 'wrong APIv3 key', (c) => genuine(c, { apiv3Key: 'Q'.repeat(32) }))
  add('resource', 'non-JSON plaintext', (c) => genuine(c, { plaintext: 'trade_state=SUCCESS&total=100' }))
  add('resource', 'JSON plaintext that is not an object', (c) => genuine(c, { plaintext: '[1,2,3]' }))
  add('resource', 'plaintext not UTF-8', (c) =>
    genuine(c, { plaintext: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }),
  )
  add('resource', 'algorithm other than AEAD_AES_256_GCM', (c) =>
    genuine(c, { algorithm: 'AEAD_AES_128_GCM' }),
  )
  add('resource', 'resource_type other than encrypt-resource', (c) => genuine(c, { resource_type: 'plain' }))
  add('resource', 'body signed but not JSON', (c) => {
    const body = 'id=EV-1&event_type=TRANSACTION.SUCCESS'
    return { lines: signed(c, body), body: Buffer.from(body) }
  })
  return cases
}

/** The client a receiver parses with: the platform key, the APIv3 key (no network calls). */
export function parserFor(c: TestCredentials): Wechatpay {
  return new Wechatpay({
    mchid: c.mchid,
    serial: c.merchantSerial,
    privateKey: c.merchant.privateKey,
    certs: { [c.platformSerial]: c.platform.publicKey },
    apiv3Key: c.apiv3Key,
    baseUrl: 'http://127.0.0.1:9/',
    backupBaseUrl: false,
  })
}

/**
 * A node:http receiver as a merchant writes one: reads the raw body, hands `req.headers` (Node's
 * IncomingHttpHeaders) and the bytes to `notifications.parse`, answers with `acknowledge`. Each
 * outcome is handed back to the waiting case by its `x-case` header (which the verifier ignores).
 */
export interface Receiver {
  url: string
  /** Sends the raw request over a socket; resolves with the parse outcome and the HTTP status. */
  send(
    n: RawNotification,
  ): Promise<{ settled: Settled<unknown>; status: number; headers: IncomingHttpHeaders }>
  close(): Promise<void>
}

export async function startReceiver(wxpay: Wechatpay): Promise<Receiver> {
  const waiting = new Map<string, (r: { settled: Settled<unknown>; headers: IncomingHttpHeaders }) => void>()
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', async () => {
      const body = Buffer.concat(chunks)
      const settled = await settle(() => wxpay.notifications.parse({ headers: req.headers, body }))
      const reply = settled.outcome.outcome === 'accepted' ? acknowledge.success() : acknowledge.failure(401)
      waiting.get(String(req.headers['x-case']))?.({ settled, headers: req.headers })
      res.writeHead(reply.status, reply.headers).end(reply.body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  let next = 0
  return {
    url: `http://127.0.0.1:${port}/notify`,
    send(n) {
      const id = String(++next)
      const outcome = new Promise<{ settled: Settled<unknown>; headers: IncomingHttpHeaders }>((resolve) =>
        waiting.set(id, resolve),
      )
      const head = [
        'POST /notify HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        'Content-Type: application/json',
        `Content-Length: ${n.body.length}`,
        'Connection: close',
        `X-Case: ${id}`,
        ...n.lines.map(([k, v]) => `${k}: ${v}`),
        '',
        '',
      ].join('\r\n')
      const status = new Promise<number>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(head)
          socket.write(n.body)
        })
        let answer = ''
        socket.setEncoding('latin1')
        socket.on('data', (chunk: string) => {
          answer += chunk
        })
        socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)))
        socket.on('error', reject)
      })
      return Promise.all([outcome, status]).then(([o, s]) => {
        waiting.delete(id)
        return { ...o, status: s }
      })
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** The headers as a plain object: lower-cased names; a name that repeats becomes an array. */
function asObject(lines: Array<[string, string]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [k, v] of lines) {
    const name = k.toLowerCase()
    const seen = out[name]
    out[name] = seen === undefined ? v : [...(Array.isArray(seen) ? seen : [seen]), v]
  }
  // keep the original spelling when nothing repeats: a plain object "in any case"
  const spelled: Record<string, string | string[]> = {}
  for (const [k] of lines) {
    const value = out[k.toLowerCase()]
    if (value !== undefined && !(k in spelled)) spelled[k] = value
  }
  return spelled
}

function asHeaders(lines: Array<[string, string]>): Headers {
  const h = new Headers()
  for (const [k, v] of lines) h.append(k, v)
  return h
}

export interface NotificationResult {
  kase: NotificationCase
  form: HeaderForm
  actual: Outcome
  /** node:http only: the status the receiver answered (204 accepted, 401 refused). */
  status?: number
}

/** Runs one case in one header form and checks what an accepted case decrypted to. */
export async function runNotificationCase(
  wxpay: Wechatpay,
  receiver: Receiver,
  c: TestCredentials,
  kase: NotificationCase,
  form: HeaderForm,
): Promise<NotificationResult> {
  if (kase.edge) await atSecondStart()
  const n = kase.build(c)
  let settled: Settled<unknown>
  let status: number | undefined
  if (form === 'node:http') {
    const r = await receiver.send(n)
    settled = r.settled
    status = r.status
    const answered = settled.outcome.outcome === 'accepted' ? 204 : 401
    if (status !== answered)
      return { kase, form, status, actual: { outcome: 'crashed', error: `receiver answered ${status}` } }
  } else {
    const headers = form === 'object' ? asObject(n.lines) : asHeaders(n.lines)
    settled = await settle(() => wxpay.notifications.parse({ headers, body: n.body }))
  }
  let actual = settled.outcome
  if (actual.outcome === 'accepted') {
    const event = settled.value as { resource?: unknown; event_type?: string }
    if (event.event_type !== 'TRANSACTION.SUCCESS' || !isDeepStrictEqual(event.resource, transaction(c)))
      actual = { outcome: 'crashed', error: 'accepted, but not with the resource that was encrypted' }
  }
  return { kase, form, actual, ...(status === undefined ? {} : { status }) }
}

export interface NotificationTally {
  cases: number
  acceptedAsExpected: number
  refusedAsExpected: number
  /** Forged or tampered, yet accepted. Must be 0. */
  wronglyAccepted: number
  wronglyRefused: number
  crashed: number
  byForm: Map<HeaderForm, { cases: number; accepted: number; refused: number; wronglyAccepted: number }>
  byGroup: Map<string, { cases: number; asExpected: number }>
}

export function tallyNotifications(results: readonly NotificationResult[]): NotificationTally {
  const t: NotificationTally = {
    cases: 0,
    acceptedAsExpected: 0,
    refusedAsExpected: 0,
    wronglyAccepted: 0,
    wronglyRefused: 0,
    crashed: 0,
    byForm: new Map(),
    byGroup: new Map(),
  }
  for (const { kase, form, actual } of results) {
    t.cases++
    const ok = isDeepStrictEqual(actual, kase.expected)
    const g = t.byGroup.get(kase.group) ?? { cases: 0, asExpected: 0 }
    g.cases++
    if (ok) g.asExpected++
    t.byGroup.set(kase.group, g)
    const f = t.byForm.get(form) ?? { cases: 0, accepted: 0, refused: 0, wronglyAccepted: 0 }
    f.cases++
    if (actual.outcome === 'accepted') f.accepted++
    if (actual.outcome === 'refused') f.refused++
    if (!ok && actual.outcome === 'accepted') f.wronglyAccepted++
    t.byForm.set(form, f)
    if (ok && actual.outcome === 'accepted') t.acceptedAsExpected++
    else if (ok) t.refusedAsExpected++
    else if (actual.outcome === 'accepted') t.wronglyAccepted++
    else if (actual.outcome === 'crashed') t.crashed++
    else t.wronglyRefused++
  }
  return t
}

/** The whole matrix in the three header forms (the report; CI runs the same cases). */
export async function runNotificationMatrix(c: TestCredentials): Promise<NotificationResult[]> {
  const wxpay = parserFor(c)
  const receiver = await startReceiver(wxpay)
  const results: NotificationResult[] = []
  try {
    for (const form of HEADER_FORMS)
      for (const kase of notificationCases())
        results.push(await runNotificationCase(wxpay, receiver, c, kase, form))
  } finally {
    await receiver.close()
  }
  return results
}
