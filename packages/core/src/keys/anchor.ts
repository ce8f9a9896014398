import { DerError } from '../crypto/der'
import { normalizePem, PemError, parsePublicKey } from '../crypto/pem'
import { importRsaKey, rsaVerify } from '../crypto/signature'
import { readSignedCertificate } from '../crypto/x509'
import { type Bytes, fromBase64 } from '../encoding'
import { WechatpayValidationError } from '../errors'

/**
 * sha256WithRSAEncryption with NULL parameters (RFC 4055 §5, RFC 5754), as DER: the one signature
 * algorithm an anchored platform certificate may carry.
 */
const SHA256_WITH_RSA = Uint8Array.of(
  0x30,
  0x0d,
  0x06,
  0x09,
  0x2a,
  0x86,
  0x48,
  0x86,
  0xf7,
  0x0d,
  0x01,
  0x01,
  0x0b,
  0x05,
  0x00,
)

/** A trusted issuer of platform certificates: its subject Name and its public key. */
export interface Anchor {
  subject: Bytes
  key: Promise<CryptoKey>
}

const BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g

function equal(a: Bytes, b: Bytes): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i])
}

function derOf(block: string): Bytes | undefined {
  return fromBase64(block.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, ''))
}

/**
 * `certificateAnchor`: one or more CA certificates (PEM; a bundle of several blocks, or an array),
 * checked at construction like `certs`: RSA ≥ 2048 bits, valid now. Web Crypto imports each key
 * once, for RSASSA-PKCS1-v1_5 with SHA-256.
 */
export function parseAnchors(option: string, value: unknown, now: number): Anchor[] {
  const fail = (message: string): never => {
    throw new WechatpayValidationError(option, message)
  }
  const texts = Array.isArray(value) ? value : [value]
  const anchors: Anchor[] = []
  for (const text of texts) {
    if (typeof text !== 'string') fail('must be a CA certificate PEM, or an array of them')
    for (const [block] of normalizePem(text as string).matchAll(BLOCK)) {
      const where = `certificate number ${anchors.length + 1}`
      let material: ReturnType<typeof parsePublicKey> | undefined
      try {
        material = parsePublicKey(block)
      } catch (err) {
        if (err instanceof PemError) fail(`${where} ${err.message}`)
        throw err
      }
      const validity = material?.certificate
      const der = derOf(block)
      if (!material || !validity || !der) return fail(`${where} is not an X.509 certificate`)
      if (validity.notAfter.getTime() < now) fail(`${where} expired on ${validity.notAfter.toISOString()}`)
      if (validity.notBefore.getTime() > now)
        fail(`${where} is not valid before ${validity.notBefore.toISOString()}`)
      let subject: Bytes | undefined
      try {
        subject = readSignedCertificate(der).subject
      } catch (err) {
        if (err instanceof DerError) fail(`${where} is not a valid X.509 certificate (${err.message})`)
        throw err
      }
      const key = importRsaKey(material).catch(() => {
        throw new WechatpayValidationError(option, `Web Crypto could not import the key of ${where}`)
      })
      key.catch(() => {}) // surfaces when a download is checked, not as an unhandled rejection
      anchors.push({ subject: subject as Bytes, key })
    }
  }
  if (anchors.length === 0) fail('holds no "CERTIFICATE" PEM block')
  return anchors
}

/**
 * Whether a platform certificate was issued by one of the anchors: its issuer Name is an anchor's
 * subject, byte for byte, and its sha256WithRSAEncryption signature over tbsCertificate verifies
 * with that anchor's key (RFC 5280 §6.1.3 (a)(1) and (a)(4), one level: WeChat Pay's root issues
 * platform certificates directly). Returns why not, or `undefined`.
 */
export async function notIssuedBy(pem: string, anchors: readonly Anchor[]): Promise<string | undefined> {
  const der = derOf(normalizePem(pem))
  let parts: ReturnType<typeof readSignedCertificate>
  try {
    if (!der) throw new DerError('not base64')
    parts = readSignedCertificate(der)
  } catch (err) {
    if (err instanceof DerError) return `cannot be checked against certificateAnchor (${err.message})`
    throw err
  }
  if (!equal(parts.algorithm, SHA256_WITH_RSA)) return 'is not signed with sha256WithRSAEncryption'
  const issuers = anchors.filter((anchor) => equal(anchor.subject, parts.issuer))
  if (issuers.length === 0) return 'is not issued by certificateAnchor (its issuer is another name)'
  for (const anchor of issuers) {
    const key = await anchor.key
    const valid = await Promise.resolve()
      .then(() => rsaVerify(key, parts.signature, parts.tbs))
      .catch(() => false)
    if (valid) return undefined
  }
  return 'does not verify with certificateAnchor (issued under its name by another key)'
}
