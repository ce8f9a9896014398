// certificateAnchor: a platform certificate must be issued by the configured CA. The oracle is
// `openssl verify -CAfile anchor.pem cert.pem`, run on every certificate here: the SDK's pure
// Web Crypto check must agree with it, case by case. openssl also writes every certificate.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openssl, pemDer, pemOf, rsaKey } from '../../test/openssl'
import { WechatpaySignatureError, WechatpayTransportError, WechatpayValidationError } from '../errors'
import { Wechatpay } from '../node'
import { notIssuedBy, parseAnchors } from './anchor'

let dir: string
const LOOSE: string = 'v3/some/query'
const file = (name: string, text: string) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

/** `openssl verify`'s verdict: true when the chain to `anchor` holds. */
function opensslVerifies(anchor: string, certificate: string): boolean {
  try {
    execFileSync(
      'openssl',
      ['verify', '-CAfile', file('anchor.pem', anchor), file('leaf.pem', certificate)],
      {
        stdio: 'pipe',
      },
    )
    return true
  } catch {
    return false
  }
}

/** A CA: `openssl req -x509` with basicConstraints CA:TRUE. */
function ca(cn: string): { pem: string; key: string } {
  const { path } = rsaKey(dir, 2048)
  const pem = openssl([
    'req',
    '-x509',
    '-key',
    path,
    '-subj',
    `/O=Tenpay.com/CN=${cn}`,
    '-days',
    '30',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
  ])
  return { pem, key: path }
}

/** A platform certificate issued by `issuer` (`openssl x509 -req -CA`), or self-signed. */
function leaf(issuer: { pem: string; key: string } | undefined, digest = 'sha256'): string {
  const { path } = rsaKey(dir, 2048)
  if (!issuer) return openssl(['req', '-x509', '-key', path, '-subj', '/CN=Tenpay.com sign', '-days', '30'])
  const csr = join(dir, 'leaf.csr')
  openssl(['req', '-new', '-key', path, '-subj', '/CN=Tenpay.com sign', '-out', csr])
  return openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    file('ca.pem', issuer.pem),
    '-CAkey',
    issuer.key,
    '-set_serial',
    '0x4F0E1D2C3B4A59687786A5B4C3D2E1F0',
    '-days',
    '10',
    `-${digest}`,
  ])
}

let root: { pem: string; key: string }
let cases: Array<[string, string, boolean]>

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wxpay-anchor-'))
  root = ca('Tenpay.com Root CA')
  const impostor = ca('Tenpay.com Root CA') // the same name, another key
  const other = ca('Another Root CA')
  const genuine = leaf(root)
  const der = pemDer(genuine)
  der[der.length - 1]! ^= 0x01 // the signature's last byte
  const tampered = pemOf('CERTIFICATE', der)
  cases = [
    ['issued by the anchor', genuine, true],
    ['self-signed', leaf(undefined), false],
    ['issued by another CA under the anchor’s very name', leaf(impostor), false],
    ['issued by another CA', leaf(other), false],
    ['issued by the anchor, its signature altered', tampered, false],
    ['issued by the anchor with SHA-1 (sha256WithRSA only)', leaf(root, 'sha1'), false],
  ]
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the chain check agrees with openssl verify', () => {
  test('every case', async () => {
    const anchors = parseAnchors('certificateAnchor', root.pem, Date.now())
    for (const [what, certificate, expected] of cases) {
      // SHA-1 passes openssl 3.0 at its default level; the SDK takes SHA-256 only, on purpose.
      if (!what.includes('SHA-1')) expect(opensslVerifies(root.pem, certificate), what).toBe(expected)
      expect((await notIssuedBy(certificate, anchors)) === undefined, what).toBe(expected)
    }
  })

  test('a bundle or an array of anchors: any one that issued it will do', async () => {
    const other = ca('Another Root CA')
    const [, genuine] = cases[0]!
    for (const value of [`${other.pem}${root.pem}`, [other.pem, root.pem]]) {
      const anchors = parseAnchors('certificateAnchor', value, Date.now())
      expect(anchors).toHaveLength(2)
      expect(opensslVerifies(`${other.pem}${root.pem}`, genuine)).toBe(true)
      expect(await notIssuedBy(genuine, anchors)).toBeUndefined()
    }
  })

  test.each([
    ['not a PEM', 'hello', /no "CERTIFICATE" PEM block/],
    ['a public key', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', /no "CERTIFICATE"/],
    ['a number', 42, /must be a CA certificate PEM/],
  ])('a bad anchor (%s) is refused at construction, naming certificateAnchor', (_, value, message) => {
    const build = () => new Wechatpay({ mchid: '1900000109', certificateAnchor: value as string })
    expect(build).toThrow(WechatpayValidationError)
    expect(build).toThrow(
      expect.objectContaining({ option: 'certificateAnchor', message: expect.stringMatching(message) }),
    )
  })
})

