// `wxpay certificates download`: from a certificate-mode @wxpay/sandbox (genuine downloads,
// rotation, the written certs.json used as the client's certs), and from the scriptable raw
// gateway of @wxpay/sandbox/testing for forged /v3/certificates replies, none of which may be
// trusted or written.
import { execFileSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import {
  alnum,
  certificatesBody,
  createPlatformCertificate,
  type Gateway,
  rsaKeyPair,
  startGateway,
} from '@wxpay/sandbox/testing'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { envOf, secret, wxpay } from './helpers'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wxpay-cli-certs-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A fresh empty output directory's name under `dir`. */
let outs = 0
const nextOut = () => `out${++outs}`

const seconds = (date: Date) => new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString()

describe('from a certificate-mode sandbox', () => {
  let sb: Sandbox
  let env: Record<string, string>
  beforeAll(async () => {
    sb = await startSandbox({ platformMode: 'certificate' })
    env = envOf(sb.clientOptions())
    delete env.WECHATPAY_CERTS // certificate mode: no platform key configured at all
  })
  afterAll(() => sb.close())

  test('writes each PEM and a certs.json; prints serials and validity; exit 0', async () => {
    const out = nextOut()
    const r = await wxpay(['certificates', 'download', '--out', out], env, dir)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const [served] = sb.platform.certificates()
    const serial = served!.serial
    const certs = JSON.parse(readFileSync(join(dir, out, 'certs.json'), 'utf8')) as Record<string, string>
    expect(Object.keys(certs)).toEqual([serial])
    expect(certs[serial]!.trim()).toBe(served!.certificate.trim())
    const pem = readFileSync(join(dir, out, `wechatpay_${serial}.pem`), 'utf8')
    // node:crypto reads the written file on its own: the certificate of that serial
    expect(new X509Certificate(pem).serialNumber.toUpperCase().replace(/^0+/, '')).toBe(serial)
    expect(r.stdout).toContain(
      `${serial}  ${seconds(served!.notBefore)} → ${seconds(served!.notAfter)}  ${join(out, `wechatpay_${serial}.pem`)}`,
    )
    expect(r.stdout).toContain(`${join(out, 'certs.json')}: 1 certificate, for the certs option`)

    // the certs.json is ready for the client: a close verified with it alone (no download)
    sb.orders.create({ out_trade_no: 'CLI-CERT-1' })
    const json = JSON.stringify({ mchid: sb.merchant.mchid })
    const close = [
      'call',
      'v3/pay/transactions/out-trade-no/{out_trade_no}/close',
      '--var',
      'out_trade_no=CLI-CERT-1',
    ]
    const called = await wxpay([...close, '--json', json, '--certs', join(out, 'certs.json')], env, dir)
    expect(called.code).toBe(0)
    expect(sb.orders.get('CLI-CERT-1')?.state).toBe('CLOSED')
  })

  test('--certificate-anchor / WECHATPAY_CERTIFICATE_ANCHOR: the sandbox root is accepted, another root refuses the download', async () => {
    const root = sb.platform.rootCertificate!
    writeFileSync(join(dir, 'root.pem'), root)
    const viaFlag = await wxpay(
      ['certificates', 'download', '--out', nextOut(), '--certificate-anchor', 'root.pem'],
      env,
      dir,
    )
    expect(viaFlag.code).toBe(0)
    const viaEnv = await wxpay(
      ['certificates', 'download', '--out', nextOut()],
      { ...env, WECHATPAY_CERTIFICATE_ANCHOR: root },
      dir,
    )
    expect(viaEnv.code).toBe(0)
    // another root (openssl writes it): the download is refused, nothing written
    const key = join(dir, 'other-root.key')
    execFileSync(
      'openssl',
      ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key],
      { stdio: 'pipe' },
    )
    const other = execFileSync(
      'openssl',
      ['req', '-x509', '-key', key, '-subj', '/CN=Tenpay.com Root CA', '-days', '2'],
      { encoding: 'utf8' },
    )
    const out = nextOut()
    const refused = await wxpay(
      ['certificates', 'download', '--out', out],
      { ...env, WECHATPAY_CERTIFICATE_ANCHOR: other },
      dir,
    )
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/certificateAnchor/)
    expect(existsSync(join(dir, out, 'certs.json'))).toBe(false)
  })

  test('after a rotation both certificates are written', async () => {
    const fresh = await sb.platform.rotate()
    const out = nextOut()
    const r = await wxpay(['certificates', 'download', '--out', out], env, dir)
    expect(r.code).toBe(0)
    const certs = JSON.parse(readFileSync(join(dir, out, 'certs.json'), 'utf8')) as Record<string, string>
    expect(Object.keys(certs).sort()).toEqual(
      sb.platform
        .certificates()
        .map((c) => c.serial)
        .sort(),
    )
    expect(Object.keys(certs)).toHaveLength(2)
    expect(certs[fresh.serial]!.trim()).toBe(fresh.certificate.trim())
  })

  test('wxpay call v3/certificates --auto-certificates prints the verified data as JSON', async () => {
    const r = await wxpay(['call', 'v3/certificates', '--auto-certificates'], env)
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/^HTTP 200, Request-ID \S+\n$/)
    const data = (JSON.parse(r.stdout) as { data: Array<{ serial_no: string }> }).data
    expect(data.map((d) => d.serial_no).sort()).toEqual(
      sb.platform
        .certificates()
        .map((c) => c.serial)
        .sort(),
    )
  })

  test('an --out that cannot be created (a file is in the way): exit 4, the directory named', async () => {
    writeFileSync(join(dir, 'blocker'), '')
    const r = await wxpay(['certificates', 'download', '--out', join('blocker', 'certs')], env, dir)
    expect(r.code).toBe(4)
    expect(r.stderr).toMatch(/^wxpay: cannot write to blocker\/certs \(ENOTDIR\)$/m)
    expect(r.stdout).toBe('')
  })

  test('without the APIv3 key: exit 2, the missing credential named, nothing sent', async () => {
    const { WECHATPAY_APIV3_KEY: _, ...rest } = env
    sb.requests.clear()
    const r = await wxpay(['certificates', 'download', '--out', nextOut()], rest, dir)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('the download needs --apiv3-key / WECHATPAY_APIV3_KEY')
    expect(sb.requests).toHaveLength(0)
  })
})

