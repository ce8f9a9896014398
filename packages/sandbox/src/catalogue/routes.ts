// Every catalogue endpoint the hand-written routes do not serve, answered from the catalogue (like
// stripe-mock): registered last, so the stateful routes of the payment lifecycle win.
import type { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { AppEnv, Listener, SandboxContext } from '../context'
import { v2Fail } from '../v2-routes'
import { rawTarget, v3Error } from '../v3-respond'
import { matchEndpoint } from './table'
import { answerV2 } from './v2'
import { answerV3 } from './v3'

/** Largest request body of a catalogue endpoint (uploads included). */
const MAX_BODY_BYTES = 5 * 1024 * 1024

/** Whether a wire path is an APIv3 one (`/v3/…`, `/hk/v3/…`, `/global/v3/…`). */
export function isV3Path(path: string): boolean {
  return /^\/(?:hk\/|global\/)?v3\//.test(path)
}

/**
 * Answers every catalogue endpoint on `app`. The mutual-TLS listener answers only the endpoints
 * that need the merchant certificate; the others refuse those with `CERT_ERROR`.
 */
export function mountCatalogueRoutes(app: Hono<AppEnv>, ctx: SandboxContext, listener: Listener): void {
  const limit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) =>
      isV3Path(new URL(c.req.url).pathname)
        ? v3Error(413, 'PARAM_ERROR', `the body is larger than ${MAX_BODY_BYTES} bytes`)
        : v2Fail('XML_FORMAT_ERROR'),
  })
  app.all('*', limit, async (c, next) => {
    const target = rawTarget(c)
    const query = target.indexOf('?')
    const path = query < 0 ? target : target.slice(0, query)
    const match = matchEndpoint(c.req.method, path)
    // not a catalogue endpoint (or not one of this listener's): the routes after this one, or 404
    if (!match || (listener === 'mtls' && match.endpoint && !match.endpoint.apiCert)) return next()
    const v3 = isV3Path(path)
    if (!match.endpoint)
      return v3
        ? v3Error(405, 'INVALID_REQUEST', `${path} takes ${match.methods.join(', ')}, not ${c.req.method}`)
        : v2Fail(`REQUIRE_${match.methods[0]}_METHOD`)
    return v3 ? answerV3(c, ctx, match.endpoint, match.params) : answerV2(c, ctx, match.endpoint, listener)
  })
}
