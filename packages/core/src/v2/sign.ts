import { md5 } from '@noble/hashes/legacy'
import { hmacSha256 } from '../crypto/signature'
import { timingSafeEqual, toHexUpper, utf8 } from '../encoding'

export type SignType = 'MD5' | 'HMAC-SHA256'

/**
 * The APIv2 string to sign: drop `sign` and empty values, sort keys by byte order, join raw
 * `k=v` pairs with `&`, append `&key=<APIv2 key>`.
 */
export function signString(fields: Readonly<Record<string, string | undefined>>, secret: string): string {
  const keys = Object.keys(fields)
    .filter((key) => key !== 'sign' && fields[key] !== undefined && fields[key] !== '')
    .sort()
  let out = ''
  for (const key of keys) out += `${key}=${fields[key]}&`
  return `${out}key=${secret}`
}

/** Signs APIv2 fields: uppercase hex of MD5, or of HMAC-SHA256 keyed with the APIv2 key. */
export async function signV2(
  fields: Readonly<Record<string, string | undefined>>,
  secret: string,
  signType: SignType,
  hmacKey: () => Promise<CryptoKey>,
): Promise<string> {
  const message = utf8.encode(signString(fields, secret))
  return toHexUpper(signType === 'MD5' ? md5(message) : await hmacSha256(await hmacKey(), message))
}

/** Checks a reply's `sign` in constant time; unknown extra fields are signed like any other. */
export async function verifyV2(
  fields: Readonly<Record<string, string>>,
  secret: string,
  signType: SignType,
  hmacKey: () => Promise<CryptoKey>,
): Promise<boolean> {
  const given = fields.sign
  if (!given) return false
  return timingSafeEqual(given, await signV2(fields, secret, signType, hmacKey))
}
