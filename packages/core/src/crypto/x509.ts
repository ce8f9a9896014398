import type { Bytes } from '../encoding'
import { children, type DerNode, expectTag, integerBytes, readRoot, readTime, TAG } from './der'

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
  const serial = hex(integerBytes(der, fields[offset], 'serialNumber'))
  const [notBefore, notAfter] = children(der, expectTag(fields[offset + 3], TAG.SEQUENCE, 'validity'))
  return {
    serial,
    notBefore: readTime(der, notBefore, 'notBefore'),
    notAfter: readTime(der, notAfter, 'notAfter'),
    spki: expectTag(fields[offset + 5], TAG.SEQUENCE, 'subjectPublicKeyInfo'),
  }
}

function hex(bytes: Bytes): string {
  let out = ''
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0')
  return normalizeSerial(out)
}

/**
 * A certificate serial as compared: upper case, leading zeros dropped (DER adds a `00` byte before
 * a serial whose first bit is set; people copy serials with or without it, in either case).
 */
export function normalizeSerial(serial: string): string {
  return serial.toUpperCase().replace(/^0+(?=.)/, '')
}
