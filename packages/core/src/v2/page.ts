// Page endpoints (docs/protocol-3.md, "Page endpoints"): URLs the user's browser opens (a 302 or an
// HTML page), built and signed here, never fetched. Which paths are pages, and which carry a sign,
// is the generated table's PAGES (the catalogue's `kind: page`, and whether it lists `sign`).
import { HOSTS, PAGES, type PagePath } from '../endpoints/catalogue/table'
import { WechatpayValidationError } from '../errors'
import { type Config, DEFAULT_BASE_URL } from '../options'
import { queryString } from '../uri-template'
import { checkedFields, signFields } from './fields'

/** The options of {@link PageUrl}. */
export interface PageUrlOptions {
  /** The page's fields (`appid`, `mch_id`, `plan_id`, `contract_code`, …), as the values to sign. */
  query: Record<string, string | number | undefined>
}

/**
 * `wxpay.pageUrl(path, { query })`: the URL of a page endpoint (`v2/papay/entrustweb`,
 * `v2/papay/partner/entrustweb`, `v2/appauth/authindex`) for the user's browser, with the fields
 * percent-encoded and, where the page takes one, a `sign` over their raw values (MD5 unless
 * `sign_type` says HMAC-SHA256). No `nonce_str` is added (the pages list none). Nothing is sent.
 *
 * @example
 * ```ts
 * const url = await wxpay.pageUrl('v2/papay/entrustweb', {
 *   query: { appid, mch_id, plan_id: '12535', contract_code: 'C1', request_serial: 1000,
 *     contract_display_account: '张三', notify_url, version: '1.0', timestamp: '1414488825' },
 * })
 * // → https://api.mch.weixin.qq.com/papay/entrustweb?appid=…&sign=…  (redirect the user there)
 * ```
 */
export type PageUrl = (path: PagePath | (string & {}), options: PageUrlOptions) => Promise<string>

/** The `pageUrl` member of a client. */
export function createPageUrl(config: Config, hmacKey: () => Promise<CryptoKey>): PageUrl {
  return async (path, options) => {
    const page = typeof path === 'string' ? PAGES.get(path) : undefined
    if (!page)
      throw new WechatpayValidationError(
        'path',
        `is not a page endpoint: one of ${[...PAGES.keys()].map((p) => `'${p}'`).join(', ')}`,
      )
    const query = options?.query
    const fields = page.signed
      ? (await signFields(config, query, 'query', hmacKey, false)).fields
      : checkedFields(config, query, 'query')
    // The page's own host (payapp.mch… for authindex) unless the client was given its own baseUrl.
    const host = HOSTS.get(path)
    const base =
      host && config.baseUrl.href === DEFAULT_BASE_URL ? new URL(`https://${host}/`) : config.baseUrl
    return `${base.origin}${base.pathname}${path.slice('v2/'.length)}${queryString(fields)}`
  }
}
