// The generic APIv2 answer of a catalogue endpoint: mutual TLS where the catalogue says, the sign
// checked (MD5 or HMAC-SHA256, as `sign_type` says), the fields checked against the schema (a FAIL
// whose return_msg names the field), then a sample reply signed with the request's sign type — or
// unsigned, JSON, a file or a page where WeChat Pay answers so (rules.ts).
import { createHash } from 'node:crypto'
import type { Context } from 'hono'
import type { AppEnv, Listener, SandboxContext } from '../context'
import { STALE_CREDENTIALS_HINT } from '../keys-file'
import { parseMultipart } from '../media-routes'
import { alnum } from '../random'
import { v2Fail } from '../v2-routes'
import { isV2SignType, type V2SignType, v2Sign, v2SignEquals } from '../v2-sign'
import { rawTarget } from '../v3-respond'
import { buildV2Xml, MAX_XML_BYTES, parseV2Xml } from '../xml'
import { JSON_V2_REPLIES, UNSIGNED_V2_REPLIES } from './rules'
import { sampleObject } from './sample'
import type { CatalogueEndpoint, Schema } from './types'
import { checkObject } from './validate'

/** Reply fields that exist only when result_code is FAIL. */
const FAILURE_ONLY = new Set(['err_code', 'err_code_des'])

/**
 * WeChat Pay's either-or identifiers: the catalogue marks both required where v2 takes one of them
 * (`orderquery`, `refund`, `refundquery`, …), as the core's generator reads it; customs
 * declarations really need both.
 */
const ONE_OF = [
  ['transaction_id', 'out_trade_no'],
  ['refund_id', 'out_refund_no'],
]

function oneOf(endpoint: CatalogueEndpoint, required: string[]): string[] {
  if (endpoint.path.includes('customs')) return required
  let out = required
  for (const pair of ONE_OF)
    if (pair.every((n) => out.includes(n))) out = out.filter((n) => !pair.includes(n))
  return out
}

/** The request's fields: the query of a GET, the parts of the multipart upload, else the XML. */
async function fieldsOf(
  c: Context<AppEnv>,
  endpoint: CatalogueEndpoint,
): Promise<{ fields: Record<string, string>; file?: Buffer } | Response> {
  if (endpoint.method === 'get') return { fields: queryOf(c) }
  const body = Buffer.from(await c.req.arrayBuffer())
  if (endpoint.kind === 'upload') {
    const parts = parseMultipart(body, c.req.header('Content-Type'))
    if (typeof parts === 'string') return v2Fail(`PARAM_ERROR: multipart: ${parts}`)
    const fields: Record<string, string> = {}
    let file: Buffer | undefined
    for (const part of parts) {
      if (part.filename !== undefined) file = part.body
      else if (part.name) fields[part.name] = part.body.toString('utf8')
    }
    return file ? { fields, file } : { fields }
  }
  if (body.length > MAX_XML_BYTES) return v2Fail('XML_FORMAT_ERROR')
  const fields = parseV2Xml(body.toString('utf8'))
  return fields ? { fields } : v2Fail('XML_FORMAT_ERROR')
}

/** The sample reply fields of an endpoint, as XML text: scalars only (a v2 reply is flat); before `return_code` and the sign. */
function sampleFields(ctx: SandboxContext, endpoint: CatalogueEndpoint): Record<string, string> {
  const sample = sampleObject(endpoint.response ?? {}, 'response', {
    mchid: ctx.keys.merchant.mchid,
    appid: ctx.keys.merchant.appid,
  })
  const fields: Record<string, string> = {}
  for (const [name, value] of Object.entries(sample)) {
    if (FAILURE_ONLY.has(name) || name === 'sign') continue
    // `coupon_type_$n`, `coupon_type_$n_$m`: lists flattened as WeChat does (`coupon_type_0`, …)
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      fields[name.replace(/\$[a-z]/g, '0')] = String(value)
  }
  return fields
}

function xmlReply(fields: Record<string, string>): Response {
  return new Response(buildV2Xml(fields), {
    status: 200,
    headers: { 'Content-Type': 'text/xml; charset=utf-8' },
  })
}

/**
 * A refusal in the endpoint's reply format: the XML `return_code` FAIL, or, on the JSON endpoint,
 * `{"retcode": …, "retmsg": …}` with a retcode other than 0 (what the client reads as a failure:
 * wechatpay-axios-plugin `lib/transformer.js`; the service's own failure codes are not published,
 * so the sandbox answers `-1` for every refusal and names the problem in `retmsg`).
 */
function failOf(endpoint: CatalogueEndpoint): (message: string) => Response {
  if (!JSON_V2_REPLIES.has(endpoint.uri)) return (message) => v2Fail(message)
  return (message) =>
    new Response(JSON.stringify({ retcode: -1, retmsg: message }), {
      status: 200,
      headers: { 'Content-Type': 'application/json' },
    })
}

/** The query fields of a request. */
function queryOf(c: Context<AppEnv>): Record<string, string> {
  const target = rawTarget(c)
  const at = target.indexOf('?')
  return Object.fromEntries(new URLSearchParams(at < 0 ? '' : target.slice(at + 1)))
}

