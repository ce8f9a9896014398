/**
 * `@wxpay/hono`: the `wechatpay()` middleware (`c.var.wechatpay`, options from `env(c)`, clients
 * cached per isolate) and an `app.onError` helper mapping core errors to HTTP answers. Runs on
 * Cloudflare Workers (tested in workerd), Deno, Bun and Node.
 * @module
 */
export {
  ENV_NAMES,
  resolveOptions,
  type WechatpayEnv,
  type WechatpayMiddlewareOptions,
} from './env-options'
export { toHTTPException, type WechatpayErrorBody, wechatpayErrorHandler } from './error-handler'
export { type WechatpayOptionsInput, type WechatpayVariables, wechatpay } from './middleware'
export {
  type NotificationFailurePhase,
  type WechatpayNotificationOptions,
  wechatpayNotification,
  wechatpayNotificationV2,
} from './notification'
