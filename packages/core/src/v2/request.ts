import { API_CERT, DOWNLOADS } from '../endpoints/catalogue/table'
import { WechatpayValidationError } from '../errors'
import type { PreparedCall } from '../pipeline/call'
import type { Context } from '../pipeline/context'
import { send } from '../pipeline/send'
import type { LooseRequestOptions, WechatpayResponse } from '../types/call'
import { MAX_DOWNLOAD_REPLY_BYTES } from '../v3/call'

/**
 * The v2 codec (and the XML library under it), imported on the first v2 call: a v3-only program
 * never evaluates it, and a bundler that splits code (tsup's ESM build, Vite, webpack) leaves it in
 * a chunk of its own. A failed import is retried next time rather than cached.
 */
let codec: Promise<typeof import('./call')> | undefined
function loadCodec(): Promise<typeof import('./call')> {
  codec ??= import('./call').catch((err: unknown) => {
    codec = undefined
    throw err
  })
  return codec
}

/**
 * An APIv2 call: XML signed with the APIv2 key, sent through the one door (over mutual TLS for
 * the catalogue's certificate endpoints), its reply sign checked, decoded.
 */
export async function callV2(
  context: Context,
  call: PreparedCall,
  options: LooseRequestOptions,
): Promise<WechatpayResponse<unknown>> {
  const { config } = context
  const chainPath = `v2/${call.path}`
  // The catalogue's certificate endpoints go over mutual TLS; without a certificate nothing is sent.
  const mtls = API_CERT.test(chainPath)
  if (mtls && !context.door.certTransport)
    throw new WechatpayValidationError(
      'clientCert',
      `${chainPath} needs the merchant API certificate (mutual TLS): ${context.certMissing}`,
    )
  const { decodeV2, MAX_XML_BYTES, prepareV2Call } = await loadCodec()
  const prepared = await prepareV2Call(config, call.template, options, context.hmacKey)
  const { body, signType } = prepared
  const { headers } = call
  if (prepared.contentType) headers['content-type'] = prepared.contentType
  headers.accept ??= prepared.accept
  // A v2 GET that signs its query (a page-like endpoint answered by a call) sends that query.
  if (prepared.query !== undefined)
    call.pathAndQuery = `${config.baseUrl.pathname}${call.path}${prepared.query}`
  const download = DOWNLOADS.test(chainPath)
  return send(
    context.door,
    {
      method: call.method,
      path: call.template,
      pathAndQuery: call.pathAndQuery,
      headers,
      body,
      maxBytes: download ? MAX_DOWNLOAD_REPLY_BYTES : MAX_XML_BYTES,
      timeout: call.timeout,
      signal: call.signal,
      bases: call.bases,
      mtls,
      idempotent: call.idempotent,
    },
    (reply) => decodeV2(config, reply, signType, context.hmacKey, download, call.template),
  )
}
