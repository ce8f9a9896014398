import { Wechatpay, type WechatpayOptions, WechatpayValidationError } from '@wxpay/core'

/** A configuration seen before: its client, or why it was rejected. */
export type CachedClient =
  | { client: Wechatpay; error?: never }
  | { client?: never; error: WechatpayValidationError }

/** How many configurations one isolate keeps; the least recently used one goes first. */
export const MAX_CACHED_CLIENTS = 16

/** The options a client depends on, cheap and short ones first, so a mismatch is found early. */
type Fields = readonly unknown[]

function fieldsOf(options: WechatpayOptions): Fields {
  const { certs } = options
  return [
    options.mchid,
    options.serial,
    options.baseUrl,
    options.backupBaseUrl,
    options.timeout,
    options.fetch, // by identity
    options.store, // by identity
    options.secret,
    options.apiv3Key,
    // two fixed slots, so that `true` and `{ intervalMs }` (a new object per request) compare by value
    ...autoFields(options.autoCertificates),
    options.privateKey,
    // `certs` keep their order: the core picks the `Wechatpay-Serial` it sends from the first entries
    ...(certs && typeof certs === 'object' ? Object.entries(certs).flat() : [certs]),
  ]
}

function autoFields(auto: WechatpayOptions['autoCertificates']): [unknown, unknown] {
  return auto && typeof auto === 'object' ? ['interval', auto.intervalMs] : [auto, undefined]
}

function sameFields(a: Fields, b: Fields): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false
  return true
}

/**
 * The cache, most recently used first. At most 16 entries, so a linear scan comparing the fields
 * exactly beats building and hashing a key: no secret is copied into a key string, a hit costs
 * well under a microsecond, and two configurations can never share a client by collision.
 */
const cache: Array<{ fields: Fields; entry: CachedClient }> = []
let constructed = 0

function construct(options: WechatpayOptions): CachedClient {
  constructed++
  try {
    return { client: new Wechatpay(options) }
  } catch (err) {
    if (err instanceof WechatpayValidationError) return { error: err }
    throw err
  }
}

/**
 * The client for `options`, built (options validated, keys imported) the first time a
 * configuration is seen in this isolate and reused after. A configuration the core rejects is
 * remembered too, so it is not validated again on every request.
 */
export function clientFor(options: WechatpayOptions): CachedClient {
  const fields = fieldsOf(options)
  const index = cache.findIndex((slot) => sameFields(slot.fields, fields))
  if (index === 0) return cache[0]!.entry
  const slot = index > 0 ? cache.splice(index, 1)[0]! : { fields, entry: construct(options) }
  cache.unshift(slot)
  if (cache.length > MAX_CACHED_CLIENTS) cache.pop()
  return slot.entry
}

/** @internal Test hook: entries in the cache, and clients (or rejections) built so far. */
export function __clientCacheStats(): { size: number; constructed: number } {
  return { size: cache.length, constructed }
}

/** @internal Test hook: empties the cache. */
export function __clearClientCache(): void {
  cache.length = 0
}
