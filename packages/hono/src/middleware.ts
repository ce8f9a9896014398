import type { Wechatpay } from '@wxpay/core'
import { WechatpayValidationError } from '@wxpay/core'
import type { Context, Env, MiddlewareHandler } from 'hono'
import { env } from 'hono/adapter'
import { createMiddleware } from 'hono/factory'
import { HTTPException } from 'hono/http-exception'
import { clientFor } from './client-cache'
import { ENV_NAMES, resolveOptions, type WechatpayEnv, type WechatpayMiddlewareOptions } from './env-options'

/** The variables the middleware sets: `c.var.wechatpay`. */
export type WechatpayVariables = {
  /** The WeChat Pay client of this request's configuration, shared by every request that has it. */
  wechatpay: Wechatpay
}

declare module 'hono' {
  interface ContextVariableMap {
    wechatpay: Wechatpay
  }
}

/** Options given as they are, or computed per request (e.g. per tenant) from the context. */
export type WechatpayOptionsInput<E extends Env = Env> =
  | WechatpayMiddlewareOptions
  | ((c: Context<E>) => WechatpayMiddlewareOptions | Promise<WechatpayMiddlewareOptions>)

const TAG = '[@wxpay/hono]'

/** Logs which option is wrong (never its value) and answers 500 with a body that says nothing more. */
function misconfigured(err: WechatpayValidationError): never {
  // `certs["<serial>"]`, `xml.out_trade_no` → the option at the root
  const root = err.option.split(/[.[]/)[0] as keyof typeof ENV_NAMES
  const variable = ENV_NAMES[root] ? ` (or env ${ENV_NAMES[root]})` : ''
  // the core's message starts with the option's name; say it once
  const reason = err.message.startsWith(`${err.option}: `)
    ? err.message.slice(err.option.length + 2)
    : err.message
  console.error(`${TAG} invalid WeChat Pay option \`${err.option}\`${variable}: ${reason}`)
  const body = {
    error: 'InternalServerError',
    code: 'WECHATPAY_MISCONFIGURED',
    message: 'The payment service is not configured correctly.',
  }
  throw new HTTPException(500, { res: Response.json(body, { status: 500 }), cause: err })
}

/**
 * Hono middleware that sets `c.var.wechatpay` to a `Wechatpay` client. Any option not given is
 * read from the environment (`env(c)` of `hono/adapter`: Workers bindings, `process.env` on
 * Node and Bun, `Deno.env`): `WECHATPAY_MCHID`, `WECHATPAY_SERIAL`, `WECHATPAY_PRIVATE_KEY`,
 * `WECHATPAY_CERTS` (JSON), `WECHATPAY_SECRET`, `WECHATPAY_BASE_URL`, `WECHATPAY_BACKUP_BASE_URL`,
 * `WECHATPAY_TIMEOUT`.
 *
 * Clients are cached per isolate by their configuration, so keys are imported once, not per
 * request. A configuration the core rejects answers 500 and logs the option at fault (never a
 * secret) with `console.error`; the rejection is cached too.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono'
 * import { wechatpay, wechatpayErrorHandler } from '@wxpay/hono'
 *
 * const app = new Hono<{ Bindings: { WECHATPAY_MCHID: string } }>()
 * app.use('/pay/*', wechatpay()) // everything from env: WECHATPAY_MCHID, WECHATPAY_PRIVATE_KEY, …
 * app.post('/pay/orders/:no/close', async (c) => {
 *   await c.var.wechatpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
 *     out_trade_no: c.req.param('no'),
 *     json: { mchid: c.env.WECHATPAY_MCHID },
 *   })
 *   return c.body(null, 204)
 * })
 *
 * // or per request, e.g. per tenant; fields left out still come from env
 * app.use('/shops/:shop/*', wechatpay((c) => ({ mchid: shops[c.req.param('shop')].mchid })))
 * app.onError(wechatpayErrorHandler)
 * ```
 */
export function wechatpay<E extends Env = Env>(
  options: WechatpayOptionsInput<E> = {},
): MiddlewareHandler<E & { Variables: WechatpayVariables }> {
  return createMiddleware<E & { Variables: WechatpayVariables }>(async (c, next) => {
    let entry: ReturnType<typeof clientFor>
    try {
      const given = typeof options === 'function' ? await options(c as unknown as Context<E>) : options
      entry = clientFor(resolveOptions(given, (env(c) ?? {}) as WechatpayEnv))
    } catch (err) {
      if (err instanceof WechatpayValidationError) misconfigured(err)
      throw err
    }
    if (entry.error) misconfigured(entry.error)
    c.set('wechatpay', entry.client)
    await next()
  })
}
