// The catalogue as the generator reads it: catalogue/wechatpay-api.json with errata.json applied,
// WeChat Pay's either-or identifiers relaxed, encrypted fields marked, sorted, grouped by area.
import { readFileSync } from 'node:fs'
import { applyErrata } from '../../catalogue/apply-errata.mjs'
import * as facts from '../endpoint-facts.mjs'

/** Hand-written in src/endpoints/seeds.ts (they take precedence); left out of the sample. */
export const SEED_PATHS = new Set([
  'v3/pay/transactions/out-trade-no/{out_trade_no}/close',
  'v2/pay/closeorder',
  'v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close',
])
/** The host of every endpoint the catalogue gives no other. */
export const DEFAULT_HOST = 'api.mch.weixin.qq.com'
/**
 * WeChat Pay's either-or identifiers: the catalogue marks both required where v2 takes one of them
 * (`orderquery`, `refund`, `refundquery`, …); both become optional there. Customs declarations
 * really need both and keep them.
 */
const ONE_OF = [
  ['transaction_id', 'out_trade_no'],
  ['refund_id', 'out_refund_no'],
]
export function relaxOneOf(e, schema) {
  if (!schema?.required || e.protocol !== 'v2' || e.path.includes('customs')) return schema
  let required = schema.required
  for (const pair of ONE_OF)
    if (pair.every((p) => required.includes(p))) required = required.filter((r) => !pair.includes(r))
  return required === schema.required ? schema : { ...schema, required }
}
/** `meta` keys of an upload the SDK writes itself (name, digest, fixed fields: endpoint-facts.mjs). */
const UPLOAD_META = new Map(facts.UPLOAD_META)
export const NONCELESS = new Set(facts.NONCELESS_V2.map(([path]) => path))
export function mediaMetaOf(e) {
  const rule = UPLOAD_META.get(e.path)
  if (!rule) return new Set(['filename', 'sha256'])
  return new Set([rule.name, rule.digest, ...Object.keys(rule.fixed ?? {})].filter(Boolean))
}
/** v2 fields the SDK fills in itself. */
export const V2_SDK_FIELDS = new Set(['nonce_str', 'sign'])

/**
 * The catalogue's `encryptedFields` (`json.contact.name`, …) name request fields that WeChat Pay
 * takes RSA-OAEP encrypted: they are typed `string | Sensitive`, so `wxpay.sensitive('…')` fits.
 */
export function markSensitive(schema, path) {
  let node = schema
  for (const name of path) {
    while (node?.type === 'array') node = node.items
    node = node?.properties?.[name]
  }
  while (node?.type === 'array') node = node.items
  if (node?.type === 'string') node['x-sensitive'] = true
}

export function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0
}

/** `v3/pay/…` → `v3/pay`; `hk/v3/transactions/…` → `hk/v3/transactions`. */
export function areaOf(path) {
  const parts = path.split('/')
  return parts.slice(0, parts[0] === 'hk' || parts[0] === 'global' ? 3 : 2).join('/')
}

/** Every key an endpoint is typed under: its path, and the catalogue's `chain` form when it has one. */
export function keysOf(e) {
  return e.chain ? [e.path, e.chain] : [e.path]
}

export const hasRequired = (schema) => Boolean(schema?.required?.length)

/**
 * Reads the catalogue at `file`: `{ catalogue, endpoints, areas }`, the endpoints sorted by path then
 * method, `areas` each area (`v3/pay`, `hk/v3/transactions`) → its endpoints, in that order.
 */
export function loadCatalogue(file) {
  // catalogue/errata.json: where the upstream YAML differs from WeChat Pay, each with its source
  const catalogue = applyErrata(JSON.parse(readFileSync(file, 'utf8')))
  for (const e of catalogue.endpoints) {
    if (e.xml) e.xml = relaxOneOf(e, e.xml)
    for (const field of e.encryptedFields ?? []) {
      const [where, ...path] = field.split('.')
      if (where === 'json' && e.protocol === 'v3') markSensitive(e.json, path)
    }
  }
  const endpoints = [...catalogue.endpoints].sort((a, b) =>
    a.path === b.path ? cmp(a.method, b.method) : cmp(a.path, b.path),
  )
  const areas = new Map()
  for (const e of endpoints) {
    const area = areaOf(e.path)
    if (!areas.has(area)) areas.set(area, [])
    areas.get(area).push(e)
  }
  return { catalogue, endpoints, areas }
}
