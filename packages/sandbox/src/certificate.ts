// Platform certificates for the sandbox's certificate-mode merchants, built in pure code with
// node:crypto signing (no openssl at start): a minimal self-signed X.509 v3 certificate, DER.
import { generateKeyPair, type KeyObject, sign } from 'node:crypto'
import { promisify } from 'node:util'
import { hexUpper } from './random.js'

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

/** Builds a self-signed certificate (`CN=Tenpay.com sign`, like WeChat Pay's) over `privateKey`'s public half. */
export function selfSignedCertificate(options: {
  privateKey: KeyObject
  spki: Buffer
  serial: string
  notBefore: Date
  notAfter: Date
}): string {
  const subject = name('Tenpay.com sign', 'Tenpay.com (wxpay sandbox)')
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))),
    tlv(0x02, Buffer.from(options.serial, 'hex')),
    SHA256_WITH_RSA,
    subject,
    seq(time(options.notBefore), time(options.notAfter)),
    subject,
    options.spki,
  )
  const signature = sign('sha256', tbs, options.privateKey)
  const der = seq(tbs, SHA256_WITH_RSA, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])))
  const base64 = der.toString('base64').replace(/.{64}/g, '$&\n')
  return `-----BEGIN CERTIFICATE-----\n${base64.trimEnd()}\n-----END CERTIFICATE-----\n`
}

const DAY = 24 * 60 * 60 * 1000

/**
 * A new platform certificate with a fresh RSA-2048 key: valid from `notBefore` (default one day
 * before `now`) for five years.
 */
export async function createPlatformCertificate(
  now: number = Date.now(),
  notBefore: Date = new Date(now - DAY),
): Promise<PlatformCertificate> {
  const { privateKey, publicKey } = await generateRsa('rsa', { modulusLength: 2048 })
  const serial = certificateSerial()
  const notAfter = new Date(now + 5 * 365 * DAY)
  const certificate = selfSignedCertificate({
    privateKey,
    spki: publicKey.export({ type: 'spki', format: 'der' }),
    serial,
    notBefore,
    notAfter,
  })
  return {
    serial,
    certificate,
    notBefore,
    notAfter,
    privateKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  }
}
