import { Wechatpay, type WechatpayOptions, WechatpayValidationError } from '@wxpay/core'

/** A configuration seen before: its client, or why it was rejected. */
export type CachedClient =
  | { client: Wechatpay; error?: never }
  | { client?: never; error: WechatpayValidationError }

/** How many configurations one isolate keeps; the least recently used one goes first. */
export const MAX_CACHED_CLIENTS = 16

const cache = new Map<string, CachedClient>()
let constructed = 0

// `fetch` cannot be serialised: each distinct function gets a number, held weakly.
const fetchIds = new WeakMap<object, number>()
let nextFetchId = 1

function fetchId(fetchImpl: unknown): number | null {
  if (typeof fetchImpl !== 'function') return null
  let id = fetchIds.get(fetchImpl)
  if (id === undefined) {
    id = nextFetchId++
    fetchIds.set(fetchImpl, id)
  }
  return id
}

/**
 * The exact identity of a configuration, as a string. It holds the secrets themselves (an exact
 * key is cheaper than hashing them on every request, and lives in the same memory as the client
 * that holds them anyway), so it must never be logged or returned. `certs` keep their order: the
 * core picks the `Wechatpay-Serial` it sends from the first entries. `undefined` when the options
 * cannot be serialised (such options are not cached; the core rejects them).
 */
function keyOf(options: WechatpayOptions): string | undefined {
  const { certs } = options
  try {
    return JSON.stringify([
      options.mchid,
      options.serial,
      options.privateKey,
      certs && typeof certs === 'object' && !Array.isArray(certs) ? Object.entries(certs) : certs,
      options.secret,
      options.baseUrl,
      options.backupBaseUrl,
      options.timeout,
      fetchId(options.fetch),
    ])
  } catch {
    return undefined
  }
}

function construct(options: WechatpayOptions): CachedClient {
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
  const key = keyOf(options)
  if (key === undefined) return construct(options)
  let entry = cache.get(key)
  if (entry) {
    // refresh its place: Map iteration order is insertion order, so the first key is the LRU one
    cache.delete(key)
  } else {
    entry = construct(options)
    constructed++
    if (cache.size >= MAX_CACHED_CLIENTS) cache.delete(cache.keys().next().value as string)
  }
  cache.set(key, entry)
  return entry
}

/** @internal Test hook: entries in the cache and clients (or rejections) built so far. */
export function __clientCacheStats(): { size: number; constructed: number } {
  return { size: cache.size, constructed }
}

/** @internal Test hook: empties the cache. */
export function __clearClientCache(): void {
  cache.clear()
}
