import { isIP } from 'node:net'
import { Hono, type MiddlewareHandler } from 'hono'
import type { AppEnv, SandboxContext } from './context'
import { type FaultSpec, FaultSpecError } from './faults'
import { payAndNotify, settleAndNotify } from './notify-events'
import { failOrder, type OrderInput, type PayInput, type RechargeInput, SandboxInputError } from './state'

function isLoopback(address: string | undefined): boolean {
  if (!address) return false
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address
  return (isIP(v4) === 4 && v4.startsWith('127.')) || address === '::1'
}

function problem(status: 400 | 403 | 404, code: string, message: string): Response {
  return Response.json({ code, message }, { status })
}

async function jsonBody(req: Request): Promise<Record<string, unknown>> {
  const text = await req.text()
  let value: unknown
  try {
    value = text === '' ? {} : JSON.parse(text)
  } catch {
    throw new SandboxInputError('the body must be JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SandboxInputError('the body must be a JSON object')
  }
  return value as Record<string, unknown>
}

/** The guard of the control routes and the dashboard: loopback clients only (403 for anyone else). */
export const loopbackOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!isLoopback(c.env.incoming.socket.remoteAddress)) {
    return problem(403, 'NO_AUTH', 'The /sandbox routes and the dashboard answer loopback clients only')
  }
  await next()
  return undefined
}

/**
 * A page of another site must not drive the sandbox through the browser of the person using it:
 * a request that says it comes from another origin is refused.
 */
export const sameOriginOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  const origin = c.req.header('origin')
  const site = c.req.header('sec-fetch-site')
  if ((origin !== undefined && origin !== new URL(c.req.url).origin) || site === 'cross-site') {
    return problem(403, 'NO_AUTH', "The /sandbox routes answer the dashboard's own pages, not other sites")
  }
  await next()
  return undefined
}

/**
 * Test-only control routes under `/sandbox/…`: seed and read state, set faults, move the clock,
 * read the request log. JSON, no authentication, loopback clients only; faults never apply here.
 */
export function controlRoutes(ctx: SandboxContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use(loopbackOnly, sameOriginOnly)
  app.onError((err) => {
    if (err instanceof SandboxInputError || err instanceof FaultSpecError) {
      return problem(400, 'PARAM_ERROR', err.message)
    }
    return Response.json({ code: 'SYSTEM_ERROR', message: err.message }, { status: 500 })
  })

  app.post('/orders', async (c) =>
    c.json(ctx.orders.create((await jsonBody(c.req.raw)) as unknown as OrderInput), 201),
  )
  app.get('/orders/:no', (c) => {
    const order = ctx.orders.get(c.req.param('no'))
    return order ? c.json(order) : problem(404, 'ORDER_NOT_EXIST', 'No such order')
  })
  app.post('/orders/:no/pay', async (c) =>
    c.json(await payAndNotify(ctx, c.req.param('no'), (await jsonBody(c.req.raw)) as PayInput)),
  )
  app.post('/orders/:no/fail', (c) => c.json(failOrder(ctx.orders.map, c.req.param('no'))))
  app.post('/recharges', async (c) =>
    c.json(ctx.recharges.create((await jsonBody(c.req.raw)) as unknown as RechargeInput), 201),
  )
  app.get('/recharges/:no', (c) => {
    const recharge = ctx.recharges.get(c.req.param('no'))
    return recharge ? c.json(recharge) : problem(404, 'ORDER_NOT_EXIST', 'No such recharge')
  })

  app.get('/refunds', (c) => c.json(ctx.refunds.list(c.req.query('out_trade_no'))))
  app.get('/refunds/:no', (c) => {
    const refund = ctx.refunds.get(c.req.param('no'))
    return refund ? c.json(refund) : problem(404, 'RESOURCE_NOT_EXISTS', 'No such refund')
  })
  for (const [action, status] of [
    ['succeed', 'SUCCESS'],
    ['abnormal', 'ABNORMAL'],
    ['close', 'CLOSED'],
  ] as const) {
    app.post(`/refunds/:no/${action}`, async (c) =>
      c.json(await settleAndNotify(ctx, c.req.param('no'), status)),
    )
  }

  app.get('/faults', (c) => c.json(ctx.faults.current()))
  app.post('/faults', async (c) => {
    const { seed, ...spec } = await jsonBody(c.req.raw)
    if (seed !== undefined) {
      if (typeof seed !== 'number') throw new SandboxInputError('seed must be a number')
      ctx.faults.seed(seed)
    }
    await ctx.faults.set(spec as FaultSpec)
    return c.json(ctx.faults.current())
  })
  app.delete('/faults', async (c) => {
    await ctx.faults.clear()
    return c.body(null, 204)
  })

  app.get('/clock', (c) => c.json({ nowMs: ctx.clock.now() }))
  app.post('/clock', async (c) => {
    const { advanceSeconds, nowMs, reset } = await jsonBody(c.req.raw)
    if (reset === true) ctx.clock.reset()
    if (nowMs !== undefined) {
      if (typeof nowMs !== 'number') throw new SandboxInputError('nowMs must be a number')
      ctx.clock.set(nowMs)
    }
    if (advanceSeconds !== undefined) {
      if (typeof advanceSeconds !== 'number') throw new SandboxInputError('advanceSeconds must be a number')
      ctx.clock.advance(advanceSeconds)
    }
    return c.json({ nowMs: ctx.clock.now() })
  })

  app.get('/requests', (c) => c.json([...ctx.requests]))
  app.delete('/requests', (c) => {
    ctx.requests.clear()
    return c.body(null, 204)
  })

  app.get('/notifications', (c) => c.json([...ctx.notifier.log]))
  // long-polls until no notification is pending, then answers the log
  // Long-polls until no notification is pending, then answers the log; at most `?timeout=` ms
  // (default 30 000, at most 600 000): a real-time schedule lasts 24 h, no request should wait for
  // it. Past the timeout: 408 NOT_SETTLED with the log so far.
  app.get('/notifications/settled', async (c) => {
    const given = c.req.query('timeout')
    const timeout = given === undefined ? 30_000 : Number(given)
    if (!Number.isFinite(timeout) || timeout < 0 || timeout > 600_000)
      return c.json({ code: 'PARAM_ERROR', message: 'timeout must be milliseconds from 0 to 600000' }, 400)
    let timer: ReturnType<typeof setTimeout> | undefined
    const settled = await Promise.race([
      ctx.notifier.settled().then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeout)
      }),
    ])
    clearTimeout(timer)
    if (settled) return c.json([...ctx.notifier.log])
    return c.json(
      {
        code: 'NOT_SETTLED',
        message: `notifications are still pending after ${timeout} ms (a real-time retry schedule lasts 24 h: start the sandbox with a notifyTimeScale)`,
        notifications: [...ctx.notifier.log],
      },
      408,
    )
  })
  app.delete('/notifications', (c) => {
    ctx.notifier.log.clear()
    return c.body(null, 204)
  })

  app.get('/credentials', (c) =>
    c.json({
      ...ctx.urls,
      merchant: ctx.keys.merchant,
      platform: {
        serial: ctx.keys.platform.serial,
        publicKey: ctx.keys.platform.publicKey,
        mode: ctx.platform.mode,
        certificates: ctx.platform.certificates.map(({ serial, certificate }) => ({ serial, certificate })),
      },
    }),
  )
  return app
}
