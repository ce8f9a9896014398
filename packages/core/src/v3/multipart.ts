import { sm3 } from '../crypto/sm3'
import { subtle } from '../crypto/subtle'
import { type Bytes, concatBytes, nonce, toHex, utf8 } from '../encoding'
import { UPLOAD_META, type UploadMetaRule } from '../endpoints/catalogue/table'
import { WechatpayValidationError } from '../errors'
import { isPlainObject } from '../uri-template'

/**
 * A file for an upload endpoint (`v3/merchant/media/upload`, `v3/merchant-service/images/upload`,
 * …). It is sent as `multipart/form-data`: a `meta` part (the JSON that is signed) and then the
 * file part. What `meta` holds depends on the endpoint (the generated `UPLOAD_META`): the SDK
 * fills the file name and digest fields (`filename` + `sha256`, `file_name` + `file_digest`, or
 * `digest_alogrithm: "SM3"` + `digest` for 电子发票 files…); the caller's `meta` fields are merged in.
 */
export interface Media {
  /** The file name WeChat Pay sees; its extension must be one the endpoint allows (`.jpg`, `.png`, …). */
  filename: string
  /** The file's bytes. */
  data: Uint8Array | ArrayBuffer | Blob
  /** The file part's `Content-Type`; by default from the extension (`image/jpeg`, `image/png`, `video/mp4`, …). */
  contentType?: string
  /**
   * The endpoint's other `meta` fields (`bank_type`, `file_type`, `region_id`, …), written after
   * the ones the SDK fills. Values are JSON: strings, numbers, booleans, objects, arrays.
   */
  meta?: Record<string, unknown>
  /** Other text parts of the form, after `meta` (`item_id`, `manage_record_id` of the submission-file upload). */
  fields?: Record<string, string | number>
}

/** The rule of endpoints the table does not know (an endpoint newer than the catalogue): the common shape. */
const DEFAULT_RULE: UploadMetaRule = {
  name: 'filename',
  digest: 'sha256',
  algorithm: 'SHA-256',
  file: 'file',
}

/** The upload rule of an expanded v3 path (`v3/taxi-invoice/cards/upload-file`). */
export function uploadRuleOf(path: string): UploadMetaRule {
  for (const [pattern, rule] of UPLOAD_META) if (pattern.test(path)) return rule
  return DEFAULT_RULE
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

async function digestHex(algorithm: UploadMetaRule['algorithm'], bytes: Bytes): Promise<string> {
  return algorithm === 'SM3' ? toHex(sm3(bytes)) : sha256Hex(bytes)
}

/** A JSON value without `undefined`, functions, non-finite numbers or class instances. */
function checkJson(value: unknown, option: string, depth = 0): void {
  if (depth > 16) throw new WechatpayValidationError(option, 'is nested too deeply')
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return
  if (typeof value === 'number' && Number.isFinite(value)) return
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) checkJson(item, `${option}[${i}]`, depth + 1)
    return
  }
  if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) checkJson(v, `${option}.${k}`, depth + 1)
    return
  }
  throw new WechatpayValidationError(option, 'must be a JSON value (string, number, boolean, object, array)')
}

/** The file of a `media` option, checked: its name, its content type and its bytes. */
export async function readMedia(media: unknown): Promise<{ filename: string; type: string; file: Bytes }> {
  if (!media || typeof media !== 'object' || Array.isArray(media))
    throw new WechatpayValidationError('media', 'must be an object { filename, data }')
  const { filename, data, contentType } = media as Media
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
  return { filename, type, file }
}

/**
 * Encodes `media` as WeChat Pay's upload endpoints take it: `meta` first (the fields `rule` says
 * the SDK fills, then the caller's), then `media.fields`, then the file part, CRLF line ends, a
 * random boundary. Every check runs before any I/O.
 */
export async function encodeMedia(
  media: unknown,
  rule: UploadMetaRule = DEFAULT_RULE,
): Promise<EncodedMedia> {
  const { filename, type, file } = await readMedia(media)
  const { meta: extra, fields: parts } = media as Media
  // No prototype: a caller's `__proto__` key is a field like any other.
  const fields: Record<string, unknown> = Object.create(null)
  if (rule.name) fields[rule.name] = filename
  Object.assign(fields, rule.fixed)
  fields[rule.digest] = await digestHex(rule.algorithm, file)
  if (extra !== undefined) {
    if (!isPlainObject(extra)) throw new WechatpayValidationError('media.meta', 'must be an object')
    for (const [name, value] of Object.entries(extra)) {
      if (value === undefined) continue
      if (name in fields) throw new WechatpayValidationError(`media.meta.${name}`, 'is filled in by the SDK')
      checkJson(value, `media.meta.${name}`)
      fields[name] = value
    }
  }
  const meta = JSON.stringify(fields)
  const boundary = `wxpay-${nonce(24)}`
  let textParts = ''
  if (parts !== undefined) {
    if (!isPlainObject(parts)) throw new WechatpayValidationError('media.fields', 'must be an object')
    for (const [name, value] of Object.entries(parts)) {
      if (value === undefined) continue
      const option = `media.fields.${name}`
      if (!/^[A-Za-z_][\w.-]*$/.test(name) || name === 'meta' || name === rule.file)
        throw new WechatpayValidationError(option, 'is not a form field name this upload can take')
      if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value)))
        throw new WechatpayValidationError(option, 'must be a string or a number')
      textParts += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
    }
  }
  const head = utf8.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="meta"\r\nContent-Type: application/json\r\n\r\n${meta}\r\n` +
      textParts +
      `--${boundary}\r\nContent-Disposition: form-data; name="${rule.file}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`,
  )
  const tail = utf8.encode(`\r\n--${boundary}--\r\n`)
  return {
    meta,
    body: concatBytes(head, file, tail),
    contentType: `multipart/form-data; boundary=${boundary}`,
  }
}
