import { type Bytes, toHex } from '../encoding'
import { children, DerError, type DerNode, expectTag, integerBytes, readRoot, readTime, TAG } from './der'

/** What the client needs from a platform certificate (RFC 5280 4.1), read without `node:crypto`. */
export interface CertificateInfo {
  /** The serial number in upper-case hex, without leading zeros (`5157F09E…`). */
  serial: string
  notBefore: Date
  notAfter: Date
  /** The SubjectPublicKeyInfo node of the certificate. */
  spki: DerNode
}

/**
 * Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
 * TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, validity,
 *                               subject, subjectPublicKeyInfo, … }
 */
export function readCertificate(der: Bytes): CertificateInfo {
  const [tbs] = children(der, expectTag(readRoot(der), TAG.SEQUENCE, 'Certificate'))
  const fields = children(der, expectTag(tbs, TAG.SEQUENCE, 'TBSCertificate'))
  const offset = fields[0]?.tag === TAG.CONTEXT_0 ? 1 : 0
  const serial = normalizeSerial(toHex(integerBytes(der, fields[offset], 'serialNumber')))
  const [notBefore, notAfter] = children(der, expectTag(fields[offset + 3], TAG.SEQUENCE, 'validity'))
  return {
    serial,
    notBefore: readTime(der, notBefore, 'notBefore'),
    notAfter: readTime(der, notAfter, 'notAfter'),
    spki: expectTag(fields[offset + 5], TAG.SEQUENCE, 'subjectPublicKeyInfo'),
  }
}

/**
 * A certificate serial as compared: upper case, leading zeros dropped (DER adds a `00` byte before
 * a serial whose first bit is set; people copy serials with or without it, in either case).
 */
export function normalizeSerial(serial: string): string {
  return serial.toUpperCase().replace(/^0+(?=.)/, '')
}

/** What a signature check of a certificate needs (RFC 5280 4.1.1), as DER bytes. */
export interface SignedCertificate {
  /** The exact DER of tbsCertificate: what the issuer signed. */
  tbs: Bytes
  /** The DER of the issuer Name, compared byte for byte with an anchor's subject. */
  issuer: Bytes
  /** The DER of the subject Name. */
  subject: Bytes
  /** The DER of signatureAlgorithm (outside tbsCertificate; RFC 5280 says it equals the inner one). */
  algorithm: Bytes
  /** The signatureValue BIT STRING's bits. */
  signature: Bytes
}

/** The parts of a certificate its issuer's signature covers, read without `node:crypto`. */
export function readSignedCertificate(der: Bytes): SignedCertificate {
  const [tbs, algorithm, signature, ...rest] = children(
    der,
    expectTag(readRoot(der), TAG.SEQUENCE, 'Certificate'),
  )
  if (rest.length) throw new DerError('trailing fields after signatureValue')
  const fields = children(der, expectTag(tbs, TAG.SEQUENCE, 'TBSCertificate'))
  const offset = fields[0]?.tag === TAG.CONTEXT_0 ? 1 : 0
  const inner = expectTag(fields[offset + 1], TAG.SEQUENCE, 'signature')
  const issuer = expectTag(fields[offset + 2], TAG.SEQUENCE, 'issuer')
  const subject = expectTag(fields[offset + 4], TAG.SEQUENCE, 'subject')
  const outer = expectTag(algorithm, TAG.SEQUENCE, 'signatureAlgorithm')
  const bits = expectTag(signature, TAG.BIT_STRING, 'signatureValue')
  if (bits.end === bits.contentStart || der[bits.contentStart] !== 0) throw new DerError('bad signatureValue')
  const slice = (node: DerNode) => der.subarray(node.start, node.end)
  const outerBytes = slice(outer)
  const innerBytes = slice(inner)
  if (outerBytes.length !== innerBytes.length || outerBytes.some((byte, i) => byte !== innerBytes[i]))
    throw new DerError('signatureAlgorithm differs from the signature field of tbsCertificate')
  return {
    tbs: slice(tbs!),
    issuer: slice(issuer),
    subject: slice(subject),
    algorithm: outerBytes,
    signature: der.subarray(bits.contentStart + 1, bits.end),
  }
}
