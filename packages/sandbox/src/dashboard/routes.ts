import { type Context, Hono } from 'hono'
import { streamSSE } from 'hono/streaming'
import QRCode from 'qrcode'
import type { AppEnv, SandboxContext } from '../context'
import { loopbackOnly, sameOriginOnly } from '../control'
import { envLines } from '../env-lines'
import { FaultSpecError } from '../faults'
import { payAndNotify } from '../notify-events'
import { placements } from '../pay-routes'
import { rotate } from '../platform'
import { failOrder, SandboxInputError } from '../state'
import { dashboardScript } from './client'
import { DASHBOARD_CSS, DASHBOARD_HTML } from './page'
import { dashboardState } from './snapshot'

/** How often the event stream looks for a change to push, in milliseconds. */
const STREAM_INTERVAL_MS = 250

/** The env lines whose values are secrets, masked until the page asks for them. */
const SECRET_LINES = /^(WECHATPAY_PRIVATE_KEY|WECHATPAY_SECRET|WECHATPAY_APIV3_KEY)=.*$/

function problem(status: 400 | 403 | 404, code: string, message: string): Response {
  return Response.json({ code, message }, { status })
}

function envOf(ctx: SandboxContext, reveal: boolean): string[] {
  const lines = envLines({
    url: ctx.urls.url,
    backupUrl: ctx.urls.backupUrl,
    merchant: ctx.keys.merchant,
    platform: {
      serial: ctx.keys.platform.serial,
      publicKey: ctx.keys.platform.publicKey,
      mode: ctx.platform.mode,
    },
  })
  return reveal ? lines : lines.map((line) => line.replace(SECRET_LINES, '$1=••••••••'))
}

async function qrSvg(c: Context<AppEnv>, ctx: SandboxContext): Promise<Response> {
  const order = ctx.orders.map.get(c.req.param('no') ?? '')
  const codeUrl = order && placements.get(order)?.reply.code_url
  if (!codeUrl) return problem(404, 'RESOURCE_NOT_EXISTS', 'No Native code_url for this order')
  const svg = await QRCode.toString(codeUrl, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' })
  return c.body(svg, 200, { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'no-store' })
}

function dashboardApi(ctx: SandboxContext): Hono<AppEnv> {
  const api = new Hono<AppEnv>()
  api.use(loopbackOnly, sameOriginOnly)
  api.onError((err) => {
    if (err instanceof SandboxInputError || err instanceof FaultSpecError || err instanceof TypeError) {
      return problem(400, 'PARAM_ERROR', err.message)
    }
    return Response.json({ code: 'SYSTEM_ERROR', message: err.message }, { status: 500 })
  })
  api.get('/app.js', (c) =>
    c.body(dashboardScript(), 200, { 'Content-Type': 'text/javascript; charset=utf-8' }),
  )
  api.get('/style.css', (c) => c.body(DASHBOARD_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' }))
  api.get('/state', (c) => c.json(dashboardState(ctx)))
  api.get('/events', (c) =>
    streamSSE(c, async (stream) => {
      let last = ''
      while (!stream.aborted && !stream.closed && !ctx.closing.aborted) {
        const { now, ...state } = dashboardState(ctx)
        const data = JSON.stringify(state)
        // pushed when something changed, not for the clock alone
        if (data !== last) {
          last = data
          await stream.writeSSE({ event: 'state', data: JSON.stringify({ now, ...state }) })
        }
        await stream.sleep(STREAM_INTERVAL_MS)
      }
    }),
  )
  api.get('/env', (c) => c.json({ lines: envOf(ctx, c.req.query('reveal') === '1') }))
  api.get('/orders/:no/qr.svg', (c) => qrSvg(c, ctx))
  // the same code paths as sb.orders.pay() / fail(), sb.platform.rotate() and the notifier's own retries
  api.post('/orders/:no/pay', async (c) => c.json(await payAndNotify(ctx, c.req.param('no'))))
  api.post('/orders/:no/fail', (c) => c.json(failOrder(ctx.orders.map, c.req.param('no'))))
  api.post('/deliveries/:id/redeliver', (c) =>
    ctx.notifier.redeliver(c.req.param('id'))
      ? c.body(null, 204)
      : problem(400, 'PARAM_ERROR', 'No such delivery, or an attempt is in flight'),
  )
  api.post('/platform/rotate', async (c) => c.json(await rotate(ctx.platform), 201))
  return api
}

/**
 * The dashboard: the page at `GET /` and its JSON, event stream and actions under
 * `/sandbox/dashboard/…`, for loopback clients only. Mounted before the request log, so the
 * dashboard's own requests stay out of `sb.requests`.
 */
export function mountDashboard(app: Hono<AppEnv>, ctx: SandboxContext): void {
  app.get('/', loopbackOnly, (c) => c.html(DASHBOARD_HTML, 200, { 'Cache-Control': 'no-store' }))
  app.route('/sandbox/dashboard', dashboardApi(ctx))
}
