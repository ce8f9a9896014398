import data from './endpoints'
import type { CatalogueEndpoint } from './types'

/** Every endpoint of the catalogue (errata applied). */
export const ENDPOINTS: readonly CatalogueEndpoint[] = data.endpoints

interface Route {
  endpoint: CatalogueEndpoint
  /** A literal segment, or the name of a path variable. */
  segments: Array<string | { name: string }>
  variables: number
}

/** Routes by segment count, literal-heavy first: `images/upload` wins over `images/{media_id}`. */
const routes = new Map<number, Route[]>()
for (const endpoint of ENDPOINTS) {
  if (endpoint.kind === 'webhook') continue // the notification format, not something WeChat serves
  const segments = endpoint.uri.split('/').map((seg) => {
    const variable = /^\{(.+)\}$/.exec(seg)
    return variable ? { name: variable[1]! } : seg
  })
  const route = { endpoint, segments, variables: segments.filter((s) => typeof s !== 'string').length }
  const list = routes.get(segments.length) ?? []
  list.push(route)
  routes.set(segments.length, list)
}
for (const list of routes.values()) list.sort((a, b) => a.variables - b.variables)

/** What a request path names: the endpoint and its path variables, or only the methods it takes. */
export type Match =
  | { endpoint: CatalogueEndpoint; params: Record<string, string> }
  | { endpoint?: undefined; methods: string[] }

/**
 * Finds the catalogue endpoint of `method` and `path` (the path as sent, percent-encoded, no
 * query). `undefined` when the catalogue has no such path at all.
 */
export function matchEndpoint(method: string, path: string): Match | undefined {
  const wire = path.split('/')
  const methods: string[] = []
  for (const route of routes.get(wire.length) ?? []) {
    const params: Record<string, string> = {}
    let ok = true
    for (let i = 0; i < wire.length && ok; i++) {
      const seg = route.segments[i]!
      const sent = wire[i]!
      if (typeof seg === 'string') ok = seg === sent
      else {
        try {
          params[seg.name] = decodeURIComponent(sent)
        } catch {
          ok = false
        }
        ok &&= sent !== ''
      }
    }
    if (!ok) continue
    if (route.endpoint.method === method.toLowerCase()) return { endpoint: route.endpoint, params }
    methods.push(route.endpoint.method.toUpperCase())
  }
  return methods.length ? { methods } : undefined
}
