import { sha1 } from '@noble/hashes/legacy'
import { sha256 } from '@noble/hashes/sha2'
import { type Bytes, concatBytes, timingSafeEqual, toHex } from './encoding'
import {
  apiErrorOf,
  WechatpayError,
  WechatpaySignatureError,
  WechatpayTransportError,
  WechatpayValidationError,
} from './errors'
import type { Config } from './options'
import type { Context } from './pipeline/context'
import { checkSignal, checkTimeout, send } from './pipeline/send'
import { prepareV3 } from './v3/call'

/** A bill read into memory larger than this is refused: use `download.stream`. */
export const MAX_DOWNLOAD_BYTES = 256 * 1024 * 1024

/** What `v3/bill/tradebill` and `v3/bill/fundflowbill` answer, besides `download_url`. */
export interface DownloadOptions {
  /** `SHA1` (what WeChat Pay sends) or `SHA256`; case-insensitive. */
  hash_type: string
  /** Hex digest of the uncompressed file; compared case-insensitively. */
  hash_value: string
  /** Cancels the download (until the reply's headers are in, for `stream`). */
  signal?: AbortSignal
  /** Milliseconds (until the whole file is in; until the headers are in, for `stream`). Default the client's. */
  timeout?: number
}

/**
 * `wxpay.download(download_url, { hash_type, hash_value })`: the file a bill endpoint points to,
 * fetched with a signed GET (the signature covers that URL's path and query), decompressed when it
 * is gzip, and checked against the digest before it is returned. WeChat Pay does not sign these
 * replies: the digest from the (verified) bill reply is what makes the file trustworthy.
 */
export interface Download {
  (url: string, options: DownloadOptions): Promise<Uint8Array>
  /**
   * The same, as a stream for files larger than memory: the bytes flow as they arrive, and the
   * stream errors at its end, with a `WechatpaySignatureError` of code `DIGEST_MISMATCH`, when the
   * digest does not match. Do not act on the data before the stream has ended without an error.
   */
  stream(url: string, options: DownloadOptions): Promise<ReadableStream<Uint8Array>>
}

type HashType = 'SHA1' | 'SHA256'
interface Checked {
  pathAndQuery: string
  hashType: HashType
  hashValue: string
}

/** Everything is checked before any I/O: the URL's origin, the digest's type and shape. */
function check(config: Config, url: unknown, options: DownloadOptions | undefined): Checked {
  if (typeof url !== 'string' || url === '')
    throw new WechatpayValidationError('url', 'must be the download_url')
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new WechatpayValidationError('url', 'is not an absolute URL')
  }
  // A download is signed: never hand a signed request (nor trust a file) from a host the client was
  // not configured for, whatever a reply says. The request goes to baseUrl (failing over to
  // backupBaseUrl like any call), so a URL naming the backup host is refused rather than fetched
  // from another host than it names.
  if (config.backupBaseUrl?.origin === parsed.origin && parsed.origin !== config.baseUrl.origin)
    throw new WechatpayValidationError(
      'url',
      `is on the backupBaseUrl host (${parsed.origin}); downloads are fetched from baseUrl (${config.baseUrl.origin}), failing over to the backup by itself, and never send it to another host than the URL names`,
    )
  if (parsed.origin !== config.baseUrl.origin || parsed.username || parsed.password)
    throw new WechatpayValidationError(
      'url',
      `its origin ${parsed.origin} is not the configured baseUrl (${config.baseUrl.origin})`,
    )
  if (!parsed.pathname.startsWith(config.baseUrl.pathname))
    throw new WechatpayValidationError(
      'url',
      `its path is not under the baseUrl path ${config.baseUrl.pathname}`,
    )
  if (!options || typeof options !== 'object')
    throw new WechatpayValidationError('options', 'must be { hash_type, hash_value } from the bill reply')
  const hashType = typeof options.hash_type === 'string' ? options.hash_type.toUpperCase() : undefined
  if (hashType !== 'SHA1' && hashType !== 'SHA256')
    throw new WechatpayValidationError('hash_type', 'must be SHA1 or SHA256')
  const length = hashType === 'SHA1' ? 40 : 64
  if (
    typeof options.hash_value !== 'string' ||
    !new RegExp(`^[0-9A-Fa-f]{${length}}$`).test(options.hash_value)
  )
    throw new WechatpayValidationError('hash_value', `must be ${length} hex digits (${hashType})`)
  return {
    pathAndQuery: parsed.pathname + parsed.search,
    hashType,
    hashValue: options.hash_value.toLowerCase(),
  }
}

function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b
}

/** A read of the reply's body failed: the connection ended (or broke) before the whole file was in. */
function cutOff(err: unknown): WechatpayError {
  if (err instanceof WechatpayError) return err
  return new WechatpayTransportError('CONNECTION', 'the download was cut off before the whole file arrived', {
    cause: err,
    retryable: false,
  })
}

/** The gzip stream did not unpack (corrupt, or cut off inside the gzip data). */
function notGzip(err: unknown): WechatpayError {
  if (err instanceof WechatpayError) return err
  return new WechatpaySignatureError(
    'the downloaded file is not a complete gzip stream (corrupt or cut off), so it cannot match hash_value',
    { code: 'DIGEST_MISMATCH' },
  )
}

