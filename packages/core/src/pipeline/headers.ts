import { WechatpayValidationError } from '../errors'
import { refuseSensitive } from '../keys/sensitive'
import { isPlainObject } from '../uri-template'

/** RFC 9110 `token`: what a header name may hold. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/** Outside tab, visible ASCII and Latin-1: fetch cannot send it (a ByteString), nor CR/LF/NUL. */
const BAD_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/
/** Headers the SDK sets from what it signs and sends. */
const SDK_HEADERS: ReadonlySet<string> = new Set(['authorization', 'content-length'])
/** Connection-level headers: the transport owns them (undici refuses some, fetch drops others). */
const TRANSPORT_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'transfer-encoding',
  'connection',
  'upgrade',
  'expect',
  'keep-alive',
  'te',
  'trailer',
  'proxy-connection',
])

/**
 * Checks the `headers` option (a plain object of strings) and returns them with lower-case names.
 * Everything a transport could not send, or would send differently, is refused here, before I/O,
 * rather than surfacing as a network error.
 */
export function checkHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (headers === undefined) return out
  if (!isPlainObject(headers))
    throw new WechatpayValidationError('headers', 'must be a plain object of name → value')
  for (const name in headers) {
    if (!Object.hasOwn(headers, name)) continue
    const value = headers[name]
    refuseSensitive(`headers.${name}`, value)
    if (!HEADER_NAME.test(name)) {
      throw new WechatpayValidationError('headers', `bad header name ${JSON.stringify(name)}`)
    }
    if (typeof value !== 'string' || BAD_HEADER_VALUE.test(value)) {
      throw new WechatpayValidationError(
        `headers.${name}`,
        'must be a string of Latin-1 characters without line breaks or other control characters',
      )
    }
    const lower = name.toLowerCase()
    if (SDK_HEADERS.has(lower)) throw new WechatpayValidationError(`headers.${name}`, 'is set by the SDK')
    if (TRANSPORT_HEADERS.has(lower)) {
      throw new WechatpayValidationError(`headers.${name}`, 'is a connection header, set by the transport')
    }
    out[lower] = value
  }
  return out
}
