import type { WechatpayOptions, WechatpayStore } from '@wxpay/core'
import { resolveOptions } from '@wxpay/hono'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'

/** What every part of the example needs: client options, the v2 appid, and the sandbox if one was started. */
export interface ExampleConfig {
  options: WechatpayOptions
  appid: string
  /** The embedded gateway, when no `WECHATPAY_*` variable was set. */
  sandbox: Sandbox | undefined
  /**
   * A store of `@wxpay/store` shared by the instances of one app: each notification is applied
   * once across all of them (`@WechatpayEvent({ once })`, `wechatpayNotification(h, { once })`).
   */
  once?: WechatpayStore<unknown>
}

/**
 * Reads `WECHATPAY_*` (the names of `@wxpay/hono`, plus `WECHATPAY_APPID` for v2) from the
 * environment; when none is set, starts `@wxpay/sandbox` in-process and uses its credentials.
 * Real credentials therefore turn the example into a real integration with no code change.
 */
export async function loadConfig(env: NodeJS.ProcessEnv = process.env): Promise<ExampleConfig> {
  const configured = Object.entries(env).some(([name, value]) => name.startsWith('WECHATPAY_') && value)
  if (configured) {
    return { options: resolveOptions({}, env), appid: env.WECHATPAY_APPID ?? '', sandbox: undefined }
  }
  const sandbox = await startSandbox()
  return { options: sandbox.clientOptions(), appid: sandbox.merchant.appid, sandbox }
}

/** The same configuration as `WECHATPAY_*` variables: what a Worker gets as bindings. */
export function toEnv(config: ExampleConfig): Record<string, string> {
  const { options } = config
  const env: Record<string, string> = { WECHATPAY_MCHID: options.mchid, WECHATPAY_APPID: config.appid }
  if (options.serial) env.WECHATPAY_SERIAL = options.serial
  if (options.privateKey) env.WECHATPAY_PRIVATE_KEY = options.privateKey
  // a certificate-mode merchant has no keys to configure: its certificates are downloaded
  if (options.certs && Object.keys(options.certs).length) env.WECHATPAY_CERTS = JSON.stringify(options.certs)
  if (options.autoCertificates !== undefined) {
    const auto = options.autoCertificates
    env.WECHATPAY_AUTO_CERTIFICATES =
      typeof auto === 'object' ? String(auto.intervalMs ?? true) : String(auto)
  }
  if (options.secret) env.WECHATPAY_SECRET = options.secret
  if (options.apiv3Key) env.WECHATPAY_APIV3_KEY = options.apiv3Key
  if (options.baseUrl) env.WECHATPAY_BASE_URL = options.baseUrl
  if (typeof options.backupBaseUrl === 'string') env.WECHATPAY_BACKUP_BASE_URL = options.backupBaseUrl
  return env
}
