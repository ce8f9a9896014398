import { API_CERT, DOWNLOADS } from '../endpoints/catalogue/table'
import { WechatpayValidationError } from '../errors'
import type { PreparedCall } from '../pipeline/call'
import type { Context } from '../pipeline/context'
import { send } from '../pipeline/send'
import type { LooseRequestOptions, WechatpayResponse } from '../types/call'
import { MAX_DOWNLOAD_REPLY_BYTES } from '../v3/call'
import { decodeV2, MAX_XML_BYTES, prepareV2 } from './call'

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
  if (options.media !== undefined)
    throw new WechatpayValidationError('media', 'is for APIv3 upload endpoints; v2 paths take `xml`')
  const chainPath = `v2/${call.path}`
  // The catalogue's certificate endpoints go over mutual TLS; without a certificate nothing is sent.
  const mtls = API_CERT.test(chainPath)
  if (mtls && !context.door.certTransport)
    throw new WechatpayValidationError(
      'clientCert',
      `${chainPath} needs the merchant API certificate (mutual TLS): ${context.certMissing}`,
    )
  const { body, signType } = await prepareV2(config, options.xml, context.hmacKey)
  const { headers } = call
  headers['content-type'] = 'text/xml; charset=utf-8'
  headers.accept ??= 'text/xml, application/xml'
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
    (reply) => decodeV2(config, reply, signType, context.hmacKey, download),
  )
}
