import { subtle } from '../crypto/subtle'
import { type Bytes, concatBytes, nonce, toHex, utf8 } from '../encoding'
import { WechatpayValidationError } from '../errors'

/**
 * A file for an upload endpoint (`v3/merchant/media/upload`, `v3/merchant-service/images/upload`,
 * …). It is sent as `multipart/form-data`: a `meta` part (`{"filename","sha256"}`, the JSON that is
 * signed) and then the `file` part.
 */
export interface Media {
  /** The file name WeChat Pay sees; its extension must be one the endpoint allows (`.jpg`, `.png`, …). */
  filename: string
  /** The file's bytes. */
  data: Uint8Array | ArrayBuffer | Blob
  /** The file part's `Content-Type`; by default from the extension (`image/jpeg`, `image/png`, `video/mp4`, …). */
  contentType?: string
  /** Extra `meta` keys some endpoints take (e.g. `bank_type`), after `filename` and `sha256`. */
  meta?: Record<string, string>
}

const TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  bmp: 'image/bmp',
  gif: 'image/gif',
  pdf: 'application/pdf',
  mp4: 'video/mp4',
  avi: 'video/x-msvideo',
  wmv: 'video/x-ms-wmv',
  mpeg: 'video/mpeg',
  mov: 'video/quicktime',
  mkv: 'video/x-matroska',
  flv: 'video/x-flv',
  f4v: 'video/x-f4v',
  m4v: 'video/x-m4v',
  rmvb: 'application/vnd.rn-realmedia-vbr',
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  zip: 'application/zip',
}

/** Characters a quoted header parameter or a header value cannot carry as they are. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const BAD_HEADER_TEXT = /["\\\u0000-\u001f\u007f]/

/** The encoded upload: `meta` is the exact JSON sent in the meta part, which is what is signed. */
export interface EncodedMedia {
  meta: string
  body: Bytes
  contentType: string
}

async function bytesOf(data: Media['data']): Promise<Bytes> {
  if (data instanceof Uint8Array) return new Uint8Array(data)
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0))
  if (typeof Blob !== 'undefined' && data instanceof Blob) return new Uint8Array(await data.arrayBuffer())
  throw new WechatpayValidationError('media.data', 'must be a Uint8Array, an ArrayBuffer or a Blob')
}

/** Lower-case hex SHA-256 (Web Crypto). */
export async function sha256Hex(bytes: Bytes): Promise<string> {
  return toHex(new Uint8Array(await subtle().digest('SHA-256', bytes)))
}

/**
 * Encodes `media` as WeChat Pay's upload endpoints take it: `meta` first, then `file`, CRLF line
 * ends, a random boundary. Every check runs before any I/O.
 */
export async function encodeMedia(media: unknown): Promise<EncodedMedia> {
  if (!media || typeof media !== 'object' || Array.isArray(media))
    throw new WechatpayValidationError('media', 'must be an object { filename, data }')
  const { filename, data, contentType, meta: extra } = media as Media
  if (typeof filename !== 'string' || filename === '' || BAD_HEADER_TEXT.test(filename))
    throw new WechatpayValidationError(
      'media.filename',
      'must be a non-empty file name without quotes, backslashes or control characters',
    )
  const extension = /\.([A-Za-z0-9]+)$/.exec(filename)?.[1]?.toLowerCase()
  const type = contentType ?? (extension ? TYPES[extension] : undefined) ?? 'application/octet-stream'
  if (typeof type !== 'string' || !/^[\w.+-]+\/[\w.+-]+$/.test(type))
    throw new WechatpayValidationError('media.contentType', 'must be a MIME type such as image/jpeg')
  const file = await bytesOf(data)
  if (file.length === 0) throw new WechatpayValidationError('media.data', 'is empty')
  const fields: Record<string, string> = { filename, sha256: await sha256Hex(file) }
  if (extra !== undefined) {
    if (!extra || typeof extra !== 'object' || Array.isArray(extra))
      throw new WechatpayValidationError('media.meta', 'must be an object of string values')
    for (const [name, value] of Object.entries(extra)) {
      if (name === 'filename' || name === 'sha256')
        throw new WechatpayValidationError(`media.meta.${name}`, 'is computed by the SDK')
      if (typeof value !== 'string')
        throw new WechatpayValidationError(`media.meta.${name}`, 'must be a string')
      fields[name] = value
    }
  }
  const meta = JSON.stringify(fields)
  const boundary = `wxpay-${nonce(24)}`
  const head = utf8.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="meta"\r\nContent-Type: application/json\r\n\r\n${meta}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`,
  )
  const tail = utf8.encode(`\r\n--${boundary}--\r\n`)
  return {
    meta,
    body: concatBytes(head, file, tail),
    contentType: `multipart/form-data; boundary=${boundary}`,
  }
}
