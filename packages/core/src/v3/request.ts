import type { PreparedCall } from '../pipeline/call'
import type { Context } from '../pipeline/context'
import { send } from '../pipeline/send'
import type { LooseRequestOptions, WechatpayResponse } from '../types/call'
import { decodeV3, isDownloadPath, MAX_DOWNLOAD_REPLY_BYTES, MAX_JSON_BYTES, prepareV3 } from './call'

/** An APIv3 call: JSON (or a multipart upload) signed, sent through the one door, verified, decoded. */
export async function callV3(
  context: Context,
  call: PreparedCall,
  options: LooseRequestOptions,
): Promise<WechatpayResponse<unknown>> {
  const { config } = context
  const download = isDownloadPath(call.path)
  const body = await prepareV3(config, {
    method: call.method,
    pathAndQuery: call.pathAndQuery,
    headers: call.headers,
    json: options.json,
    xml: options.xml,
    media: options.media,
  })
  return send(
    context.door,
    {
      method: call.method,
      path: call.template,
      pathAndQuery: call.pathAndQuery,
      headers: call.headers,
      body,
      maxBytes: download ? MAX_DOWNLOAD_REPLY_BYTES : MAX_JSON_BYTES,
      timeout: call.timeout,
      signal: call.signal,
      bases: call.bases,
      idempotent: call.idempotent,
    },
    (reply) => decodeV3(config, reply, call.path, download),
  )
}
