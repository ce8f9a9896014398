// The APIv2 multipart upload (`v2/secapi/mch/uploadmedia`; docs/protocol-3.md, "The APIv2
// upload"): text parts `mch_id`, `media_hash` (lower-case hex MD5 of the file), `sign_type`,
// `sign` — the sign covers the text parts only, never the file — then the file part. No nonce_str.
import { md5 } from '@noble/hashes/legacy'
import { type Bytes, concatBytes, nonce, toHex, utf8 } from '../encoding'
import { WechatpayValidationError } from '../errors'
import type { Config } from '../options'
import { readMedia } from '../v3/multipart'
import { type SignType, signV2 } from './sign'

export interface EncodedV2Media {
  body: Bytes
  contentType: string
  signType: SignType
  /** The signed text fields, as sent. */
  fields: Record<string, string>
}

/**
 * Encodes an APIv2 upload. `xml` may give `sign_type` (MD5 by default) and `mch_id` (the client's
 * by default; another is refused); `hash` and `file` name the digest field and the file part.
 */
export async function encodeV2Media(
  config: Config,
  rule: { hash: string; file: string },
  xml: unknown,
  media: unknown,
  hmacKey: () => Promise<CryptoKey>,
): Promise<EncodedV2Media> {
  const { secret } = config
  if (!secret) throw new WechatpayValidationError('secret', 'APIv2 calls need the APIv2 key')
  if (xml !== undefined && (!xml || typeof xml !== 'object' || Array.isArray(xml)))
    throw new WechatpayValidationError('xml', 'must be an object ({ sign_type })')
  const given = (xml ?? {}) as Record<string, unknown>
  for (const name of Object.keys(given))
    if (name !== 'mch_id' && name !== 'sign_type' && given[name] !== undefined)
      throw new WechatpayValidationError(
        `xml.${name}`,
        `is not a field of this upload (it takes mch_id, sign_type and media)`,
      )
  const mchId = given.mch_id ?? config.mchid
  if (mchId !== config.mchid)
    throw new WechatpayValidationError(
      'xml.mch_id',
      `is ${String(mchId)}, but this client is merchant ${config.mchid}`,
    )
  const signType = given.sign_type ?? 'MD5'
  if (signType !== 'MD5' && signType !== 'HMAC-SHA256')
    throw new WechatpayValidationError('xml.sign_type', 'must be MD5 or HMAC-SHA256')
  if (media === undefined) throw new WechatpayValidationError('media', 'is required: the file to upload')
  const { filename, type, file } = await readMedia(media)
  const fields: Record<string, string> = {
    mch_id: config.mchid,
    [rule.hash]: toHex(md5(file)),
    sign_type: signType,
  }
  fields.sign = await signV2(fields, secret, signType, hmacKey)
  const boundary = `wxpay-${nonce(24)}`
  let head = ''
  for (const [name, value] of Object.entries(fields))
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
  head += `--${boundary}\r\nContent-Disposition: form-data; name="${rule.file}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`
  return {
    body: concatBytes(utf8.encode(head), file, utf8.encode(`\r\n--${boundary}--\r\n`)),
    contentType: `multipart/form-data; boundary=${boundary}`,
    signType,
    fields,
  }
}
