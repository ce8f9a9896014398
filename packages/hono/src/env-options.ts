import { type WechatpayOptions, WechatpayValidationError } from '@wxpay/core'

/**
 * Options of the `wechatpay()` middleware: those of `new Wechatpay()`, every one optional
 * because a field left out is read from the environment (see {@link ENV_NAMES}).
 */
export type WechatpayMiddlewareOptions = Partial<WechatpayOptions>

/** The environment variable (Workers binding, `process.env` entry) behind each option. */
export const ENV_NAMES = {
  mchid: 'WECHATPAY_MCHID',
  serial: 'WECHATPAY_SERIAL',
  privateKey: 'WECHATPAY_PRIVATE_KEY',
  certs: 'WECHATPAY_CERTS',
  secret: 'WECHATPAY_SECRET',
  apiv3Key: 'WECHATPAY_APIV3_KEY',
  autoCertificates: 'WECHATPAY_AUTO_CERTIFICATES',
  certificateAnchor: 'WECHATPAY_CERTIFICATE_ANCHOR',
  baseUrl: 'WECHATPAY_BASE_URL',
  backupBaseUrl: 'WECHATPAY_BACKUP_BASE_URL',
  timeout: 'WECHATPAY_TIMEOUT',
  certificatesEndpoint: 'WECHATPAY_CERTIFICATES_ENDPOINT',
  // clientCert (APIv2 mutual TLS) is not read from the environment: it is for the Node transport;
  // on Workers an injected `fetch` (an mTLS binding) carries the client certificate. Functions and
  // policies (signer, hooks, debug, retry), the Node-only network settings (proxy, connectTimeout)
  // and `store` (a Redis client, a pool, a binding) are code, given as options, not environment strings.
} as const satisfies Record<
  Exclude<
    keyof WechatpayOptions,
    'fetch' | 'clientCert' | 'signer' | 'hooks' | 'debug' | 'retry' | 'proxy' | 'connectTimeout' | 'store'
  >,
  string
>

type EnvOption = keyof typeof ENV_NAMES

/** What the environment may hold: strings, or (Wrangler JSON `[vars]`) numbers and objects. */
export type WechatpayEnv = Readonly<Record<string, unknown>>

/** A string variable, or `undefined` when unset or empty (`WECHATPAY_SECRET=` means "not set"). */
function text(env: WechatpayEnv, option: EnvOption): string | undefined {
  const value = env[ENV_NAMES[option]]
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value === 'number') return String(value)
  if (typeof value !== 'string') {
    throw new WechatpayValidationError(option, `${ENV_NAMES[option]} must be a string`)
  }
  return value
}

// The variable rarely changes: parse it once, not on every request (the result is never mutated).
let lastCerts: { raw: unknown; certs: Record<string, string> | undefined } = {
  raw: undefined,
  certs: undefined,
}

/** `WECHATPAY_CERTS`: a JSON object of serial → PEM (a JSON string, or an object from Wrangler vars). */
function certsFrom(env: WechatpayEnv): Record<string, string> | undefined {
  const raw = env[ENV_NAMES.certs]
  if (raw === undefined || raw === null || raw === '') return undefined
  if (typeof raw === 'string' && raw === lastCerts.raw) return lastCerts.certs
  let parsed: unknown = raw
  if (typeof raw === 'string') {
    try {
      parsed = JSON.parse(raw)
    } catch {
      // never echo the value: it is configuration, and a neighbour of secrets
      throw new WechatpayValidationError('certs', 'WECHATPAY_CERTS is not valid JSON')
    }
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new WechatpayValidationError('certs', 'WECHATPAY_CERTS must be a JSON object of serial → PEM')
  }
  // PEMs are handed over as they are: the core reads `\n`-escaped one-line PEMs itself, and
  // rejects a non-string value naming `certs["<serial>"]`
  const certs = { ...parsed } as Record<string, string>
  lastCerts = { raw, certs }
  return certs
}

function timeoutFrom(env: WechatpayEnv): number | undefined {
  const raw = text(env, 'timeout')
  if (raw === undefined) return undefined
  const timeout = Number(raw)
  if (!Number.isFinite(timeout)) {
    throw new WechatpayValidationError('timeout', 'WECHATPAY_TIMEOUT must be a number of milliseconds')
  }
  return timeout
}

/**
 * `WECHATPAY_AUTO_CERTIFICATES`: `true` / `false`, or a refresh interval in milliseconds (also a
 * boolean or a number from Wrangler JSON vars).
 */
function autoCertificatesFrom(env: WechatpayEnv): WechatpayOptions['autoCertificates'] {
  const raw = env[ENV_NAMES.autoCertificates]
  if (typeof raw === 'boolean') return raw
  const value = text(env, 'autoCertificates')?.trim()
  if (value === undefined) return undefined
  if (value === 'true') return true
  if (value === 'false') return false
  if (/^\d+$/.test(value)) return { intervalMs: Number(value) }
  throw new WechatpayValidationError(
    'autoCertificates',
    'WECHATPAY_AUTO_CERTIFICATES must be true, false or a refresh interval in milliseconds',
  )
}

function backupFrom(env: WechatpayEnv): string | false | undefined {
  const raw = text(env, 'backupBaseUrl')
  return raw === 'false' ? false : raw
}

/**
 * Completes `given` from `env`: a field that is `undefined` in `given` is read from its variable.
 * Only the variables of missing fields are read, so a bad `WECHATPAY_CERTS` is harmless when
 * `certs` is given. Throws `WechatpayValidationError` (naming the option, never its value) for a
 * variable that cannot be parsed.
 *
 * @example
 * ```ts
 * resolveOptions({ baseUrl: sandboxUrl }, { WECHATPAY_MCHID: '1900000109', WECHATPAY_SECRET: '…' })
 * // → { mchid: '1900000109', secret: '…', baseUrl: sandboxUrl }
 * ```
 */
export function resolveOptions(given: WechatpayMiddlewareOptions, env: WechatpayEnv): WechatpayOptions {
  const options: WechatpayMiddlewareOptions = { ...given }
  const fill = <K extends EnvOption>(option: K, read: () => WechatpayOptions[K] | undefined) => {
    if (options[option] !== undefined) return
    const value = read()
    if (value !== undefined) options[option] = value
  }
  fill('mchid', () => text(env, 'mchid'))
  fill('serial', () => text(env, 'serial'))
  fill('privateKey', () => text(env, 'privateKey'))
  fill('certs', () => certsFrom(env))
  fill('secret', () => text(env, 'secret'))
  fill('apiv3Key', () => text(env, 'apiv3Key'))
  fill('autoCertificates', () => autoCertificatesFrom(env))
  fill('certificateAnchor', () => text(env, 'certificateAnchor'))
  fill('baseUrl', () => text(env, 'baseUrl'))
  fill('backupBaseUrl', () => backupFrom(env))
  fill('timeout', () => timeoutFrom(env))
  // the core checks the value (one of its three certificate endpoints) and names the option
  fill(
    'certificatesEndpoint',
    () => text(env, 'certificatesEndpoint') as WechatpayOptions['certificatesEndpoint'],
  )
  // `mchid` is the one field every client needs; the core names it if it is still missing
  return options as WechatpayOptions
}
