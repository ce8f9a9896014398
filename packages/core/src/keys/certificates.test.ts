// Platform certificate mode against the real sandbox (its /v3/certificates, rotation, request log)
// and, for forged downloads, the scriptable raw gateway of @wxpay/sandbox/testing.
import { X509Certificate } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import {
  certificatesBody,
  createPlatformCertificate,
  type Gateway,
  type PlatformCertificate,
  rsaKeyPair,
  seededInputs,
  signV3Notification,
  signV3Reply,
  startGateway,
  testCredentials,
} from '@wxpay/sandbox/testing'
import { afterAll, afterEach, beforeAll, describe, expect, onTestFailed, test } from 'vitest'
import { Wechatpay as FetchWechatpay } from '../index'
import { Wechatpay, WechatpayApiError, WechatpaySignatureError, WechatpayValidationError } from '../node'

const downloads = (sb: Sandbox) => sb.requests.filter((r) => r.path === '/v3/certificates').length
const options = (sb: Sandbox, extra: Record<string, unknown> = {}) => ({
  ...sb.clientOptions(),
  backupBaseUrl: false as const,
  timeout: 60_000,
  ...extra,
})
const close = (wxpay: Wechatpay, sb: Sandbox, out_trade_no: string) =>
  wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
    out_trade_no,
    json: { mchid: sb.merchant.mchid },
  })
let orderNo = 0
/** A NOTPAY order: closing it answers a signed 204. */
const order = (sb: Sandbox) => {
  const out_trade_no = `AC${++orderNo}`
  sb.orders.create({ out_trade_no })
  return out_trade_no
}