describe('certificates given in certs are held to the anchor too', () => {
  const serialOf = (pem: string) =>
    openssl(['x509', '-noout', '-serial'], pem)
      .trim()
      .replace(/^serial=/, '')
  // Nothing listens on port 9: a call that passed the key checks fails with a transport error,
  // one refused by them with the WechatpayValidationError, before any I/O.
  const call = (certificate: string) =>
    new Wechatpay({
      mchid: '1900000109',
      serial: '1234567890ABCDEF',
      privateKey: readFileSync(rsaKey(dir, 2048).path, 'utf8'),
      certs: { [serialOf(certificate)]: certificate },
      certificateAnchor: root.pem,
      baseUrl: 'http://127.0.0.1:9/',
      backupBaseUrl: false,
    })
      .chain(LOOSE)
      .get()
      .catch((err: unknown) => err)

  test('issued by the anchor: accepted (the call goes on to the network)', async () => {
    const [, genuine] = cases[0]!
    expect(await call(genuine)).toBeInstanceOf(WechatpayTransportError)
  })

  test('self-signed: the first call is refused before any I/O, naming the entry', async () => {
    const [, selfSigned] = cases[1]!
    const error = await call(selfSigned)
    expect(error).toBeInstanceOf(WechatpayValidationError)
    expect((error as WechatpayValidationError).option).toBe(`certs["${serialOf(selfSigned)}"]`)
    expect((error as Error).message).toMatch(/certificateAnchor/)
  })
})

describe('against the sandbox, whose own root issues its platform certificates', () => {
  let sb: Sandbox
  beforeAll(async () => {
    sb = await startSandbox({ platformMode: 'certificate' })
  })
  afterAll(() => sb?.close())
  const close = (wxpay: Wechatpay, out_trade_no: string) => {
    sb.orders.create({ out_trade_no })
    return wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
      out_trade_no,
      json: { mchid: sb.merchant.mchid },
    })
  }

  test('openssl verifies the served certificates against sb.platform.rootCertificate (before and after a rotation)', async () => {
    const rootPem = sb.platform.rootCertificate!
    expect(sb.clientOptions().certificateAnchor).toBe(rootPem)
    await sb.platform.rotate()
    for (const { certificate } of sb.platform.certificates())
      expect(opensslVerifies(rootPem, certificate)).toBe(true)
  })

  test('clientOptions() anchors the client at that root: the download is trusted', async () => {
    const wxpay = new Wechatpay({ ...sb.clientOptions(), backupBaseUrl: false })
    await expect(close(wxpay, 'A1')).resolves.toMatchObject({ status: 204 })
    expect((await wxpay.certificates()).length).toBeGreaterThan(0)
  })

  test('anchored at another root: the whole download is refused (WechatpaySignatureError)', async () => {
    const wxpay = new Wechatpay({
      ...sb.clientOptions(),
      certificateAnchor: ca('Tenpay.com Root CA').pem,
      backupBaseUrl: false,
    })
    const error = await close(wxpay, 'A2').catch((err: unknown) => err)
    expect(error).toBeInstanceOf(WechatpaySignatureError)
    expect((error as Error).message).toMatch(
      /not issued by certificateAnchor|does not verify with certificateAnchor/,
    )
    await expect(wxpay.certificates()).rejects.toBeInstanceOf(WechatpaySignatureError)
  })
})
