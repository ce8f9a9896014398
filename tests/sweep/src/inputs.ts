// Valid request options for any catalogue endpoint, generated from its schemas (required fields
// only, enums' first values), and the invalid twin: the same call without one required field.
import type { Endpoint, Schema } from './catalogue'

/** The core's upload rule of an endpoint (packages/core/scripts/endpoint-facts.mjs `UPLOAD_META`). */
interface UploadRule {
  /** The meta field the SDK fills with the file name (`filename`, `file_name`), or none. */
  name: string | null
  /** The meta field the SDK fills with the file's digest (`sha256`, `file_digest`, `digest`). */
  digest: string
  /** Meta fields the SDK writes with a fixed value (`digest_alogrithm: "SM3"`). */
  fixed?: Record<string, string>
}
// A non-literal specifier: the facts file is plain JavaScript, read as data.
const FACTS = new URL('../../../packages/core/scripts/endpoint-facts.mjs', import.meta.url).href
const { UPLOAD_META } = (await import(FACTS)) as { UPLOAD_META: [string, UploadRule][] }
const UPLOAD_RULES = new Map(UPLOAD_META)

/** The `meta` fields of an upload that the SDK fills itself (the caller gives the others). */
export function sdkMetaFields(e: Endpoint): Set<string> {
  const rule = UPLOAD_RULES.get(e.path)
  if (!rule) return new Set(['filename', 'sha256'])
  return new Set([rule.name, rule.digest, ...Object.keys(rule.fixed ?? {})].filter((n): n is string => !!n))
}

/** An upload's text form parts other than `meta` (`item_id`, `manage_record_id`): `media.fields`. */
function formParts(e: Endpoint): string[] {
  const form = e.formData?.properties ?? {}
  return Object.keys(form).filter((name) => name !== 'meta' && form[name]?.type !== 'file')
}

export interface Identity {
  mchid: string
  appid: string
  /** Wraps a plaintext for RSA-OAEP encryption (`wxpay.sensitive`). */
  sensitive: (plain: string) => unknown
}

type Options = Record<string, unknown>

let serial = 0

function textOf(schema: Schema, name: string, id: Identity): string {
  if (schema.enum?.length) return String(schema.enum[0])
  // the merchant's own order numbers: one per call (the same one with other fields is refused)
  if (name === 'out_trade_no') return `SWEEP${Date.now()}${serial++}`
  if (name === 'mchid' || name === 'mch_id' || name === 'sp_mchid') return id.mchid
  if (name === 'appid' || name === 'sp_appid') return id.appid
  if (schema.type === 'integer' || schema.type === 'number') return '1'
  if (schema.type === 'boolean') return 'true'
  if (schema.format === 'rfc3339' || name.endsWith('_time')) return '2026-01-01T08:00:00+08:00'
  if (name.endsWith('url') || name.endsWith('uri')) return 'https://sweep.wxpay.invalid/notify'
  return `sweep${name.replace(/[^A-Za-z0-9]/g, '').slice(0, 20)}`
}

/** A JSON value of `schema` (required properties only); `path` is the catalogue's field path. */
function jsonOf(schema: Schema, name: string, path: string, id: Identity, encrypted: Set<string>): unknown {
  if (schema.oneOf?.[0]) return jsonOf(schema.oneOf[0], name, path, id, encrypted)
  if (schema['x-json']) return JSON.stringify(jsonOf(schema['x-json'], name, `${path}{json}`, id, encrypted))
  if (schema.enum?.length) return schema.enum[0]
  switch (schema.type) {
    case 'integer':
    case 'number':
      return 1
    case 'boolean':
      return true
    case 'array':
      return schema.items ? [jsonOf(schema.items, name, `${path}[]`, id, encrypted)] : []
    case 'object':
      return objectOf(schema, path, id, encrypted)
    default: {
      if (schema.properties) return objectOf(schema, path, id, encrypted)
      const text = textOf(schema, name, id)
      return encrypted.has(path) ? id.sensitive(text) : text
    }
  }
}

function objectOf(schema: Schema, path: string, id: Identity, encrypted: Set<string>): Options {
  const out: Options = {}
  for (const name of schema.required ?? []) {
    const property = schema.properties?.[name]
    if (property) out[name] = jsonOf(property, name, `${path}.${name}`, id, encrypted)
  }
  return out
}