/** Polls (no timing asserted) until `check` holds, for at most `ms`. */
async function eventually(check: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('certificate mode against the sandbox', () => {
  let sb: Sandbox
  beforeAll(async () => {
    sb = await startSandbox({ platformMode: 'certificate' })
  })
  afterAll(() => sb.close())
  afterEach(() => sb.requests.clear())

  test('clientOptions() of a certificate merchant: no key typed in, autoCertificates on', () => {
    const opts = sb.clientOptions()
    expect(opts.certs).toEqual({})
    expect(opts.autoCertificates).toBe(true)
    expect(sb.platform.certificates()).toHaveLength(1)
  })

  test.each([
    ['undici', Wechatpay],
    ['fetch', FetchWechatpay as typeof Wechatpay],
  ])(
    'bootstrap from a cold start (%s): one signed download, then the call verifies with the certificate',
    async (_, Client) => {
      const wxpay = new Client(options(sb))
      const reply = await close(wxpay, sb, order(sb))
      expect(reply.status).toBe(204)
      expect(reply.headers['wechatpay-serial']).toBe(sb.platform.certificates()[0]!.serial)
      expect(sb.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        'GET /v3/certificates',
        expect.stringMatching(/^POST \/v3\/pay\/transactions\/out-trade-no\/AC\d+\/close$/),
      ])
      await close(wxpay, sb, order(sb))
      expect(downloads(sb)).toBe(1)
    },
  )

  test('single-flight: 1,000 concurrent calls from a cold client make one download', async () => {
    // 1,000 calls are in flight in the client at once; the transport sends at most 16 at a time,
    // so that a loaded 2-core machine does not time out 1,000 simultaneous connects.
    let active = 0
    const waiting: Array<() => void> = []
    const limited: typeof fetch = async (input, init) => {
      if (active >= 16) await new Promise<void>((resolve) => waiting.push(resolve))
      active++
      try {
        return await fetch(input, init)
      } finally {
        active--
        waiting.shift()?.()
      }
    }
    // Each call's timer runs while it waits for one of the 16 slots: under load the queue can
    // take longer than the default 10 s, so the whole test's budget is the calls' timeout too.
    const wxpay = new Wechatpay(options(sb, { fetch: limited, timeout: 110_000 }))
    const no = order(sb)
    const replies = await Promise.all(Array.from({ length: 1000 }, () => close(wxpay, sb, no)))
    expect(replies.every((r) => r.status === 204)).toBe(true)
    expect(downloads(sb)).toBe(1)
  }, 120_000)

  test('rotation: a reply under the new serial refreshes once, then the old certificate can be retired', async () => {
    const wxpay = new Wechatpay(options(sb))
    await close(wxpay, sb, order(sb))
    expect(downloads(sb)).toBe(1)
    const next = await sb.platform.rotate()
    expect(sb.platform.certificates().map((c) => c.serial)).toHaveLength(2)
    const reply = await close(wxpay, sb, order(sb))
    expect(reply.headers['wechatpay-serial']).toBe(next.serial)
    expect(downloads(sb)).toBe(2)
    sb.platform.retire()
    expect(sb.platform.certificates().map((c) => c.serial)).toEqual([next.serial])
    await close(wxpay, sb, order(sb))
    expect(downloads(sb)).toBe(2)
  }, 60_000)

  test('a flood of unknown serials makes a bounded number of downloads (the first miss, then one a minute)', async () => {
    const wxpay = new Wechatpay(options(sb))
    await close(wxpay, sb, order(sb))
    const forger = rsaKeyPair()
    const random = seededInputs(onTestFailed)
    const forged = () => {
      const serial = `7${random.bytes(8).toString('hex').toUpperCase()}`
      return signV3Notification({
        privateKey: forger.privateKey,
        serial,
        apiv3Key: sb.merchant.apiv3Key,
        resource: { out_trade_no: 'X' },
      })
    }
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => wxpay.notifications.parse(forged())),
    )
    for (let i = 0; i < 50; i++)
      results.push(...(await Promise.allSettled([wxpay.notifications.parse(forged())])))
    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof WechatpaySignatureError)).toBe(
      true,
    )
    expect(downloads(sb)).toBe(2)
  })

  test('notifications delivered by the sandbox are signed with the certificate and parse', async () => {
    const wxpay = new Wechatpay(options(sb))
    const received: Array<{ headers: IncomingHttpHeaders; body: Buffer }> = []
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks) })
        res.writeHead(204).end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const out_trade_no = `AC${++orderNo}`
      sb.orders.create({ out_trade_no, notify_url: `http://127.0.0.1:${port}/notify` })
      await sb.orders.pay(out_trade_no)
      await sb.notifications.settled()
      expect(received).toHaveLength(1)
      const event = await wxpay.notifications.parse({
        headers: received[0]!.headers as Record<string, string>,
        body: received[0]!.body,
      })
      expect(event.event_type).toBe('TRANSACTION.SUCCESS')
      expect(received[0]!.headers['wechatpay-serial']).toBe(sb.platform.certificates().at(-1)!.serial)
      expect(downloads(sb)).toBe(1)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  test('periodic refresh: with intervalMs the client downloads again by itself', async () => {
    const wxpay = new Wechatpay(options(sb, { autoCertificates: { intervalMs: 1000 } }))
    await close(wxpay, sb, order(sb))
    await eventually(() => downloads(sb) >= 3)
    await close(wxpay, sb, order(sb))
  })

  test('a certificate merchant without autoCertificates cannot call: certs is named before any I/O', async () => {
    const wxpay = new Wechatpay(options(sb, { autoCertificates: false }))
    await expect(close(wxpay, sb, order(sb))).rejects.toMatchObject({ option: 'certs' })
    expect(sb.requests).toHaveLength(0)
  })
})

describe('public-key merchants and migration', () => {
  let sb: Sandbox
  beforeAll(async () => {
    sb = await startSandbox()
  })
  afterAll(() => sb.close())
  afterEach(() => sb.requests.clear())

  test('404 RESOURCE_NOT_EXISTS is not fatal when certs has the public key', async () => {
    const wxpay = new Wechatpay(options(sb, { autoCertificates: true }))
    const forger = rsaKeyPair()
    // An unknown serial makes the client look for certificates: there are none, and that is fine.
    const forged = signV3Notification({
      privateKey: forger.privateKey,
      serial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
      apiv3Key: sb.merchant.apiv3Key,
      resource: { out_trade_no: 'X' },
    })
    await expect(wxpay.notifications.parse(forged)).rejects.toThrow(WechatpaySignatureError)
    expect(downloads(sb)).toBe(1)
    expect((await close(wxpay, sb, order(sb))).status).toBe(204)
  })

  test('without a public key, the 404 is the call’s error', async () => {
    const wxpay = new Wechatpay(options(sb, { certs: {}, autoCertificates: true }))
    const error = await close(wxpay, sb, order(sb)).catch((err: unknown) => err)
    expect(error).toBeInstanceOf(WechatpayApiError)
    expect((error as WechatpayApiError).code).toBe('RESOURCE_NOT_EXISTS')
  })

  test('both mode: replies signed by the certificate, then by the public key, all verify', async () => {
    const both = await startSandbox({ platformMode: 'both' })
    try {
      const wxpay = new Wechatpay(options(both))
      expect(Object.keys(both.clientOptions().certs)).toEqual([both.platform.serial])
      const first = await close(wxpay, both, order(both))
      expect(first.headers['wechatpay-serial']).toBe(both.platform.certificates()[0]!.serial)
      both.platform.signWith('publicKey')
      const second = await close(wxpay, both, order(both))
      expect(second.headers['wechatpay-serial']).toBe(both.platform.serial)
      expect(downloads(both)).toBe(1)
    } finally {
      await both.close()
    }
  })
})

