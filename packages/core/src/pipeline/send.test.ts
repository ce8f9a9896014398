// The one door, pinned from outside: every entry point that sends a signed request (a call, an
// upload, download, download.stream, certificates()) leaves through pipeline/send.ts, so each one
// sends the same User-Agent, refuses the same out-of-range timeout before I/O, honours an abort,
// uses the configured transport and is seen by the hooks. The scriptable gateway records what
// arrived on the wire; digests are computed here with node:crypto.
import { createHash } from 'node:crypto'
import { type Gateway, type Seen, startGateway } from '@wxpay/sandbox/testing'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { clientOptions, mchid, merchantSerial, platformSerial, secret } from '../../test/fixtures'
import { type TestKeys, testKeys } from '../../test/keys'
import { WechatpayTransportError, WechatpayValidationError } from '../errors'
import { Wechatpay as FetchWechatpay } from '../index'
import { Wechatpay } from '../node'
import { MAX_TIMEOUT } from '../options'
import type { RequestEvent, ResponseEvent } from './hooks'

let keys: TestKeys
let gateway: Gateway
const FILE = Buffer.from('交易时间,商户号\r\n`2026-12-01 10:00:00,`1900000109\r\n')
const APIV3_KEY = 'a'.repeat(16) + 'B'.repeat(16)

beforeAll(async () => {
  keys = testKeys()
  gateway = await startGateway({
    mchid,
    merchantSerial,
    merchantPublicKey: keys.merchantPublicKey,
    platformSerial,
    platformKey: keys.platformKey,
    secret,
  })
  gateway.handler = answer
})
afterAll(() => gateway.close())
afterEach(() => {
  gateway.seen.length = 0
  gateway.handler = answer
})

/** What the gateway answers for each entry point's path. */
function answer(req: Seen) {
  if (req.url.startsWith('/v3/billdownload/file'))
    return { status: 200, sign: false, headers: { 'content-type': 'application/octet-stream' }, body: FILE }
  if (req.url === '/v3/certificates') return { status: 200, body: '{"data":[]}' }
  if (req.url === '/v3/merchant/media/upload') return { status: 200, body: '{"media_id":"m1"}' }
  return { status: 200, body: '{"trade_state":"SUCCESS"}' }
}

type Options = { signal?: AbortSignal; timeout?: number }
type Client = InstanceType<typeof Wechatpay>

/** The entry points, each sending one signed request with the given call options. */
const entries: Array<[string, (wxpay: Client, options: Options) => Promise<unknown>]> = [
  [
    'a call',
    (wxpay, o) =>
      wxpay.v3.pay.transactions.id._transaction_id_.get({
        transaction_id: '4200001',
        query: { mchid },
        ...o,
      }),
  ],
  [
    'an upload',
    (wxpay, o) =>
      wxpay.v3.merchant.media.upload.post({
        media: { filename: 'a.jpg', data: new Uint8Array([0xff, 0xd8, 0xff]) },
        ...o,
      }),
  ],
  [
    'download()',
    (wxpay, o) =>
      wxpay.download(`${gateway.url}v3/billdownload/file?token=t1`, {
        hash_type: 'SHA1',
        hash_value: createHash('sha1').update(FILE).digest('hex'),
        ...o,
      }),
  ],
  [
    'download.stream()',
    async (wxpay, o) => {
      const stream = await wxpay.download.stream(`${gateway.url}v3/billdownload/file?token=t1`, {
        hash_type: 'SHA1',
        hash_value: createHash('sha1').update(FILE).digest('hex'),
        ...o,
      })
      return new Response(stream).arrayBuffer()
    },
  ],
  ['certificates()', (wxpay, o) => wxpay.certificates(o)],
]

const transports = [
  ['undici', Wechatpay],
  ['fetch', FetchWechatpay as typeof Wechatpay],
] as const