/** Answers one APIv2 catalogue endpoint arriving on `listener`. */
export async function answerV2(
  c: Context<AppEnv>,
  ctx: SandboxContext,
  endpoint: CatalogueEndpoint,
  listener: Listener,
): Promise<Response> {
  const fail = failOf(endpoint)
  if (endpoint.apiCert && listener !== 'mtls')
    return fail(
      `CERT_ERROR: ${endpoint.uri} needs the merchant API certificate (mutual TLS): start the sandbox with mtls: true and call it at sb.mtls.url`,
    )
  const read = await fieldsOf(c, endpoint)
  if (read instanceof Response) return read
  const { fields, file } = read
  const schema: Schema = endpoint.xml ?? endpoint.query ?? endpoint.formData ?? {}
  const { merchant } = ctx.keys
  for (const id of ['mch_id', 'mchid'])
    if (fields[id] !== undefined && fields[id] !== merchant.mchid) return fail('MCH_NOT_EXISTS')

  const signType = fields.sign_type || 'MD5'
  if (schema.properties?.sign) {
    if (!fields.sign || !isV2SignType(signType)) return fail('SIGNERROR')
    if (!v2SignEquals(fields.sign, v2Sign(fields, merchant.secret, signType)))
      return fail(
        `SIGNERROR: the sign does not verify with this sandbox's APIv2 key: ${STALE_CREDENTIALS_HINT}`,
      )
  }
  const required = (schema.required ?? []).filter(
    (n) => n !== 'sign' && schema.properties?.[n]?.type !== 'file',
  )
  const problem = checkObject({ ...schema, required: oneOf(endpoint, required) }, fields, '', 'text')
  if (problem) return fail(`PARAM_ERROR: ${problem.message}`)
  // A POST's query fields (`submchmanage?action=add`): outside the signed body, still checked.
  if (endpoint.method !== 'get' && endpoint.query) {
    const query = checkObject(endpoint.query, queryOf(c), '', 'text')
    if (query) return fail(`PARAM_ERROR: ${query.message}`)
  }
  const missing = ONE_OF.find((pair) => pair.every((n) => required.includes(n) && !fields[n]))
  if (missing && !endpoint.path.includes('customs'))
    return fail(`PARAM_ERROR: ${missing.join(' or ')} is required`)
  if (
    file &&
    fields.media_hash !== undefined &&
    fields.media_hash !== createHash('md5').update(file).digest('hex')
  )
    return fail('PARAM_ERROR: media_hash is not the MD5 (lower-case hex) of the media part')

  if (endpoint.kind === 'page') {
    if (endpoint.status === 302) {
      const to = new URL(fields.redirect_uri || 'https://sandbox.wxpay.invalid/authorized')
      to.searchParams.set('code', 'sandbox_code')
      if (fields.state) to.searchParams.set('state', fields.state)
      return new Response(null, { status: 302, headers: { Location: to.href } })
    }
    return new Response(`<!doctype html><title>wxpay sandbox</title><p>${endpoint.uri}: signed page</p>\n`, {
      status: 200,
      headers: { 'Content-Type': 'text/html; charset=utf-8' },
    })
  }
  if (endpoint.kind === 'download')
    return new Response('交易时间,公众账号ID,商户号\n`2026-01-01 08:00:00,`sandbox,`sandbox\n', {
      status: 200,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    })
  if (JSON_V2_REPLIES.has(endpoint.uri)) {
    const body = sampleObject(endpoint.response ?? {}, 'response', {
      mchid: merchant.mchid,
      appid: merchant.appid,
    })
    return new Response(JSON.stringify(body), {
      status: 200,
      headers: { 'Content-Type': 'application/json' },
    })
  }
  return xmlReply(v2Reply(ctx, endpoint, signType as V2SignType))
}

/**
 * The SUCCESS reply of an endpoint: `return_code`, the sample fields, `result_code` SUCCESS where
 * the endpoint has one, then the sign with the request's sign type, except on the endpoints that
 * WeChat Pay answers unsigned (rules.ts). A `badSignature` fault spoils the sign.
 */
export function v2Reply(
  ctx: SandboxContext,
  endpoint: CatalogueEndpoint,
  signType: V2SignType,
): Record<string, string> {
  const reply: Record<string, string> = {
    return_code: 'SUCCESS',
    return_msg: 'OK',
    ...sampleFields(ctx, endpoint),
  }
  reply.return_code = 'SUCCESS'
  if ('result_code' in reply) reply.result_code = 'SUCCESS'
  if ('nonce_str' in reply) reply.nonce_str = alnum(32)
  if ('sign_type' in reply) reply.sign_type = signType
  if (UNSIGNED_V2_REPLIES.has(endpoint.uri)) return reply
  const { secret } = ctx.keys.merchant
  reply.sign = v2Sign(reply, ctx.faults?.draw('badSignature') ? `${secret}x` : secret, signType)
  return reply
}
