// Platform certificates for the sandbox's certificate-mode merchants, built in pure code with
// node:crypto signing (no openssl at start): minimal X.509 v3 certificates, DER, issued by the
// sandbox's own root CA (or self-signed, for the test doubles).
import { generateKeyPair, type KeyObject, sign } from 'node:crypto'
import { promisify } from 'node:util'
import { hexUpper } from './random'

const generateRsa = promisify(generateKeyPair)

/** One platform certificate the sandbox serves and signs with. */
export interface PlatformCertificate {
  /** Upper-case hex, 40 characters, as `serial_no` lists it and `Wechatpay-Serial` names it. */
  serial: string
  /** X.509 PEM. */
  certificate: string
  notBefore: Date
  notAfter: Date
  /** The certificate's private key (never served). */
  privateKey: KeyObject
  /** PKCS#8 PEM of the same key. */
  privateKeyPem: string
}

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n])
  const bytes: number[] = []
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content])
}

const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts))
const SHA256_WITH_RSA = seq(Buffer.from('06092a864886f70d01010b', 'hex'), Buffer.from('0500', 'hex'))

function name(commonName: string, organization: string): Buffer {
  const attribute = (oid: string, value: string) =>
    tlv(0x31, seq(Buffer.from(oid, 'hex'), tlv(0x0c, Buffer.from(value, 'utf8'))))
  return seq(attribute('060355040a', organization), attribute('0603550403', commonName))
}

/** UTCTime (RFC 5280: for years up to 2049), else GeneralizedTime. */
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14)
  const year = date.getUTCFullYear()
  return year < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`))
}

/** A certificate serial: 20 random bytes whose first one is 0x10…0x7f (positive, no leading zero). */
export function certificateSerial(): string {
  return `${'1234567'[Math.floor(Math.random() * 7)]}${hexUpper(20).slice(1)}`
}

/** X.509 v3 extensions `[3] { basicConstraints: critical, cA TRUE }`: what makes a root a CA (RFC 5280 4.2.1.9). */
const CA_EXTENSIONS = tlv(
  0xa3,
  seq(
    seq(
      Buffer.from('0603551d13', 'hex'),
      Buffer.from('0101ff', 'hex'),
      tlv(0x04, seq(Buffer.from('0101ff', 'hex'))),
    ),
  ),
)

/** A certificate over `spki`, signed by `signer` (the issuer's key) under the issuer's name. */
function certificateDer(options: {
  signer: KeyObject
  issuer: Buffer
  subject: Buffer
  spki: Buffer
  serial: string
  notBefore: Date
  notAfter: Date
  ca?: boolean
}): Buffer {
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))),
    tlv(0x02, Buffer.from(options.serial, 'hex')),
    SHA256_WITH_RSA,
    options.issuer,
    seq(time(options.notBefore), time(options.notAfter)),
    options.subject,
    options.spki,
    ...(options.ca ? [CA_EXTENSIONS] : []),
  )
  const signature = sign('sha256', tbs, options.signer)
  return seq(tbs, SHA256_WITH_RSA, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])))
}

function pem(der: Buffer): string {
  const base64 = der.toString('base64').replace(/.{64}/g, '$&\n')
  return `-----BEGIN CERTIFICATE-----\n${base64.trimEnd()}\n-----END CERTIFICATE-----\n`
}

const PLATFORM_NAME = name('Tenpay.com sign', 'Tenpay.com (wxpay sandbox)')

/** Builds a self-signed certificate (`CN=Tenpay.com sign`, like WeChat Pay's) over `privateKey`'s public half. */
export function selfSignedCertificate(options: {
  privateKey: KeyObject
  spki: Buffer
  serial: string
  notBefore: Date
  notAfter: Date
}): string {
  const { privateKey, ...rest } = options
  return pem(certificateDer({ ...rest, signer: privateKey, issuer: PLATFORM_NAME, subject: PLATFORM_NAME }))
}

/**
 * The sandbox's own root CA (`CN=Tenpay.com Root CA (wxpay sandbox)`), standing in for WeChat Pay's
 * `Tenpay.com Root CA`: it issues the platform certificates, so a client given it as
 * `certificateAnchor` checks the chain as it would against the real root.
 */
export interface RootCertificate {
  /** X.509 PEM (self-signed, basicConstraints cA). */
  certificate: string
  /** The root's key (never served). */
  privateKey: KeyObject
  /** The DER of its subject Name, the issuer of what it signs. */
  name: Buffer
}

const DAY = 24 * 60 * 60 * 1000

/** A new root CA with a fresh RSA-2048 key, valid from a day ago for twenty years. */
export async function createRootCertificate(now: number = Date.now()): Promise<RootCertificate> {
  const { privateKey, publicKey } = await generateRsa('rsa', { modulusLength: 2048 })
  const rootName = name('Tenpay.com Root CA (wxpay sandbox)', 'Tenpay.com (wxpay sandbox)')
  const der = certificateDer({
    signer: privateKey,
    issuer: rootName,
    subject: rootName,
    spki: publicKey.export({ type: 'spki', format: 'der' }),
    serial: certificateSerial(),
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 20 * 365 * DAY),
    ca: true,
  })
  return { certificate: pem(der), privateKey, name: rootName }
}

/**
 * A new platform certificate with a fresh RSA-2048 key: valid from `notBefore` (default one day
 * before `now`) for five years; issued by `root` when given, else self-signed.
 */
export async function createPlatformCertificate(
  now: number = Date.now(),
  notBefore: Date = new Date(now - DAY),
  root?: RootCertificate,
): Promise<PlatformCertificate> {
  const { privateKey, publicKey } = await generateRsa('rsa', { modulusLength: 2048 })
  const serial = certificateSerial()
  const notAfter = new Date(now + 5 * 365 * DAY)
  const spki = publicKey.export({ type: 'spki', format: 'der' })
  const certificate = root
    ? pem(
        certificateDer({
          signer: root.privateKey,
          issuer: root.name,
          subject: PLATFORM_NAME,
          spki,
          serial,
          notBefore,
          notAfter,
        }),
      )
    : selfSignedCertificate({ privateKey, spki, serial, notBefore, notAfter })
  return {
    serial,
    certificate,
    notBefore,
    notAfter,
    privateKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  }
}