test('a public-key merchant: 404 RESOURCE_NOT_EXISTS is reported with a hint, exit 1', async () => {
  const sb = await startSandbox()
  try {
    const env = envOf(sb.clientOptions())
    delete env.WECHATPAY_CERTS
    const out = nextOut()
    const r = await wxpay(['certificates', 'download', '--out', out], env, dir)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^wxpay: RESOURCE_NOT_EXISTS: .*\(HTTP 404/m)
    expect(r.stderr).toContain('it verifies WeChat Pay with a public key (PUB_KEY_ID_…)')
    expect(existsSync(join(dir, out))).toBe(false)
  } finally {
    await sb.close()
  }
})

describe('forged /v3/certificates replies (raw gateway)', () => {
  // Certificates made by openssl, sealed and signed with node:crypto here and in the gateway:
  // independent of the code under test.
  const makeCertificate = () => {
    const where = mkdtempSync(join(tmpdir(), 'wxpay-cli-openssl-'))
    try {
      const key = join(where, 'key.pem')
      const crt = join(where, 'crt.pem')
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          key,
          '-out',
          crt,
          '-days',
          '30',
          '-subj',
          '/CN=Tenpay.com sign',
        ],
        { stdio: 'ignore' },
      )
      const certificate = readFileSync(crt, 'utf8')
      return {
        certificate,
        privateKey: readFileSync(key, 'utf8'),
        serial: new X509Certificate(certificate).serialNumber.toUpperCase().replace(/^0+/, ''),
      }
    } finally {
      rmSync(where, { recursive: true, force: true })
    }
  }
  const genuine = makeCertificate()
  const other = makeCertificate()
  const merchant = rsaKeyPair()
  const apiv3Key = alnum(32)
  const otherApiv3Key = alnum(32)
  const mchid = '1900000109'
  const merchantSerial = 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678'
  secret(merchant.privateKey)
  secret(apiv3Key)
  secret(otherApiv3Key)

  // The /v3/certificates body is @wxpay/sandbox/testing's (node:crypto AES-256-GCM, not core's).
  const body = (entries: Array<{ certificate: string; serial_no: string; key: string }>) =>
    certificatesBody(
      entries.map(({ certificate, serial_no, key }) => ({ certificate, serial_no, apiv3Key: key })),
    )

  let gateway: Gateway | undefined
  afterEach(async () => {
    await gateway?.close()
    gateway = undefined
  })

  /** A gateway signing its replies with `signer`'s key under `genuine.serial`, answering `reply`. */
  const serve = async (signer: { privateKey: string }, reply: string, extra: string[] = []) => {
    gateway = await startGateway({
      mchid,
      merchantSerial,
      merchantPublicKey: merchant.publicKey,
      platformSerial: genuine.serial,
      platformKey: signer.privateKey,
    })
    gateway.handler = () => ({ status: 200, body: reply })
    const env = {
      WECHATPAY_MCHID: mchid,
      WECHATPAY_SERIAL: merchantSerial,
      WECHATPAY_PRIVATE_KEY: merchant.privateKey,
      WECHATPAY_APIV3_KEY: apiv3Key,
      WECHATPAY_BASE_URL: gateway.url,
      WECHATPAY_BACKUP_BASE_URL: 'false',
    }
    const out = nextOut()
    const r = await wxpay(['certificates', 'download', '--out', out, ...extra], env, dir)
    return { ...r, written: existsSync(join(dir, out)) ? readdirSync(join(dir, out)) : [] }
  }

  test('the genuine reply (so that the forgeries below can fail for their own reason): exit 0', async () => {
    const r = await serve(genuine, body([{ ...genuine, serial_no: genuine.serial, key: apiv3Key }]))
    expect(r.code).toBe(0)
    expect(r.written.sort()).toEqual(['certs.json', `wechatpay_${genuine.serial}.pem`])
    expect(gateway!.seen.every((seen) => seen.valid)).toBe(true)
    // One request: the core's certificates() reads the reply it verified (no bootstrap, then a GET).
    expect(gateway!.seen.map((seen) => seen.url)).toEqual(['/v3/certificates'])
  })

  test('--endpoint v3/global/certificates (a cross-border merchant): downloaded from there', async () => {
    const reply = body([{ ...genuine, serial_no: genuine.serial, key: apiv3Key }])
    const r = await serve(genuine, reply, ['--endpoint', 'v3/global/certificates'])
    expect(r.code).toBe(0)
    expect(r.written.sort()).toEqual(['certs.json', `wechatpay_${genuine.serial}.pem`])
    expect(gateway!.seen.map((seen) => [seen.url, seen.valid])).toEqual([['/v3/global/certificates', true]])
  })

  test('--endpoint with an unknown path: a usage error naming the option, nothing sent', async () => {
    const r = await serve(genuine, '', ['--endpoint', 'v3/certificatez'])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('certificatesEndpoint')
    expect(gateway!.seen).toEqual([])
  })

  test('sealed with another APIv3 key: refused, exit 1, nothing written', async () => {
    const r = await serve(genuine, body([{ ...genuine, serial_no: genuine.serial, key: otherApiv3Key }]))
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^wxpay: SIGNATURE_INVALID: platform certificates refused: .*APIv3 key/m)
    expect(r.written).toEqual([])
    expect(r.stdout).toBe('')
  })

  test('signed with another key than the certificate it names: refused, exit 1, nothing written', async () => {
    const r = await serve(other, body([{ ...genuine, serial_no: genuine.serial, key: apiv3Key }]))
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^wxpay: SIGNATURE_INVALID: /m)
    expect(r.written).toEqual([])
  })

  test('a certificate listed under another serial: refused, exit 1, nothing written', async () => {
    const r = await serve(genuine, body([{ ...genuine, serial_no: other.serial, key: apiv3Key }]))
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^wxpay: SIGNATURE_INVALID: platform certificates refused: .*listed as/m)
    expect(r.written).toEqual([])
  })

  // The genuine certificate first (the reply verifies with it), then a bad entry: the whole reply
  // is refused, not just the entry.
  test('a genuine certificate and one sealed with another APIv3 key: refused, exit 1', async () => {
    const r = await serve(
      genuine,
      body([
        { ...genuine, serial_no: genuine.serial, key: apiv3Key },
        { ...genuine, serial_no: genuine.serial, key: otherApiv3Key },
      ]),
    )
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /^wxpay: SIGNATURE_INVALID: platform certificates refused: data\[1\] does not decrypt/m,
    )
    expect(r.written).toEqual([])
  })

  test('a genuine certificate and another listed under its serial: refused, exit 1', async () => {
    const later = body([
      { ...genuine, serial_no: genuine.serial, key: apiv3Key },
      { ...other, serial_no: genuine.serial, key: apiv3Key },
    ])
    const r = await serve(genuine, later)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /^wxpay: SIGNATURE_INVALID: platform certificates refused: data\[1\] is listed as/m,
    )
    expect(r.written).toEqual([])
  })

  test('an expired certificate beside a valid one: listed on stderr, not written', async () => {
    const expired = await createPlatformCertificate(Date.now() - 10 * 365 * 86_400_000)
    const reply = body([
      { certificate: expired.certificate, serial_no: expired.serial, key: apiv3Key },
      { ...genuine, serial_no: genuine.serial, key: apiv3Key },
    ])
    const r = await serve(genuine, reply)
    expect(r.code).toBe(0)
    expect(r.written.sort()).toEqual(['certs.json', `wechatpay_${genuine.serial}.pem`])
    expect(r.stderr).toContain(
      `skipped ${expired.serial}: valid ${seconds(expired.notBefore)} → ${seconds(expired.notAfter)}, not now`,
    )
  })
})
