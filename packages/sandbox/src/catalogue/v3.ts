// The generic APIv3 answer of a catalogue endpoint: authenticated (the one refuseUnsigned), checked
// against its schemas (path, query, headers, body or upload parts), then answered with a sample
// reply signed as WeChat signs it. Downloads answer the file unsigned; statements are signed over
// `{"sha1":"…"}` with the file's SHA-1 in `Wechatpay-Statement-Sha1` (docs/protocol-3.md).
import { constants, createHash, privateDecrypt, publicEncrypt } from 'node:crypto'
import type { Context } from 'hono'
import { unixSeconds } from '../clock'
import type { AppEnv, SandboxContext } from '../context'
import { parseMultipart } from '../media-routes'
import { privateKeyFor, replySigner } from '../platform'
import { signedReplyHeaders } from '../v3-reply'
import { newRequestId, rawTarget, refuseUnsigned, v3Error, v3Signed } from '../v3-respond'
import { UPLOAD_DIGESTS } from './rules'
import { sampleObject } from './sample'
import type { CatalogueEndpoint, Schema } from './types'
import { checkObject, checkValue, type Problem } from './validate'

const OAEP_SHA1 = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' } as const

/** `400 PARAM_ERROR` naming the field, in WeChat's shape (`detail.field`, `detail.location`). */
function paramError(problem: Problem, location: string): Response {
  return v3Error(400, 'PARAM_ERROR', problem.message, { field: problem.field, location })
}

/** The file's digest in an upload's meta, as the endpoint takes it (rules.ts). */
function digestProblem(
  endpoint: CatalogueEndpoint,
  meta: Record<string, unknown>,
  file: Uint8Array,
): Problem | undefined {
  const rule = UPLOAD_DIGESTS[endpoint.path]
  if (!rule) return undefined
  const field = `meta.${rule.field}`
  const given = meta[rule.field]
  if (typeof given !== 'string' || given === '') return { field, message: `${field} is required` }
  if (rule.names && meta[rule.names[0]] !== rule.names[1])
    return { field: `meta.${rule.names[0]}`, message: `meta.${rule.names[0]} must be ${rule.names[1]}` }
  const hex = (algorithm: string) => createHash(algorithm).update(file).digest('hex')
  switch (rule.algorithm) {
    case 'sha256':
      return given === hex('sha256')
        ? undefined
        : { field, message: `${field} is not the SHA-256 (lower-case hex) of the file` }
    case 'sm3':
      return given.toLowerCase() === hex('sm3')
        ? undefined
        : { field, message: `${field} is not the SM3 (hex) of the file` }
    default:
      return [hex('sha256'), hex('sm3')].includes(given.toLowerCase())
        ? undefined
        : { field, message: `${field} is not a digest (SHA-256 or SM3, hex) of the file` }
  }
}

