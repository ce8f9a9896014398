import type { Bytes } from '../encoding'
import { children, DerError, expectTag, readRoot, TAG, unsignedInteger } from './der'

/**
 * The checks that make a parsed RSA key one that every Web Crypto will import (Node's OpenSSL,
 * workerd's BoringSSL, Deno's `rsa` crate): construction is synchronous, the import is not, so
 * whatever passes here must import. Messages describe the key's shape, never its numbers.
 */

/** WeChat Pay's keys are RSA-2048; smaller ones are refused (NIST SP 800-131A: < 2048 is disallowed). */
export const MIN_RSA_BITS = 2048
/** BoringSSL's limit (`OPENSSL_RSA_MAX_MODULUS_BITS`). */
export const MAX_RSA_BITS = 16384

/** A key that parses but is not acceptable (size, exponent, consistency): reported as is. */
export class RsaKeyError extends Error {}

export function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length
}

/** Modulus size and public exponent, as BoringSSL's `rsa_check_public_key` wants them. */
function checkPublicNumbers(n: bigint, e: bigint): number {
  const bits = bitLength(n)
  if (bits < MIN_RSA_BITS)
    throw new RsaKeyError(
      `is a ${bits}-bit RSA key; WeChat Pay requires RSA keys of at least ${MIN_RSA_BITS} bits`,
    )
  if (bits > MAX_RSA_BITS)
    throw new RsaKeyError(`is a ${bits}-bit RSA key; at most ${MAX_RSA_BITS} bits are supported`)
  if ((n & 1n) === 0n) throw new RsaKeyError('is not a valid RSA key (even modulus)')
  // e odd, 3 ≤ e < 2^33 (BoringSSL's bound; WeChat Pay uses 65537).
  if (e < 3n || (e & 1n) === 0n || bitLength(e) > 33)
    throw new RsaKeyError('is not a usable RSA key (unsupported public exponent)')
  return bits
}

/** RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 A.1.1); its size in bits. */
export function checkRsaPublicKey(der: Bytes): number {
  const fields = children(der, expectTag(readRoot(der), TAG.SEQUENCE, 'RSAPublicKey'))
  if (fields.length !== 2) throw new DerError('bad RSAPublicKey')
  return checkPublicNumbers(
    unsignedInteger(der, fields[0], 'modulus'),
    unsignedInteger(der, fields[1], 'exponent'),
  )
}

/**
 * RSAPrivateKey ::= SEQUENCE { version 0, n, e, d, p, q, dP, dQ, qInv } (RFC 8017 A.1.2); its size
 * in bits. The numbers must agree with each other as BoringSSL's `RSA_check_key` checks them
 * (Node would import an inconsistent key and sign garbage; workerd would refuse it).
 */
export function checkRsaPrivateKey(der: Bytes): number {
  const fields = children(der, expectTag(readRoot(der), TAG.SEQUENCE, 'RSAPrivateKey'))
  const names = [
    'version',
    'modulus',
    'publicExponent',
    'privateExponent',
    'prime1',
    'prime2',
    'exponent1',
    'exponent2',
    'coefficient',
  ]
  if (fields.length < names.length) throw new DerError('bad RSAPrivateKey')
  const [version, n, e, d, p, q, dP, dQ, qInv] = names.map((name, i) =>
    unsignedInteger(der, fields[i], name),
  ) as [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint]
  if (version !== 0n) throw new RsaKeyError('is a multi-prime RSA key, which Web Crypto does not import')
  if (fields.length !== names.length) throw new DerError('bad RSAPrivateKey')
  const bits = checkPublicNumbers(n, e)
  const consistent =
    p > 1n &&
    q > 1n &&
    p * q === n &&
    d > 0n &&
    d < n &&
    dP === d % (p - 1n) &&
    dQ === d % (q - 1n) &&
    (e * dP) % (p - 1n) === 1n &&
    (e * dQ) % (q - 1n) === 1n &&
    qInv < p &&
    (qInv * q) % p === 1n
  if (!consistent) throw new RsaKeyError('is not a valid RSA key (its numbers do not agree: corrupted?)')
  return bits
}