describe.each(transports)('one door (%s)', (_, Client) => {
  const client = (extra: object = {}) =>
    new Client({
      ...clientOptions(keys),
      apiv3Key: APIV3_KEY,
      baseUrl: gateway.url,
      backupBaseUrl: false,
      ...extra,
    })

  test('every entry point sends the same User-Agent, signed, and is seen by the hooks', async () => {
    const events: Array<RequestEvent | ResponseEvent> = []
    const wxpay = client({
      hooks: { request: (e: RequestEvent) => events.push(e), response: (e: ResponseEvent) => events.push(e) },
    })
    for (const [, send] of entries) await send(wxpay, {})
    expect(gateway.seen).toHaveLength(entries.length)
    const agents = new Set(gateway.seen.map((s) => s.headers['user-agent']))
    expect(agents.size).toBe(1)
    expect([...agents][0]).toMatch(/^wxpay\/\d+\.\d+\.\d+ \(/)
    for (const seen of gateway.seen) {
      expect(seen.headers.authorization).toMatch(/^WECHATPAY2-SHA256-RSA2048 /)
      // the gateway checks signatures over the body; an upload's covers its meta part instead
      if (!seen.url.includes('/upload')) expect(seen.valid, `${seen.url}: ${seen.reason}`).toBe(true)
    }
    // one request and one response event per entry point, by path template
    expect(events.map((e) => `${'status' in e ? e.status : '→'} ${e.path}`)).toEqual([
      '→ v3/pay/transactions/id/{transaction_id}',
      '200 v3/pay/transactions/id/{transaction_id}',
      '→ v3/merchant/media/upload',
      '200 v3/merchant/media/upload',
      '→ v3/billdownload/file',
      '200 v3/billdownload/file',
      '→ v3/billdownload/file',
      '200 v3/billdownload/file',
      '→ v3/certificates',
      '200 v3/certificates',
    ])
  })

  test.each(entries)('%s: a timeout out of bounds is refused before any I/O', async (_, send) => {
    const wxpay = client()
    for (const timeout of [MAX_TIMEOUT + 1, 0, -1, Number.NaN]) {
      const error = await send(wxpay, { timeout }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(WechatpayValidationError)
      expect((error as WechatpayValidationError).option).toBe('timeout')
    }
    expect(gateway.seen).toHaveLength(0)
  })

  test.each(entries)(
    '%s: an aborted signal sends nothing; an abort in flight rejects ABORTED',
    async (_, send) => {
      const wxpay = client()
      const error = await send(wxpay, { signal: AbortSignal.abort() }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(WechatpayTransportError)
      expect((error as WechatpayTransportError).code).toBe('ABORTED')
      expect(gateway.seen).toHaveLength(0)

      gateway.handler = () => 'hang'
      const controller = new AbortController()
      const pending = send(wxpay, { signal: controller.signal }).catch((e: unknown) => e)
      await expect.poll(() => gateway.seen.length, { timeout: 10_000 }).toBe(1)
      controller.abort()
      const inFlight = await pending
      expect(inFlight).toBeInstanceOf(WechatpayTransportError)
      expect((inFlight as WechatpayTransportError).code).toBe('ABORTED')
    },
  )

  test.each(entries)('%s: the whole-call timeout applies', async (_, send) => {
    gateway.handler = () => 'hang'
    const error = await send(client(), { timeout: 300 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatpayTransportError)
    expect((error as WechatpayTransportError).code).toBe('TIMEOUT')
    expect((error as Error).message).toContain('300 ms')
  })
})

test('every entry point uses the configured fetch', async () => {
  const sent: string[] = []
  const recording: typeof fetch = (input, init) => {
    sent.push(String(input))
    return fetch(input, init)
  }
  const wxpay = new Wechatpay({
    ...clientOptions(keys),
    apiv3Key: APIV3_KEY,
    baseUrl: gateway.url,
    backupBaseUrl: false,
    fetch: recording,
  })
  for (const [, send] of entries) await send(wxpay, {})
  expect(sent.map((u) => new URL(u).pathname)).toEqual([
    '/v3/pay/transactions/id/4200001',
    '/v3/merchant/media/upload',
    '/v3/billdownload/file',
    '/v3/billdownload/file',
    '/v3/certificates',
  ])
  expect(gateway.seen).toHaveLength(entries.length)
})
