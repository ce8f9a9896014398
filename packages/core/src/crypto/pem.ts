import type { Bytes } from '../encoding'
import { fromBase64 } from '../encoding'
import {
  children,
  DerError,
  type DerNode,
  encodeNode,
  expectTag,
  isRsaAlgorithm,
  RSA_ALGORITHM_IDENTIFIER,
  readRoot,
  TAG,
  unsignedInteger,
} from './der'
import { checkRsaPrivateKey, checkRsaPublicKey, RsaKeyError } from './rsa'
import { readCertificate } from './x509'

/** A key ready for `crypto.subtle.importKey`: PKCS#8 for private keys, SPKI for public keys. */
export interface KeyMaterial {
  format: 'pkcs8' | 'spki'
  der: Bytes
  /** Modulus size in bits (at least 2048: smaller keys are refused). */
  bits: number
  /** Set when the PEM was an X.509 certificate. */
  certificate?: { serial: string; notBefore: Date; notAfter: Date }
}

/** A PEM that is not one acceptable RSA key. The message describes it, never quotes it. */
export class PemError extends Error {}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----/g
const PEM = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)\r?\n?-----END \1-----/

/**
 * A PEM kept in one line of a `.env` file, a JSON string or a dashboard field often has its line
 * breaks written as the two characters `\n`. A backslash never occurs in PEM armour or base64, so
 * every `\n` (and `\r\n`) is turned back into a line break. This is the one place that does it:
 * the adapters hand their environment values over as they are.
 */
export function normalizePem(text: string): string {
  return text.includes('\\') ? text.replace(/\\r\\n|\\n/g, '\n') : text
}

function decodePem(pem: string): { label: string; headers: string; der: Bytes } {
  // `\n` is read as a line break (normalizePem); a backslash left after that is `\\n`: a value
  // escaped twice (a JSON string inside a JSON string, a shell that kept the backslashes).
  if (pem.includes('\\'))
    throw new PemError(
      'holds a backslash: its line breaks look escaped twice (\\\\n); write them as real line breaks, or as \\n',
    )
  const labels = [...pem.matchAll(BLOCK)].map((m) => m[1])
  if (labels.length > 1)
    throw new PemError(
      `holds ${labels.length} PEM blocks (${labels.join(', ')}); expected exactly one key or certificate`,
    )
  const match = PEM.exec(pem)
  if (!match) throw new PemError('is not a PEM (expected -----BEGIN …----- / -----END …-----)')
  const label = match[1]!
  const body = match[2]!
  // RFC 1421 headers (`Proc-Type: 4,ENCRYPTED`) sit before a blank line.
  const blank = body.search(/\r?\n\r?\n/)
  const headers = body.includes(':') && blank >= 0 ? body.slice(0, blank) : ''
  const base64 = (headers ? body.slice(blank) : body).replace(/\s+/g, '')
  const der = fromBase64(base64)
  if (!der || der.length === 0) throw new PemError(`has a ${label} block that is not valid base64`)
  return { label, headers, der }
}

function structure<T>(what: string, parse: () => T): T {
  try {
    return parse()
  } catch (err) {
    if (err instanceof DerError) throw new PemError(`is not a valid ${what} (${err.message})`)
    if (err instanceof RsaKeyError) throw new PemError(err.message)
    throw err
  }
}

/** PKCS#1 RSAPrivateKey → PKCS#8 PrivateKeyInfo { version 0, rsaEncryption, OCTET STRING }. */
function wrapPkcs1(pkcs1: Bytes): Bytes {
  const version = new Uint8Array([0x02, 0x01, 0x00])
  const octets = encodeNode(TAG.OCTET_STRING, pkcs1)
  const content = new Uint8Array(version.length + RSA_ALGORITHM_IDENTIFIER.length + octets.length)
  content.set(version, 0)
  content.set(RSA_ALGORITHM_IDENTIFIER, version.length)
  content.set(octets, version.length + RSA_ALGORITHM_IDENTIFIER.length)
  return encodeNode(TAG.SEQUENCE, content)
}

/**
 * Parses a merchant private key PEM: PKCS#8 (`PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`), RSA only.
 * Encrypted keys are refused: Web Crypto cannot decrypt them and WeChat Pay issues plain ones.
 */
export function parsePrivateKey(text: string): KeyMaterial {
  const pem = normalizePem(text)
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(pem) || /Proc-Type:\s*4,ENCRYPTED/.test(pem)) {
    throw new PemError(
      'is an encrypted private key; decrypt it first (openssl pkey -in key.pem -out plain.pem)',
    )
  }
  const { label, der } = decodePem(pem)
  if (label === 'PRIVATE KEY') {
    return structure('PKCS#8 RSA private key', () => {
      const [version, algorithm, key] = children(
        der,
        expectTag(readRoot(der), TAG.SEQUENCE, 'PrivateKeyInfo'),
      )
      // Version 0 (RFC 5208); BoringSSL (workerd) refuses the v2 OneAsymmetricKey of RFC 5958.
      if (unsignedInteger(der, version, 'version') !== 0n)
        throw new DerError('PrivateKeyInfo version is not 0')
      if (!algorithm || !isRsaAlgorithm(der, algorithm)) throw new DerError('not an RSA key')
      const inner = expectTag(key, TAG.OCTET_STRING, 'privateKey')
      const bits = checkRsaPrivateKey(der.subarray(inner.contentStart, inner.end))
      return { format: 'pkcs8', der, bits }
    })
  }
  if (label === 'RSA PRIVATE KEY') {
    return structure('PKCS#1 RSA private key', () => {
      const bits = checkRsaPrivateKey(der)
      return { format: 'pkcs8', der: wrapPkcs1(der), bits }
    })
  }
  throw new PemError(`is a "${label}" PEM; expected "PRIVATE KEY" (PKCS#8) or "RSA PRIVATE KEY" (PKCS#1)`)
}

/**
 * Parses a platform key: a SPKI public key PEM (`PUBLIC KEY`, WeChat Pay public key mode) or an
 * X.509 certificate PEM (platform certificate mode), whose SubjectPublicKeyInfo is extracted.
 */
export function parsePublicKey(text: string): KeyMaterial {
  const { label, der } = decodePem(normalizePem(text))
  if (label === 'PUBLIC KEY') {
    return structure('SPKI RSA public key', () => ({
      format: 'spki',
      der,
      bits: checkSpki(der, readRoot(der)),
    }))
  }
  if (label === 'CERTIFICATE') {
    return structure('X.509 certificate', () => {
      const { spki, ...certificate } = readCertificate(der)
      const bits = checkSpki(der, spki)
      return { format: 'spki', der: der.slice(spki.start, spki.end), bits, certificate }
    })
  }
  throw new PemError(`is a "${label}" PEM; expected "PUBLIC KEY" (SPKI) or "CERTIFICATE" (X.509)`)
}

/** SubjectPublicKeyInfo ::= SEQUENCE { algorithm rsaEncryption, subjectPublicKey BIT STRING (RSAPublicKey) }. */
function checkSpki(der: Bytes, spki: DerNode): number {
  const [algorithm, key, ...rest] = children(der, expectTag(spki, TAG.SEQUENCE, 'SubjectPublicKeyInfo'))
  if (!algorithm || !isRsaAlgorithm(der, algorithm)) throw new DerError('not an RSA key')
  const bits = expectTag(key, TAG.BIT_STRING, 'subjectPublicKey')
  if (rest.length || bits.end === bits.contentStart || der[bits.contentStart] !== 0)
    throw new DerError('bad subjectPublicKey')
  return checkRsaPublicKey(der.subarray(bits.contentStart + 1, bits.end))
}
