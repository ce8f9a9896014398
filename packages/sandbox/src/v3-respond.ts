import type { Context } from 'hono'
import { unixSeconds } from './clock'
import type { AppEnv, SandboxContext } from './context'
import { replySigner } from './platform'
import { hexUpper } from './random'
import { checkV3Request } from './v3-auth'
import { type SignatureTamper, signedReplyHeaders } from './v3-reply'

/** WeChat's APIv3 error body. */
export interface V3ErrorBody {
  code: string
  message: string
  detail?: Record<string, unknown>
}

/** A fresh `Request-ID`: every v3 reply carries one, errors included. */
export function newRequestId(): string {
  return hexUpper(16)
}

/** The error code WeChat uses for a bare HTTP status (used by the `status` fault). */
export function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'PARAM_ERROR'
    case 401:
      return 'SIGN_ERROR'
    case 403:
      return 'NO_AUTH'
    case 404:
      return 'ORDER_NOT_EXIST'
    case 429:
      return 'FREQUENCY_LIMITED'
    case 502:
    case 503:
      return 'SERVICE_UNAVAILABLE'
    default:
      return status >= 500 ? 'SYSTEM_ERROR' : 'INVALID_REQUEST'
  }
}

/** A non-2xx APIv3 reply: `{code, message, detail?}`, `Request-ID`, not signed (docs/protocol.md). */
export function v3Error(
  status: number,
  code: string,
  message: string,
  detail?: Record<string, unknown>,
): Response {
  const body: V3ErrorBody = detail ? { code, message, detail } : { code, message }
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Request-ID': newRequestId() },
  })
}

/**
 * A 2xx APIv3 reply signed with the platform key; the signature faults (`badSignature`,
 * `signtestProbe`, `clockSkewSeconds`) are drawn here, once per signed reply.
 */
export function v3Signed(ctx: SandboxContext, status: number, body?: unknown): Response {
  const text = body === undefined ? '' : JSON.stringify(body)
  let tamper: SignatureTamper = 'none'
  if (ctx.faults.draw('signtestProbe')) tamper = 'signtest'
  else if (ctx.faults.draw('badSignature')) tamper = 'bad'
  const skew = ctx.faults.draw('clockSkewSeconds') ?? 0
  const timestamp = unixSeconds(ctx.clock.now()) + Math.trunc(skew)
  const headers: Record<string, string> = {
    ...signedReplyHeaders(text, timestamp, replySigner(ctx.keys, ctx.platform), tamper),
    'Request-ID': newRequestId(),
  }
  if (text !== '') headers['Content-Type'] = 'application/json; charset=utf-8'
  return new Response(text === '' ? null : text, { status, headers })
}

/** The raw request target (path and query exactly as sent), which is what the client signed. */
export function rawTarget(c: Context<AppEnv>): string {
  return c.env.incoming.url ?? new URL(c.req.url).pathname
}

/**
 * The one APIv3 authentication of every route: the request's signature checked over `signedBody`
 * (the raw body; the `meta` JSON of an upload; empty for a GET). `undefined` means authentic, a
 * `Response` is the `401 SIGN_ERROR` to send.
 */
export function refuseUnsigned(
  c: Context<AppEnv>,
  ctx: SandboxContext,
  signedBody: Uint8Array,
): Response | undefined {
  const problem = checkV3Request(
    {
      method: c.req.method,
      target: rawTarget(c),
      authorization: c.req.header('Authorization'),
      body: signedBody,
    },
    {
      mchid: ctx.keys.merchant.mchid,
      serial: ctx.keys.merchant.serial,
      publicKey: ctx.keys.merchantPublicKey,
      nowSeconds: unixSeconds(ctx.clock.now()),
    },
  )
  return problem ? v3Error(401, 'SIGN_ERROR', `Signature verification failed: ${problem}`) : undefined
}
