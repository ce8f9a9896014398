import type { Bytes } from '../encoding'
import { fromBase64 } from '../encoding'
import {
  children,
  DerError,
  encodeNode,
  expectTag,
  isRsaAlgorithm,
  RSA_ALGORITHM_IDENTIFIER,
  readRoot,
  TAG,
} from './der'

/** A key ready for `crypto.subtle.importKey`: PKCS#8 for private keys, SPKI for public keys. */
export interface KeyMaterial {
  format: 'pkcs8' | 'spki'
  der: Bytes
}

export class PemError extends Error {}

const PEM = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)\r?\n?-----END \1-----/

function decodePem(pem: string): { label: string; headers: string; der: Bytes } {
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

/** RSAPrivateKey ::= SEQUENCE { version, n, e, d, p, q, dP, dQ, qInv } (RFC 8017 A.1.2): nine INTEGERs. */
function checkRsaPrivateKey(der: Bytes): void {
  const fields = children(der, expectTag(readRoot(der), TAG.SEQUENCE, 'RSAPrivateKey'))
  if (fields.length < 9 || fields.some((f) => f.tag !== TAG.INTEGER)) throw new DerError('bad RSAPrivateKey')
}

/**
 * Parses a merchant private key PEM: PKCS#8 (`PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`), RSA only.
 * Encrypted keys are refused: Web Crypto cannot decrypt them and WeChat Pay issues plain ones.
 */
export function parsePrivateKey(pem: string): KeyMaterial {
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
      expectTag(version, TAG.INTEGER, 'version')
      if (!algorithm || !isRsaAlgorithm(der, algorithm)) throw new DerError('not an RSA key')
      const inner = expectTag(key, TAG.OCTET_STRING, 'privateKey')
      checkRsaPrivateKey(der.subarray(inner.contentStart, inner.end))
      return { format: 'pkcs8', der }
    })
  }
  if (label === 'RSA PRIVATE KEY') {
    return structure('PKCS#1 RSA private key', () => {
      checkRsaPrivateKey(der)
      return { format: 'pkcs8', der: wrapPkcs1(der) }
    })
  }
  throw new PemError(`is a "${label}" PEM; expected "PRIVATE KEY" (PKCS#8) or "RSA PRIVATE KEY" (PKCS#1)`)
}

/**
 * Parses a platform key: a SPKI public key PEM (`PUBLIC KEY`, WeChat Pay public key mode) or an
 * X.509 certificate PEM (platform certificate mode), whose SubjectPublicKeyInfo is extracted.
 */
export function parsePublicKey(pem: string): KeyMaterial {
  const { label, der } = decodePem(pem)
  if (label === 'PUBLIC KEY') {
    return structure('SPKI RSA public key', () => {
      const [algorithm, key] = children(der, expectTag(readRoot(der), TAG.SEQUENCE, 'SubjectPublicKeyInfo'))
      if (!algorithm || !isRsaAlgorithm(der, algorithm)) throw new DerError('not an RSA key')
      expectTag(key, TAG.BIT_STRING, 'subjectPublicKey')
      return { format: 'spki', der }
    })
  }
  if (label === 'CERTIFICATE') {
    return structure('X.509 certificate', () => {
      // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature }
      const [tbs] = children(der, expectTag(readRoot(der), TAG.SEQUENCE, 'Certificate'))
      const fields = children(der, expectTag(tbs, TAG.SEQUENCE, 'TBSCertificate'))
      // TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serial, signature, issuer, validity, subject, spki, … }
      const offset = fields[0]?.tag === 0xa0 ? 1 : 0
      const spki = expectTag(fields[offset + 5], TAG.SEQUENCE, 'subjectPublicKeyInfo')
      const [algorithm] = children(der, spki)
      if (!algorithm || !isRsaAlgorithm(der, algorithm)) throw new DerError('not an RSA key')
      return { format: 'spki', der: der.slice(spki.start, spki.end) }
    })
  }
  throw new PemError(`is a "${label}" PEM; expected "PUBLIC KEY" (SPKI) or "CERTIFICATE" (X.509)`)
}
