import { setTimeout as sleep } from 'node:timers/promises'
import { Hono, type MiddlewareHandler } from 'hono'
import { mountBillRoutes } from './bill-routes.js'
import type { AppEnv, Listener, SandboxContext } from './context.js'
import { controlRoutes } from './control.js'
import { mountDashboard } from './dashboard/routes.js'
import { mountMediaRoutes } from './media-routes.js'
import { mountPayRoutes } from './pay-routes.js'
import { mountRefundRoutes } from './refund-routes.js'
import { mountV2PayRoutes } from './v2-pay-routes.js'
import { mountV2Routes, v2Fail } from './v2-routes.js'
import { mountKeyRoutes } from './v3-key-routes.js'
import { codeForStatus, rawTarget, v3Error } from './v3-respond.js'
import { mountV3Routes } from './v3-routes.js'

/** The business routes faults apply to. */
const V2_PATHS = ['/pay/closeorder', '/pay/unifiedorder', '/pay/orderquery', '/pay/refundquery']
const V3_PATHS = [
  // place order, query, close
  '/v3/pay/transactions/*',
  '/v3/refund/domestic/refunds',
  '/v3/refund/domestic/refunds/*',
  '/v3/platsolution/ecommerce/recharges/out-recharge-no/*',
  '/v3/certificates',
  '/v3/profitsharing/receivers/add',
  '/v3/bill/*',
  '/v3/billdownload/file',
]

/**
 * Faults that act before the request is handled: latency, then a reset, then an error status
 * (which answers instead of the handler: the state does not change).
 */
function requestFaults(ctx: SandboxContext, protocol: 'v2' | 'v3'): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const latency = ctx.faults.draw('latencyMs')
    if (latency) await sleep(latency, undefined, { signal: ctx.closing })
    if (ctx.faults.draw('resetConnection')) {
      c.env.incoming.socket.resetAndDestroy()
      return new Response(null, { status: 500 })
    }
    const status = ctx.faults.draw('status')
    if (status) {
      const code = codeForStatus(status)
      return protocol === 'v2'
        ? v2Fail(code, status)
        : v3Error(status, code, `Injected fault: HTTP ${status}`)
    }
    await next()
    return undefined
  }
}

/**
 * The gateway as a Hono app, one per listener (they share `ctx`, so state and faults are common).
 */
export function createApp(ctx: SandboxContext, listener: Listener): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.route('/sandbox', controlRoutes(ctx))
  mountDashboard(app, ctx)
  app.use(async (c, next) => {
    const target = rawTarget(c)
    const query = target.indexOf('?')
    ctx.requests.push({
      listener,
      method: c.req.method,
      path: query < 0 ? target : target.slice(0, query),
      target,
      at: ctx.clock.now(),
    })
    await next()
  })
  for (const path of V3_PATHS) app.use(path, requestFaults(ctx, 'v3'))
  for (const path of V2_PATHS) app.use(path, requestFaults(ctx, 'v2'))
  mountV3Routes(app, ctx)
  mountKeyRoutes(app, ctx)
  mountV2Routes(app, ctx)
  mountMediaRoutes(app, ctx)
  mountBillRoutes(app, ctx)
  mountPayRoutes(app, ctx)
  mountRefundRoutes(app, ctx)
  mountV2PayRoutes(app, ctx)
  app.notFound((c) =>
    v3Error(404, 'NOT_FOUND', `No route for ${c.req.method} ${new URL(c.req.url).pathname}`),
  )
  app.onError((err) => v3Error(500, 'SYSTEM_ERROR', `Sandbox error: ${err.message}`))
  return app
}