/** `stream`, with every error it raises passed through `map` (so none surfaces as a bare TypeError). */
function mapErrors(
  stream: ReadableStream<Uint8Array>,
  map: (err: unknown) => WechatpayError,
): ReadableStream<Uint8Array> {
  const reader = stream.getReader()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: ReadableStreamReadResult<Uint8Array>
      try {
        next = await reader.read()
      } catch (err) {
        controller.error(map(err))
        return
      }
      if (next.done) controller.close()
      else controller.enqueue(next.value)
    },
    cancel(reason) {
      return reader.cancel(reason)
    },
  })
}

/**
 * Gunzips a gzip file (by its magic bytes: what `tar_type=GZIP` returns; a CSV bill never starts
 * with them), passes anything else through. A body cut off in transit is a `WechatpayTransportError`
 * (`CONNECTION`); gzip data that does not unpack, a `WechatpaySignatureError` (`DIGEST_MISMATCH`).
 */
async function uncompressed(source: ReadableStream<Uint8Array>): Promise<ReadableStream<Uint8Array>> {
  const reader = source.getReader()
  const read = () => reader.read().catch((err: unknown) => Promise.reject(cutOff(err)))
  const head: Uint8Array[] = []
  let headLength = 0
  let done = false
  while (headLength < 2) {
    const next = await read()
    if (next.done) {
      done = true
      break
    }
    head.push(next.value)
    headLength += next.value.length
  }
  const joined = concatBytes(...head)
  const replay = new ReadableStream<Uint8Array>({
    start(controller) {
      if (joined.length) controller.enqueue(joined)
      if (done) controller.close()
    },
    async pull(controller) {
      const next = await read()
      if (next.done) controller.close()
      else controller.enqueue(next.value)
    },
    cancel(reason) {
      return reader.cancel(reason)
    },
  })
  return isGzip(joined)
    ? mapErrors(
        replay.pipeThrough(
          new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>,
        ),
        notGzip,
      )
    : replay
}

/** Hashes what flows through; at the end, a digest other than `expected` errors the stream. */
export function digestCheck(
  hashType: HashType,
  expected: string,
  requestId?: string,
): TransformStream<Uint8Array, Uint8Array> {
  const hash = hashType === 'SHA1' ? sha1.create() : sha256.create()
  return new TransformStream({
    transform(chunk, controller) {
      hash.update(chunk)
      controller.enqueue(chunk)
    },
    flush() {
      const actual = toHex(hash.digest())
      if (!timingSafeEqual(actual, expected))
        throw new WechatpaySignatureError(
          `the downloaded file's ${hashType} digest does not match hash_value`,
          {
            code: 'DIGEST_MISMATCH',
            requestId,
          },
        )
    },
  })
}

/**
 * Reads the whole (checked) stream. Past `maxBytes` uncompressed it is refused with the code every
 * oversized reply has, `RESPONSE_TOO_LARGE` (a transport error: it happens after I/O, unlike a
 * `WechatpayValidationError`).
 */
export async function collect(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<Bytes> {
  const parts: Uint8Array[] = []
  let length = 0
  const reader = stream.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    length += value.length
    if (length > maxBytes) {
      await reader.cancel().catch(() => {})
      throw new WechatpayTransportError(
        'RESPONSE_TOO_LARGE',
        `the file is larger than ${maxBytes} bytes uncompressed: use download.stream`,
      )
    }
    parts.push(value)
  }
  return concatBytes(...parts)
}

async function signed(config: Config, pathAndQuery: string): Promise<Record<string, string>> {
  const headers: Record<string, string> = { accept: '*/*' }
  await prepareV3(config, { method: 'GET', pathAndQuery, headers, json: undefined, xml: undefined })
  return headers
}

/** The `download` member of a client. */
export function createDownload(context: Context): Download {
  const { config } = context
  /** The signed GET, through the one door; a non-2xx reply is an API error. */
  const fetchFile = async (url: string, options: DownloadOptions, stream: boolean) => {
    const checked = check(config, url, options)
    const { pathAndQuery } = checked
    const timeout = options.timeout === undefined ? undefined : checkTimeout(options.timeout)
    const signal = checkSignal(options.signal)
    const headers = await signed(config, pathAndQuery)
    return send(
      context.door,
      {
        method: 'GET',
        path: pathAndQuery.slice(config.baseUrl.pathname.length).replace(/\?.*$/, ''),
        pathAndQuery,
        headers,
        body: undefined,
        maxBytes: MAX_DOWNLOAD_BYTES,
        timeout,
        signal,
        stream,
        idempotent: true,
      },
      (reply) => {
        if (reply.status < 200 || reply.status > 299) throw apiErrorOf(reply)
        return { checked, reply }
      },
    )
  }
  const download = async (url: string, options: DownloadOptions): Promise<Uint8Array> => {
    const { checked, reply } = await fetchFile(url, options, false)
    const source = new Blob([reply.body]).stream()
    const verified = (await uncompressed(source)).pipeThrough(
      digestCheck(checked.hashType, checked.hashValue, reply.headers['request-id']),
    )
    return collect(verified, MAX_DOWNLOAD_BYTES)
  }
  download.stream = async (url: string, options: DownloadOptions): Promise<ReadableStream<Uint8Array>> => {
    const { checked, reply } = await fetchFile(url, options, true)
    return (await uncompressed(reply.stream ?? new Blob([reply.body]).stream())).pipeThrough(
      digestCheck(checked.hashType, checked.hashValue, reply.headers['request-id']),
    )
  }
  return download
}