describe('forged /v3/certificates replies are never trusted (raw gateway)', () => {
  const creds = testCredentials()
  let gateway: Gateway
  let genuine: PlatformCertificate
  let another: PlatformCertificate
  beforeAll(async () => {
    ;[genuine, another] = await Promise.all([createPlatformCertificate(), createPlatformCertificate()])
    gateway = await startGateway({
      mchid: creds.mchid,
      merchantSerial: creds.merchantSerial,
      merchantPublicKey: creds.merchant.publicKey,
    })
  })
  afterAll(() => gateway.close())

  const client = () =>
    new Wechatpay({
      mchid: creds.mchid,
      serial: creds.merchantSerial,
      privateKey: creds.merchant.privateKey,
      apiv3Key: creds.apiv3Key,
      autoCertificates: true,
      baseUrl: gateway.url,
      backupBaseUrl: false,
    })

  /** The gateway answers /v3/certificates with `body` signed by `signer`, and business calls signed by the genuine certificate. */
  function script(
    body: string,
    signer: { serial: string; privateKey: PlatformCertificate['privateKey'] | string },
  ) {
    gateway.seen.length = 0
    gateway.handler = (req) => {
      if (req.url === '/v3/certificates')
        return {
          status: 200,
          headers: { ...signV3Reply({ ...signer, body }), 'content-type': 'application/json' },
          body,
          sign: false,
        }
      return {
        status: 204,
        headers: { ...signV3Reply({ serial: genuine.serial, privateKey: genuine.privateKey, body: '' }) },
        sign: false,
      }
    }
  }

  test('genuine: sealed with the APIv3 key, listed under its serial, signed by itself → trusted', async () => {
    script(
      certificatesBody([
        { certificate: genuine.certificate, serial_no: genuine.serial, apiv3Key: creds.apiv3Key },
      ]),
      genuine,
    )
    const reply = await client().v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
      out_trade_no: 'T1',
      json: { mchid: creds.mchid },
    })
    expect(reply.status).toBe(204)
    expect(gateway.seen.map((s) => s.url)).toEqual([
      '/v3/certificates',
      '/v3/pay/transactions/out-trade-no/T1/close',
    ])
    expect(gateway.seen.every((s) => s.valid)).toBe(true)
  })

  test.each([
    [
      'sealed under another APIv3 key',
      () =>
        script(
          certificatesBody([
            { certificate: genuine.certificate, serial_no: genuine.serial, apiv3Key: 'x'.repeat(32) },
          ]),
          genuine,
        ),
      /does not decrypt/,
    ],
    [
      // It decrypts with the associated data it names; the protocol names `certificate`.
      'sealed with another associated data than `certificate`',
      () =>
        script(
          certificatesBody([
            {
              certificate: genuine.certificate,
              serial_no: genuine.serial,
              apiv3Key: creds.apiv3Key,
              associated_data: 'transaction',
            },
          ]),
          genuine,
        ),
      /associated_data is not certificate/,
    ],
    [
      'signed by another key under the certificate’s serial',
      () =>
        script(
          certificatesBody([
            { certificate: genuine.certificate, serial_no: genuine.serial, apiv3Key: creds.apiv3Key },
          ]),
          { serial: genuine.serial, privateKey: creds.other.privateKey },
        ),
      /does not verify/,
    ],
    [
      'a certificate listed under a serial that is not its own',
      () =>
        script(
          certificatesBody([
            { certificate: another.certificate, serial_no: genuine.serial, apiv3Key: creds.apiv3Key },
          ]),
          { serial: genuine.serial, privateKey: another.privateKey },
        ),
      /is listed as .* but is the certificate with serial/,
    ],
    [
      'signed by a certificate the reply does not deliver',
      () =>
        script(
          certificatesBody([
            { certificate: genuine.certificate, serial_no: genuine.serial, apiv3Key: creds.apiv3Key },
          ]),
          another,
        ),
      /not among/,
    ],
  ])('%s → WechatpaySignatureError, nothing trusted, no business call sent', async (_, arrange, message) => {
    arrange()
    const wxpay = client()
    const call = () =>
      wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
        out_trade_no: 'T2',
        json: { mchid: creds.mchid },
      })
    const error = await call().catch((err: unknown) => err)
    expect(error).toBeInstanceOf(WechatpaySignatureError)
    expect((error as Error).message).toMatch(message)
    expect(gateway.seen.map((s) => s.url)).toEqual(['/v3/certificates'])
    // Still nothing trusted: the next call downloads again (and is refused again).
    await expect(call()).rejects.toThrow(WechatpaySignatureError)
    expect(gateway.seen.map((s) => s.url)).toEqual(['/v3/certificates', '/v3/certificates'])
  })

  test('wxpay.certificates(): one request, every certificate as PEM with its dates, an expired one included', async () => {
    const expired = await createPlatformCertificate(Date.now() - 6 * 365 * 86_400_000)
    script(
      certificatesBody([
        { certificate: genuine.certificate, serial_no: genuine.serial, apiv3Key: creds.apiv3Key },
        { certificate: expired.certificate, serial_no: expired.serial, apiv3Key: creds.apiv3Key },
      ]),
      genuine,
    )
    // No autoCertificates: the member needs only serial, privateKey and apiv3Key.
    const wxpay = new Wechatpay({
      mchid: creds.mchid,
      serial: creds.merchantSerial,
      privateKey: creds.merchant.privateKey,
      apiv3Key: creds.apiv3Key,
      baseUrl: gateway.url,
      backupBaseUrl: false,
    })
    const listed = await wxpay.certificates()
    expect(gateway.seen.map((s) => s.url)).toEqual(['/v3/certificates'])
    expect(gateway.seen.every((s) => s.valid)).toBe(true)
    // The oracle is node:crypto's X509Certificate, independent of core's DER reader.
    expect(
      listed.map((c) => {
        const x509 = new X509Certificate(c.pem)
        return [
          c.serial,
          x509.serialNumber,
          c.notBefore.getTime(),
          Date.parse(x509.validFrom),
          c.notAfter.getTime(),
          Date.parse(x509.validTo),
        ]
      }),
    ).toEqual(
      [genuine, expired].map((c) => {
        const x509 = new X509Certificate(c.certificate)
        const from = Date.parse(x509.validFrom)
        const to = Date.parse(x509.validTo)
        return [c.serial, x509.serialNumber, from, from, to, to]
      }),
    )
    expect(listed[0]!.pem.trim()).toBe(genuine.certificate.trim())
    // Listed, though expired: the caller decides (the key store keeps only valid ones).
    expect(listed[1]!.notAfter < new Date()).toBe(true)
  })

  test.each([
    ['sealed under another APIv3 key', 'x'.repeat(32), 'genuine', /does not decrypt/],
    ['signed by a certificate the reply does not deliver', undefined, 'another', /not among/],
  ] as const)(
    'wxpay.certificates() refuses a reply %s (the key store’s checks)',
    async (_, key, by, message) => {
      script(
        certificatesBody([
          { certificate: genuine.certificate, serial_no: genuine.serial, apiv3Key: key ?? creds.apiv3Key },
        ]),
        by === 'genuine' ? genuine : another,
      )
      const error = await client()
        .certificates()
        .catch((err: unknown) => err)
      expect(error).toBeInstanceOf(WechatpaySignatureError)
      expect((error as Error).message).toMatch(message)
    },
  )

  test.each(['serial', 'privateKey', 'apiv3Key'] as const)(
    'wxpay.certificates() without %s: WechatpayValidationError naming it, nothing sent',
    async (name) => {
      gateway.seen.length = 0
      const { [name]: _, ...rest } = {
        mchid: creds.mchid,
        serial: creds.merchantSerial,
        privateKey: creds.merchant.privateKey,
        apiv3Key: creds.apiv3Key,
        baseUrl: gateway.url,
        backupBaseUrl: false as const,
      }
      const error = await new Wechatpay(rest).certificates().catch((err: unknown) => err)
      expect(error).toBeInstanceOf(WechatpayValidationError)
      expect((error as WechatpayValidationError).message).toContain(name)
      expect(gateway.seen).toEqual([])
    },
  )

  test('a download that keeps failing is not retried for every forged notification', async () => {
    gateway.seen.length = 0
    gateway.handler = () => ({ status: 500, body: '{"code":"SYSTEM_ERROR","message":"down"}' })
    const wxpay = new Wechatpay({
      mchid: creds.mchid,
      serial: creds.merchantSerial,
      privateKey: creds.merchant.privateKey,
      apiv3Key: creds.apiv3Key,
      certs: { [creds.platformSerial]: creds.platform.publicKey },
      autoCertificates: true,
      baseUrl: gateway.url,
      backupBaseUrl: false,
    })
    const forged = () =>
      signV3Notification({
        privateKey: creds.other.privateKey,
        serial: '6F0000000000000000000000000000000000000A',
        apiv3Key: creds.apiv3Key,
        resource: { out_trade_no: 'X' },
      })
    const first = await wxpay.notifications.parse(forged()).catch((err: unknown) => err)
    expect(first).toBeInstanceOf(WechatpayApiError) // why the download failed
    for (let i = 0; i < 20; i++)
      await expect(wxpay.notifications.parse(forged())).rejects.toThrow(WechatpaySignatureError)
    expect(gateway.seen.filter((s) => s.url === '/v3/certificates')).toHaveLength(1)
  })

  test('a failed refresh keeps the certificates held so far', async () => {
    const body = certificatesBody([
      { certificate: genuine.certificate, serial_no: genuine.serial, apiv3Key: creds.apiv3Key },
    ])
    script(body, genuine)
    const good = gateway.handler
    let certificateCalls = 0
    gateway.handler = (req) => {
      if (req.url === '/v3/certificates' && ++certificateCalls > 1)
        return { status: 500, body: '{"code":"SYSTEM_ERROR","message":"down"}' }
      return good(req)
    }
    const wxpay = new Wechatpay({
      mchid: creds.mchid,
      serial: creds.merchantSerial,
      privateKey: creds.merchant.privateKey,
      apiv3Key: creds.apiv3Key,
      autoCertificates: { intervalMs: 1000 },
      baseUrl: gateway.url,
      backupBaseUrl: false,
    })
    const call = () =>
      wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
        out_trade_no: 'T3',
        json: { mchid: creds.mchid },
      })
    expect((await call()).status).toBe(204)
    await eventually(() => certificateCalls >= 2)
    expect((await call()).status).toBe(204)
  })
})

describe('autoCertificates options', () => {
  const creds = testCredentials()
  const base = {
    mchid: creds.mchid,
    serial: creds.merchantSerial,
    privateKey: creds.merchant.privateKey,
    apiv3Key: creds.apiv3Key,
  }
  test.each([
    ['no apiv3Key', { ...base, apiv3Key: undefined, autoCertificates: true }, /needs apiv3Key/],
    [
      'no privateKey',
      { ...base, privateKey: undefined, autoCertificates: true },
      /needs serial and privateKey/,
    ],
    ['an interval below 1 s', { ...base, autoCertificates: { intervalMs: 10 } }, /intervalMs/],
    ['a string', { ...base, autoCertificates: 'yes' }, /true, false or/],
  ])('%s → WechatpayValidationError naming autoCertificates', (_, opts, message) => {
    let error: unknown
    try {
      new Wechatpay(opts as never)
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(WechatpayValidationError)
    expect((error as WechatpayValidationError).option).toBe('autoCertificates')
    expect((error as Error).message).toMatch(message)
    expect((error as Error).message).not.toContain(creds.apiv3Key)
  })
})
