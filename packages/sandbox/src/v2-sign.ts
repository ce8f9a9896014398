import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

/** The two APIv2 sign types; `MD5` is the default when `sign_type` is absent. */
export type V2SignType = 'MD5' | 'HMAC-SHA256'

/** Whether a `sign_type` value is one the gateway knows. */
export function isV2SignType(value: string): value is V2SignType {
  return value === 'MD5' || value === 'HMAC-SHA256'
}

/**
 * APIv2 signature (docs/protocol.md, "APIv2 signing"): drop `sign` and empty values, sort keys by byte
 * order, join `k=v` with `&`, append `&key=<APIv2 key>`, MD5 or HMAC-SHA256 (keyed with the
 * APIv2 key), uppercase hex.
 *
 * @example
 * ```ts
 * v2Sign({ appid: 'wxd930ea5d5a258f4f', mch_id: '10000100', body: 'test',
 *   nonce_str: 'ibuaiVcKdpRxkhJA', device_info: '1000' }, '192006250b4c09247ec02edce69f6a2d')
 * // '9A0A8659F005D6984697E2CA0A9CF3B7'
 * ```
 */
export function v2Sign(fields: Record<string, string>, secret: string, type: V2SignType = 'MD5'): string {
  const keys = Object.keys(fields)
    .filter((key) => key !== 'sign' && fields[key] !== undefined && fields[key] !== '')
    // byte order, not locale order: default sort compares UTF-16 code units, same for ASCII keys
    .sort()
  // `k=v&` per field, then `key=…`: the official WXPayUtil's string, so with no field left it is
  // `key=…` (as @wxpay/core signs it; wechatpay-axios-plugin would write `&key=…` there)
  const text = `${keys.map((key) => `${key}=${fields[key]}&`).join('')}key=${secret}`
  const digest =
    type === 'MD5'
      ? createHash('md5').update(text, 'utf8')
      : createHmac('sha256', secret).update(text, 'utf8')
  return digest.digest('hex').toUpperCase()
}

/** Constant-time comparison of a received `sign` with the expected one. */
export function v2SignEquals(received: string, expected: string): boolean {
  const a = Buffer.from(received)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}
