import { Hono } from 'hono'
import { mountBillRoutes } from './bill-routes'
import { mountCatalogueRoutes } from './catalogue/routes'
import type { AppEnv, Listener, SandboxContext } from './context'
import { controlRoutes } from './control'
import { mountDashboard } from './dashboard/routes'
import { mountMediaRoutes } from './media-routes'
import { mountPayRoutes } from './pay-routes'
import { mountRefundRoutes } from './refund-routes'
import { requestFaults } from './request-faults'
import { mountV2PayRoutes } from './v2-pay-routes'
import { mountV2Routes } from './v2-routes'
import { mountKeyRoutes } from './v3-key-routes'
import { rawTarget, v3Error } from './v3-respond'
import { mountV3Routes } from './v3-routes'

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
  // every business route, hand-written or from the catalogue: none escapes the faults
  app.use(requestFaults(ctx))
  mountV3Routes(app, ctx)
  mountKeyRoutes(app, ctx)
  mountV2Routes(app, ctx)
  mountMediaRoutes(app, ctx)
  mountBillRoutes(app, ctx)
  mountPayRoutes(app, ctx)
  mountRefundRoutes(app, ctx)
  mountV2PayRoutes(app, ctx)
  // last: every other catalogue endpoint (the routes above win)
  mountCatalogueRoutes(app, ctx, listener)
  app.notFound((c) =>
    v3Error(404, 'NOT_FOUND', `No route for ${c.req.method} ${new URL(c.req.url).pathname}`),
  )
  app.onError((err) => v3Error(500, 'SYSTEM_ERROR', `Sandbox error: ${err.message}`))
  return app
}
