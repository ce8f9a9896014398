import { DELETE_BODIES, HOSTS, URI_QUIRKS } from '../endpoints/catalogue/table'
import { checkEndpointRules } from '../endpoints/rules'
import { WechatpayValidationError } from '../errors'
import { type Config, DEFAULT_BASE_URL } from '../options'
import type { LooseRequestOptions, Verb, WechatpayResponse } from '../types/call'
import { expandPath, queryString } from '../uri-template'
import { callV2 } from '../v2/request'
import { callV3 } from '../v3/request'
import type { Context } from './context'
import { checkHeaders } from './headers'
import { checkSignal, checkTimeout } from './send'

/**
 * The catalogue's retry keys (22 KB minified, generated), imported the first time a client with
 * `retry` makes a non-GET call: a client without retries, and a Worker that never sets one, does
 * not load or evaluate it.
 */
let retryKeyed: Promise<ReadonlyMap<string, string>> | undefined
function loadRetryKeyed(): Promise<ReadonlyMap<string, string>> {
  retryKeyed ??= import('../endpoints/catalogue/retry').then(
    (module) => module.RETRY_KEYED,
    (err: unknown) => {
      retryKeyed = undefined
      throw err
    },
  )
  return retryKeyed
}

const RESERVED_OPTIONS = new Set(['json', 'xml', 'media', 'query', 'headers', 'signal', 'timeout'])

/** A call as both API versions take it: expanded, checked, not yet signed. */
export interface PreparedCall {
  method: string
  /** The template as called (after the catalogue's URI quirks). */
  template: string
  /** The expanded path, without the base URL's path or `v2/`. */
  path: string
  pathAndQuery: string
  headers: Record<string, string>
  timeout: number | undefined
  signal: AbortSignal | undefined
  bases: Pick<Config, 'baseUrl' | 'backupBaseUrl'>
  /** Whether a retry cannot act twice: a GET, or the endpoint's merchant id is in the request. */
  idempotent: boolean
}

/**
 * Where a call goes: the few endpoints served on another host (`fraud.mch…`, `apihk.mch…` for
 * `global/v3/customs/*`, `payapp…`) go there, without a backup, when the client uses the default
 * gateway; a client given its own `baseUrl` (a sandbox, a proxy) sends everything to it.
 */
function basesFor(config: Config, template: string): Pick<Config, 'baseUrl' | 'backupBaseUrl'> {
  const host = HOSTS.get(template)
  if (!host || config.baseUrl.href !== DEFAULT_BASE_URL) return config
  return { baseUrl: new URL(`https://${host}/`), backupBaseUrl: undefined }
}

/** Whether `value` holds a non-empty id. */
function present(value: unknown): boolean {
  return (typeof value === 'string' && value !== '') || typeof value === 'number'
}

/**
 * A call through the chain: expand → (v3/request.ts | v2/request.ts: sign → the one door → verify
 * → decode). Every validation happens before the first byte is sent.
 */
export async function call(
  context: Context,
  verb: Verb,
  template: string,
  options: LooseRequestOptions = {},
): Promise<WechatpayResponse<unknown>> {
  if (!options || typeof options !== 'object')
    throw new WechatpayValidationError('options', 'must be an object')
  if (template === '') throw new WechatpayValidationError('path', 'is empty: chain at least one segment')
  const { config } = context
  // The catalogue's URI quirks: an upper-case or trailing-slash URI reached by its chain spelling.
  template = URI_QUIRKS.get(template) ?? template
  const isV2 = template === 'v2' || template.startsWith('v2/')
  const variables: Record<string, unknown> = {}
  for (const key of Object.keys(options)) if (!RESERVED_OPTIONS.has(key)) variables[key] = options[key]
  const path = expandPath(isV2 ? template.slice(3) : template, variables)
  // Rules of this one endpoint (the `out_trade_no` shape, …), by its template.
  checkEndpointRules(template, options)
  const query = queryString(options.query)
  const timeout = options.timeout === undefined ? undefined : checkTimeout(options.timeout)
  const signal = checkSignal(options.signal)
  const headers = checkHeaders(options.headers)
  const method = verb.toUpperCase()
  const bodyOption = isV2 ? 'xml' : 'json'
  // fetch refuses a GET body; WeChat Pay reads a DELETE body only on the few endpoints the
  // catalogue lists with one (DELETE_BODIES), so anywhere else it is a mistake caught before I/O.
  if (method === 'GET' || (method === 'DELETE' && !DELETE_BODIES.has(template))) {
    if (options[bodyOption] !== undefined)
      throw new WechatpayValidationError(
        bodyOption,
        `a ${method} request has no body: send it with post, put or patch`,
      )
  }
  let idempotent = method === 'GET'
  if (!idempotent && config.retry.retries > 0) {
    const key = (await loadRetryKeyed()).get(`${method} ${template}`)
    const body = options[bodyOption] as Record<string, unknown> | undefined
    idempotent = key !== undefined && (present(variables[key]) || present(body?.[key]))
  }
  const prepared: PreparedCall = {
    method,
    template,
    path,
    pathAndQuery: `${config.baseUrl.pathname}${path}${query}`,
    headers,
    timeout,
    signal,
    bases: basesFor(config, template),
    idempotent,
  }
  return isV2 ? callV2(context, prepared, options) : callV3(context, prepared, options)
}