/** The request's encrypted fields (`json.a.b`, `json.list[].c`) must decrypt with the platform key named by `Wechatpay-Serial`. */
function encryptionProblem(
  ctx: SandboxContext,
  endpoint: CatalogueEndpoint,
  json: unknown,
  serial: string | undefined,
): Problem | undefined {
  const paths = (endpoint.encryptedFields ?? []).filter((p) => p.startsWith('json.') && !/[{<]/.test(p))
  for (const path of paths) {
    const values: unknown[] = []
    const walk = (node: unknown, keys: string[]) => {
      if (node === undefined || node === null) return
      if (keys.length === 0) return void values.push(node)
      const [head, ...rest] = keys as [string, ...string[]]
      const array = head.endsWith('[]')
      const next = (node as Record<string, unknown>)[array ? head.slice(0, -2) : head]
      if (array && Array.isArray(next)) for (const item of next) walk(item, rest)
      else if (!array) walk(next, rest)
    }
    walk(json, path.split('.').slice(1))
    if (values.length === 0) continue
    const field = path.slice(5).replaceAll('[]', '')
    const key = serial ? privateKeyFor(ctx.keys, ctx.platform, serial) : undefined
    if (!key)
      return {
        field: 'Wechatpay-Serial',
        message: `${field} is encrypted: the Wechatpay-Serial header must name the WeChat Pay public key or a platform certificate`,
      }
    for (const value of values) {
      try {
        privateDecrypt({ key, ...OAEP_SHA1 }, Buffer.from(String(value), 'base64'))
      } catch {
        return { field, message: `${field} must be encrypted (RSA-OAEP) with the WeChat Pay public key` }
      }
    }
  }
  return undefined
}

/** The sample reply of an endpoint; encrypted reply fields are sealed with the merchant's public key. */
export function sampleReply(ctx: SandboxContext, endpoint: CatalogueEndpoint): Record<string, unknown> {
  const paths = new Set((endpoint.encryptedFields ?? []).filter((p) => p.startsWith('response.')))
  return sampleObject(endpoint.response ?? {}, 'response', {
    mchid: ctx.keys.merchant.mchid,
    appid: ctx.keys.merchant.appid,
    encrypted: {
      paths,
      encrypt: (plain) =>
        publicEncrypt({ key: ctx.keys.merchantPublicKey, ...OAEP_SHA1 }, Buffer.from(plain)).toString(
          'base64',
        ),
    },
  })
}

/** The sample file of a download endpoint. */
export function sampleFile(endpoint: CatalogueEndpoint): { bytes: Buffer; type: string } {
  if (endpoint.path.endsWith('statements'))
    return { bytes: Buffer.from('交易时间,商户号,金额\n2026-01-01 08:00:00,sandbox,1\n'), type: 'text/csv' }
  return {
    bytes: Buffer.from(`wxpay sandbox file of ${endpoint.path}\n`),
    type: endpoint.produces?.[0] ?? 'application/octet-stream',
  }
}

async function readRequest(
  c: Context<AppEnv>,
  endpoint: CatalogueEndpoint,
): Promise<
  | { signed: Buffer; json?: unknown; parts?: Record<string, string>; files?: Record<string, Buffer> }
  | Response
> {
  const body = Buffer.from(await c.req.arrayBuffer())
  if (endpoint.kind !== 'upload') {
    if (!endpoint.json || body.length === 0) return { signed: body }
    try {
      return { signed: body, json: JSON.parse(body.toString('utf8')) }
    } catch {
      return v3Error(400, 'PARAM_ERROR', 'The request body is not valid JSON', { location: 'body' })
    }
  }
  const list = parseMultipart(body, c.req.header('Content-Type'))
  if (typeof list === 'string') return v3Error(400, 'PARAM_ERROR', `multipart: ${list}`)
  const parts: Record<string, string> = {}
  const files: Record<string, Buffer> = {}
  for (const part of list) {
    if (!part.name) continue
    if (part.filename !== undefined) files[part.name] = part.body
    else parts[part.name] = part.body.toString('utf8')
  }
  const meta = list.find((p) => p.name === 'meta')
  if (!meta) return v3Error(400, 'PARAM_ERROR', 'meta is required', { field: 'meta', location: 'body' })
  // The signature covers the meta JSON exactly as sent (docs/protocol-2.md, uploads).
  return { signed: meta.body, parts, files }
}

/** Answers one APIv3 catalogue endpoint. */
export async function answerV3(
  c: Context<AppEnv>,
  ctx: SandboxContext,
  endpoint: CatalogueEndpoint,
  params: Record<string, string>,
): Promise<Response> {
  const request = await readRequest(c, endpoint)
  if (request instanceof Response) return request
  const refused = refuseUnsigned(c, ctx, request.signed)
  if (refused) return refused

  for (const param of endpoint.pathParams ?? []) {
    if (param.notInUri) continue
    const schema: Schema = {
      ...(param.type ? { type: param.type } : {}),
      ...(param.enum ? { enum: param.enum } : {}),
    }
    const problem = checkValue(schema, params[param.name], param.name, 'text')
    if (problem) return paramError(problem, 'uri_template')
  }
  if (endpoint.query) {
    const target = rawTarget(c)
    const at = target.indexOf('?')
    const query = Object.fromEntries(new URLSearchParams(at < 0 ? '' : target.slice(at + 1)))
    const problem = checkObject(endpoint.query, query, '', 'text')
    if (problem) return paramError(problem, 'query')
  }
  for (const header of endpoint.headers ?? []) {
    if (header.required && !header.name.startsWith('Wechatpay-') && !c.req.header(header.name))
      return paramError({ field: header.name, message: `the ${header.name} header is required` }, 'header')
  }
  if (endpoint.json) {
    const problem = checkValue({ ...endpoint.json, type: 'object' }, request.json ?? {}, '', 'json')
    if (problem) return paramError(problem, 'body')
    const sealed = encryptionProblem(ctx, endpoint, request.json, c.req.header('Wechatpay-Serial'))
    if (sealed) return paramError(sealed, sealed.field === 'Wechatpay-Serial' ? 'header' : 'body')
  }
  if (endpoint.kind === 'upload' && endpoint.formData) {
    const { parts = {}, files = {} } = request
    const form: Record<string, unknown> = { ...parts }
    for (const name of Object.keys(files)) form[name] = 'file'
    for (const name of endpoint.formData.required ?? [])
      if (form[name] === undefined)
        return paramError({ field: name, message: `the ${name} part is required` }, 'body')
    for (const [name, schema] of Object.entries(endpoint.formData.properties ?? {})) {
      if (schema.type === 'file' || parts[name] === undefined) continue
      const problem = checkValue(schema, parts[name], name, name === 'meta' ? 'json' : 'text')
      if (problem) return paramError(problem, 'body')
    }
    const file = Object.values(files)[0]
    if (!file) return paramError({ field: 'file', message: 'the file part is required' }, 'body')
    const digest = digestProblem(endpoint, JSON.parse(parts.meta ?? '{}'), file)
    if (digest) return paramError(digest, 'body')
  }
  return replyOf(ctx, endpoint)
}

function replyOf(ctx: SandboxContext, endpoint: CatalogueEndpoint): Response {
  if (endpoint.kind === 'download') {
    const { bytes, type } = sampleFile(endpoint)
    if (!endpoint.responseHeaders?.includes('Wechatpay-Statement-Sha1'))
      // Like WeChat Pay: the file itself, without Wechatpay-* signature headers.
      return new Response(new Uint8Array(bytes), { status: 200, headers: { 'Content-Type': type } })
    // Statements: the signature covers {"sha1":"…"}, and the file must have that SHA-1.
    const sha1 = createHash('sha1').update(bytes).digest('hex')
    const timestamp = unixSeconds(ctx.clock.now())
    return new Response(new Uint8Array(bytes), {
      status: 200,
      headers: {
        ...signedReplyHeaders(`{"sha1":"${sha1}"}`, timestamp, replySigner(ctx.keys, ctx.platform)),
        'Wechatpay-Statement-Sha1': sha1,
        'Request-ID': newRequestId(),
        'Content-Type': type,
      },
    })
  }
  if (endpoint.status === 204 || endpoint.status === 202) return v3Signed(ctx, endpoint.status)
  return v3Signed(ctx, 200, sampleReply(ctx, endpoint))
}
