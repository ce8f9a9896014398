import type { Bytes } from '../encoding'
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
  SEQUENCE: 0x30,
}

/** 1.2.840.113549.1.1.1 rsaEncryption, DER-encoded content bytes. */
const RSA_OID = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]

export function isRsaAlgorithm(der: Bytes, algorithm: DerNode): boolean {
  const [oid] = children(der, expectTag(algorithm, TAG.SEQUENCE, 'AlgorithmIdentifier'))
  if (!oid || oid.tag !== TAG.OID || oid.end - oid.contentStart !== RSA_OID.length) return false
  return RSA_OID.every((byte, i) => der[oid.contentStart + i] === byte)
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
