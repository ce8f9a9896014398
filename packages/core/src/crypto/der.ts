import { type Bytes, toHex } from '../encoding'
/**
 * A minimal DER reader (ITU-T X.690), just enough to check the structure of RSA keys and to
 * take the SubjectPublicKeyInfo out of an X.509 certificate without `node:crypto`.
 */

export interface DerNode {
  tag: number
  /** Offset of the tag byte. */
  start: number
  /** Offset of the first content byte. */
  contentStart: number
  /** Offset just past the content. */
  end: number
}

export class DerError extends Error {}

export function readNode(der: Bytes, offset: number, limit = der.length): DerNode {
  if (offset + 2 > limit) throw new DerError('truncated DER')
  const tag = der[offset]!
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte DER tags are not used by keys')
  let length = der[offset + 1]!
  let cursor = offset + 2
  if (length & 0x80) {
    const count = length & 0x7f
    if (count === 0 || count > 4) throw new DerError('unsupported DER length')
    length = 0
    for (let i = 0; i < count; i++) {
      if (cursor >= limit) throw new DerError('truncated DER length')
      length = length * 256 + der[cursor++]!
    }
    // DER (X.690 10.1) takes the shortest length form; BoringSSL (workerd's Web Crypto) refuses others.
    if (length < 0x80 || der[offset + 2] === 0) throw new DerError('non-minimal DER length (BER, not DER)')
  }
  const end = cursor + length
  if (end > limit) throw new DerError('DER length runs past its container')
  return { tag, start: offset, contentStart: cursor, end }
}

/** The children of a constructed node (SEQUENCE, SET, context tags). */
export function children(der: Bytes, node: DerNode): DerNode[] {
  const out: DerNode[] = []
  let cursor = node.contentStart
  while (cursor < node.end) {
    const child = readNode(der, cursor, node.end)
    out.push(child)
    cursor = child.end
  }
  return out
}

export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node || node.tag !== tag) throw new DerError(`expected ${what}`)
  return node
}

/** Reads the top-level node and checks that it spans the whole input. */
export function readRoot(der: Bytes): DerNode {
  const root = readNode(der, 0)
  if (root.end !== der.length) throw new DerError('trailing bytes after DER value')
  return root
}

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  /** `[0]` EXPLICIT, e.g. the certificate version. */
  CONTEXT_0: 0xa0,
}

/** The content bytes of an INTEGER, checked to be minimally encoded (X.690 8.3.2). */
export function integerBytes(der: Bytes, node: DerNode | undefined, what: string): Bytes {
  const { contentStart, end } = expectTag(node, TAG.INTEGER, what)
  if (end === contentStart) throw new DerError(`empty ${what}`)
  if (end - contentStart > 1) {
    const first = der[contentStart]!
    const next = der[contentStart + 1]!
    if ((first === 0x00 && next < 0x80) || (first === 0xff && next >= 0x80))
      throw new DerError(`non-minimal ${what}`)
  }
  return der.subarray(contentStart, end)
}

/** A non-negative INTEGER as a bigint (RSA numbers are never negative). */
export function unsignedInteger(der: Bytes, node: DerNode | undefined, what: string): bigint {
  const bytes = integerBytes(der, node, what)
  if (bytes[0]! & 0x80) throw new DerError(`negative ${what}`)
  // One BigInt from hex: shifting byte by byte is quadratic in the size of a 2048-bit number.
  return BigInt(`0x${toHex(bytes)}`)
}

/**
 * An X.509 Time (RFC 5280 4.1.2.5): UTCTime `YYMMDDHHMMSSZ` (years 1950–2049) or
 * GeneralizedTime `YYYYMMDDHHMMSSZ`, always UTC with seconds.
 */
export function readTime(der: Bytes, node: DerNode | undefined, what: string): Date {
  if (!node || (node.tag !== TAG.UTC_TIME && node.tag !== TAG.GENERALIZED_TIME))
    throw new DerError(`expected ${what}`)
  const text = String.fromCharCode(...der.subarray(node.contentStart, node.end))
  const match =
    node.tag === TAG.UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
  if (!match) throw new DerError(`bad ${what}`)
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const fullYear = node.tag === TAG.UTC_TIME ? (year < 50 ? 2000 + year : 1900 + year) : year
  const time = Date.UTC(fullYear, month - 1, day, hour, minute, second)
  const date = new Date(time)
  // Date.UTC rolls 31 February over into March; a real certificate never says that.
  if (
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  )
    throw new DerError(`bad ${what}`)
  return date
}

/** 1.2.840.113549.1.1.1 rsaEncryption, DER-encoded content bytes. */
const RSA_OID = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]

export function isRsaAlgorithm(der: Bytes, algorithm: DerNode): boolean {
  const [oid, parameters, ...rest] = children(der, expectTag(algorithm, TAG.SEQUENCE, 'AlgorithmIdentifier'))
  if (!oid || oid.tag !== TAG.OID || oid.end - oid.contentStart !== RSA_OID.length) return false
  if (!RSA_OID.every((byte, i) => der[oid.contentStart + i] === byte)) return false
  // RFC 3279 2.3.1: the parameters are NULL; BoringSSL (workerd) refuses a key without them.
  if (!parameters || parameters.tag !== TAG.NULL || parameters.end !== parameters.contentStart || rest.length)
    throw new DerError('rsaEncryption parameters must be NULL')
  return true
}

/** Encodes a DER length prefix. */
function encodeLength(length: number): number[] {
  if (length < 0x80) return [length]
  const bytes: number[] = []
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff)
  return [0x80 | bytes.length, ...bytes]
}

export function encodeNode(tag: number, content: Bytes): Bytes {
  const head = [tag, ...encodeLength(content.length)]
  const out = new Uint8Array(head.length + content.length)
  out.set(head, 0)
  out.set(content, head.length)
  return out
}

/** AlgorithmIdentifier { rsaEncryption, NULL } */
export const RSA_ALGORITHM_IDENTIFIER = new Uint8Array([0x30, 0x0d, 0x06, 0x09, ...RSA_OID, 0x05, 0x00])
