// Cross-border (global) and HK statements (docs/protocol-3.md, "Statements"): WeChat Pay signs
// `TIMESTAMP\nNONCE\n{"sha1":"<Wechatpay-Statement-Sha1>"}\n`, not the file, so the signature is
// checked over that message and then the file (the plain CSV, after gunzip when it came gzipped)
// must have that SHA-1. wechatpay-php checks only the first half.
import { sha1 } from '@noble/hashes/legacy'
import { type Bytes, concatBytes, timingSafeEqual, toHex, utf8 } from '../encoding'
import { WechatpaySignatureError } from '../errors'
import type { Config } from '../options'
import type { TransportResponse } from '../transport/types'
import type { WechatpayResponse } from '../types/call'
import { verifyReply } from './verify'

/** Gunzips a gzip body (by its magic bytes); anything else is the file as it is. */
async function plain(body: Bytes): Promise<Bytes> {
  if (body.length < 2 || body[0] !== 0x1f || body[1] !== 0x8b) return body
  const stream = new Blob([body])
    .stream()
    .pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>)
  const parts: Uint8Array[] = []
  const reader = stream.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    parts.push(value)
  }
  return concatBytes(...parts)
}

/**
 * Verifies a 2xx statement reply and returns the plain file: the signature over
 * `{"sha1":"…"}` (a reply without `Wechatpay-Statement-Sha1` is refused), then the SHA-1 of the
 * file (gunzipped first) against that header, in constant time. Fails closed.
 */
export async function decodeStatement(
  config: Config,
  reply: TransportResponse,
): Promise<WechatpayResponse<Uint8Array>> {
  const { status, headers, body } = reply
  const requestId = headers['request-id']
  const digest = headers['wechatpay-statement-sha1']?.trim()
  if (!digest || !/^[0-9A-Fa-f]{40}$/.test(digest))
    throw new WechatpaySignatureError(
      'statement refused: Wechatpay-Statement-Sha1 is missing or not a SHA-1',
      {
        status,
        requestId,
      },
    )
  await verifyReply({ status, headers, body: utf8.encode(`{"sha1":"${digest}"}`), keys: config.keys })
  let file: Bytes
  try {
    file = await plain(body)
  } catch {
    throw new WechatpaySignatureError('statement refused: the gzip file does not unpack', {
      status,
      requestId,
    })
  }
  if (!timingSafeEqual(toHex(sha1(file)), digest.toLowerCase()))
    throw new WechatpaySignatureError("statement refused: the file's SHA-1 is not Wechatpay-Statement-Sha1", {
      code: 'DIGEST_MISMATCH',
      status,
      requestId,
    })
  return { status, headers, data: file }
}
