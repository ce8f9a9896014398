import { createHash } from 'node:crypto'
import type { Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { AppEnv, SandboxContext } from './context'
import { alnum } from './random'
import { refuseUnsigned, v3Error, v3Signed } from './v3-respond'

/** Uploads larger than this are refused (WeChat Pay's image limit is 2 MB, video 5 MB). */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024

/** One file the sandbox received through an upload endpoint. */
export interface UploadedMedia {
  media_id: string
  /** The endpoint it came through, e.g. `/v3/merchant/media/upload`. */
  path: string
  filename: string
  contentType: string
  /** The exact `meta` JSON the request signed. */
  meta: string
  data: Buffer
}

/** Upload endpoints → the field their reply names the upload by. */
const UPLOADS: Record<string, 'media_id' | 'media_url' | 'image_url'> = {
  '/v3/merchant/media/upload': 'media_id',
  '/v3/merchant/media/video_upload': 'media_id',
  '/v3/merchant-service/images/upload': 'media_id',
  '/v3/marketing/favor/media/image-upload': 'media_url',
  '/v3/marketing/partner/product-coupon/media/upload-image': 'image_url',
}

const stores = new WeakMap<SandboxContext, UploadedMedia[]>()

/** The files one sandbox received, shared by its listeners, oldest first. */
export function uploadsOf(ctx: SandboxContext): UploadedMedia[] {
  let uploads = stores.get(ctx)
  if (!uploads) {
    uploads = []
    stores.set(ctx, uploads)
  }
  return uploads
}

interface Part {
  headers: Record<string, string>
  name?: string
  filename?: string
  body: Buffer
}

/** Reads a `multipart/form-data` body (RFC 7578): every part's headers and exact bytes, or why not. */
export function parseMultipart(body: Buffer, contentType: string | undefined): Part[] | string {
  const boundary = /^multipart\/form-data;\s*boundary=("?)([^";]+)\1\s*$/i.exec(contentType ?? '')?.[2]
  if (!boundary) return 'Content-Type must be multipart/form-data with a boundary'
  const delimiter = Buffer.from(`--${boundary}`)
  const parts: Part[] = []
  let at = body.indexOf(delimiter)
  if (at !== 0) return 'the body does not start with the boundary'
  for (;;) {
    at += delimiter.length
    if (body.subarray(at, at + 2).toString() === '--') break
    if (body.subarray(at, at + 2).toString() !== '\r\n') return 'a boundary line does not end in CRLF'
    at += 2
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), at)
    if (next < 0) return 'a part has no closing boundary'
    const part = body.subarray(at, next)
    const split = part.indexOf('\r\n\r\n')
    if (split < 0) return 'a part has no blank line after its headers'
    const headers: Record<string, string> = {}
    for (const line of part.subarray(0, split).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':')
      if (colon < 1) return `bad part header line ${JSON.stringify(line)}`
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
    }
    const disposition = headers['content-disposition'] ?? ''
    if (!/^form-data\s*;/i.test(disposition)) return 'a part lacks Content-Disposition: form-data'
    const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1]
    const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1]
    parts.push({
      headers,
      ...(name !== undefined ? { name } : {}),
      ...(filename !== undefined ? { filename } : {}),
      body: part.subarray(split + 4),
    })
    at = next + 2
  }
  return parts
}

/**
 * The upload endpoints: the multipart is taken apart, `meta` must come first (compact JSON with
 * `filename` and the lowercase hex `sha256` of the file), then `file`, whose bytes must hash to that
 * sha256; the request's signature must verify over the `meta` JSON (the BODY line). Complaint
 * images uploaded here are served back, unsigned, by `GET /v3/merchant-service/images/{media_id}`.
 */
export function mountMediaRoutes(app: Hono<AppEnv>, ctx: SandboxContext): void {
  const uploads = uploadsOf(ctx)
  const limit = bodyLimit({
    maxSize: MAX_UPLOAD_BYTES,
    onError: () => v3Error(400, 'PARAM_ERROR', `the upload is larger than ${MAX_UPLOAD_BYTES} bytes`),
  })
  for (const [path, field] of Object.entries(UPLOADS)) {
    app.post(path, limit, async (c) => {
      const result = await upload(c, ctx, path)
      if (result instanceof Response) return result
      uploads.push(result)
      const value =
        field === 'media_id' ? result.media_id : `https://wxpaypicture.qpic.cn/sandbox/${result.media_id}`
      return v3Signed(ctx, 200, { [field]: value })
    })
  }
  app.get('/v3/merchant-service/images/:media_id', async (c) => {
    const media_id = c.req.param('media_id')
    if (media_id === 'upload') return v3Error(405, 'INVALID_REQUEST', 'upload takes POST')
    const problem = authenticate(c, ctx, Buffer.alloc(0))
    if (problem) return problem
    const found = uploads.find(
      (u) => u.media_id === media_id && u.path === '/v3/merchant-service/images/upload',
    )
    if (!found) return v3Error(404, 'RESOURCE_NOT_EXISTS', `no image ${media_id}`)
    // Like WeChat Pay: the image itself, without Wechatpay-* signature headers.
    return new Response(new Uint8Array(found.data), {
      status: 200,
      headers: { 'Content-Type': found.contentType },
    })
  })
}

function authenticate(c: Context<AppEnv>, ctx: SandboxContext, signedBody: Buffer): Response | undefined {
  return refuseUnsigned(c, ctx, signedBody)
}

async function upload(
  c: Context<AppEnv>,
  ctx: SandboxContext,
  path: string,
): Promise<UploadedMedia | Response> {
  const body = Buffer.from(await c.req.arrayBuffer())
  const parts = parseMultipart(body, c.req.header('Content-Type'))
  if (typeof parts === 'string') return v3Error(400, 'PARAM_ERROR', `multipart: ${parts}`)
  const [meta, file] = parts
  if (parts.length !== 2 || meta?.name !== 'meta' || file?.name !== 'file')
    return v3Error(400, 'PARAM_ERROR', 'multipart: two parts, `meta` first and then `file`')
  const metaText = meta.body.toString('utf8')
  // The signature covers the meta JSON exactly as sent: check it before reading anything from it.
  const refused = authenticate(c, ctx, meta.body)
  if (refused) return refused
  let fields: { filename?: unknown; sha256?: unknown }
  try {
    fields = JSON.parse(metaText)
  } catch {
    return v3Error(400, 'PARAM_ERROR', 'meta is not JSON')
  }
  if (typeof fields.filename !== 'string' || typeof fields.sha256 !== 'string')
    return v3Error(400, 'PARAM_ERROR', 'meta needs filename and sha256')
  if (!/^[0-9a-f]{64}$/.test(fields.sha256))
    return v3Error(400, 'PARAM_ERROR', 'meta.sha256 must be lowercase hex')
  if (createHash('sha256').update(file.body).digest('hex') !== fields.sha256)
    return v3Error(400, 'PARAM_ERROR', 'meta.sha256 is not the SHA-256 of the file part')
  if (file.filename !== fields.filename)
    return v3Error(400, 'PARAM_ERROR', 'the file part’s filename differs from meta.filename')
  if (!/\.[A-Za-z0-9]+$/.test(fields.filename))
    return v3Error(400, 'PARAM_ERROR', 'the filename needs an extension (.jpg, .png, .bmp, .mp4, …)')
  return {
    media_id: `sandbox-${alnum(40)}`,
    path,
    filename: fields.filename,
    contentType: file.headers['content-type'] ?? 'application/octet-stream',
    meta: metaText,
    data: Buffer.from(file.body),
  }
}
