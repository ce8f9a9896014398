import { setTimeout as sleep } from 'node:timers/promises'
import type { MiddlewareHandler } from 'hono'
import { isV3Path } from './catalogue/routes'
import type { AppEnv, SandboxContext } from './context'
import { v2Fail } from './v2-routes'
import { codeForStatus, rawTarget, v3Error } from './v3-respond'

/**
 * Faults that act before a business request is handled: latency, then a reset, then an error
 * status (which answers instead of the handler: the state does not change). Used once per app,
 * before every business route, so that no route escapes them. All three are drawn when the request
 * arrives: a request still sleeping on its latency (its caller long gone) must not use up a count
 * meant for the requests that come after it.
 */
export function requestFaults(ctx: SandboxContext): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const latency = ctx.faults.draw('latencyMs')
    const reset = ctx.faults.draw('resetConnection')
    const status = reset ? undefined : ctx.faults.draw('status')
    if (latency) await sleep(latency, undefined, { signal: ctx.closing })
    if (reset) {
      c.env.incoming.socket.resetAndDestroy()
      return new Response(null, { status: 500 })
    }
    if (status) {
      const code = codeForStatus(status)
      return isV3Path(rawTarget(c))
        ? v3Error(status, code, `Injected fault: HTTP ${status}`)
        : v2Fail(code, status)
    }
    await next()
    return undefined
  }
}