/** v2 fields the SDK fills in itself. */
const SDK_FIELDS = new Set(['sign', 'nonce_str'])

/** The request options of a valid call. */
export function validOptions(e: Endpoint, id: Identity): Options {
  const options: Options = {}
  for (const p of e.pathParams ?? []) if (!p.notInUri) options[p.name] = textOf(p, p.name, id)
  const encrypted = new Set(e.encryptedFields ?? [])
  const headers: Record<string, string> = {}
  for (const h of e.headers ?? [])
    if (h.required && !h.name.startsWith('Wechatpay-')) headers[h.name] = `sweep-${h.name.length}`
  if (Object.keys(headers).length) options.headers = headers
  if (e.query?.required?.length) {
    const query: Options = {}
    for (const name of e.query.required) query[name] = textOf(e.query.properties?.[name] ?? {}, name, id)
    options.query = query
  }
  if (e.protocol === 'v3' && e.json) options.json = objectOf(e.json, 'json', id, encrypted)
  if (e.protocol === 'v2' && e.xml) {
    const xml: Options = {}
    for (const name of e.xml.required ?? []) {
      if (SDK_FIELDS.has(name)) continue
      const s = e.xml.properties?.[name] ?? {}
      xml[name] = s['x-json'] ? jsonOf(s, name, `xml.${name}`, id, encrypted) : textOf(s, name, id)
    }
    options.xml = xml
  }
  if (e.kind === 'upload' && e.protocol === 'v3') {
    // meta is JSON (`region_id` is a number there); the SDK writes the name and digest fields
    const meta: Options = {}
    const inner = e.formData?.properties?.meta?.['x-json']
    const sdk = sdkMetaFields(e)
    for (const name of inner?.required ?? [])
      if (!sdk.has(name))
        meta[name] = jsonOf(inner?.properties?.[name] ?? {}, name, `meta.${name}`, id, encrypted)
    const fields: Record<string, string> = {}
    const required = new Set(e.formData?.required ?? [])
    for (const name of formParts(e))
      if (required.has(name)) fields[name] = textOf(e.formData?.properties?.[name] ?? {}, name, id)
    options.media = {
      filename: 'sweep.jpg',
      data: new TextEncoder().encode('wxpay sweep file'),
      ...(Object.keys(meta).length ? { meta } : {}),
      ...(Object.keys(fields).length ? { fields } : {}),
    }
  } else if (e.kind === 'upload')
    options.media = { filename: 'sweep.jpg', data: new TextEncoder().encode('wxpay sweep file') }
  return options
}

/**
 * A required request field to leave out, where the schema names one the caller gives: a query
 * field, a top-level JSON field, a v2 field, an upload's meta field or form part (not the ones the
 * SDK fills in). `undefined` when the endpoint has none.
 */
export function requiredField(
  e: Endpoint,
): { where: 'query' | 'json' | 'xml' | 'meta' | 'fields'; name: string } | undefined {
  const query = e.query?.required?.[0]
  if (query) return { where: 'query', name: query }
  const json = e.protocol === 'v3' ? e.json?.required?.[0] : undefined
  if (json) return { where: 'json', name: json }
  const xml = e.protocol === 'v2' ? e.xml?.required?.find((n) => !SDK_FIELDS.has(n)) : undefined
  if (xml) return { where: 'xml', name: xml }
  if (e.protocol !== 'v3') return undefined
  const sdk = sdkMetaFields(e)
  const meta = e.formData?.properties?.meta?.['x-json']?.required?.find((n) => !sdk.has(n))
  if (meta) return { where: 'meta', name: meta }
  const parts = formParts(e)
  const part = e.formData?.required?.find((n) => parts.includes(n))
  if (part) return { where: 'fields', name: part }
  return undefined
}

/** The valid options without that field. */
export function withoutField(options: Options, field: { where: string; name: string }): Options {
  if (field.where === 'meta' || field.where === 'fields') {
    const media = options.media as Record<string, Options>
    const { [field.name]: _, ...rest } = media[field.where] ?? {}
    return { ...options, media: { ...media, [field.where]: rest } }
  }
  const container = { ...(options[field.where] as Options) }
  delete container[field.name]
  return { ...options, [field.where]: container }
}
