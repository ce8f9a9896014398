// Deterministic, schema-valid reply values (like stripe-mock's fixtures, made from the schema): an
// enum's first value, every property of an object, one item per array, a plausible value by
// format or name. Ids the client knows are the sandbox merchant's own.
import type { Schema } from './types'

/** What the samples take from the sandbox. */
export interface SampleContext {
  mchid: string
  appid: string
  /**
   * Paths of reply fields WeChat encrypts (`response.data[].user_name`, catalogue notation), and
   * how to encrypt one (RSA-OAEP with the merchant's public key).
   */
  encrypted?: { paths: ReadonlySet<string>; encrypt: (plain: string) => string }
}

/** 2026-01-01 08:00 +08:00, the sandbox's fixed sample time. */
const SAMPLE_TIME = '2026-01-01T08:00:00+08:00'
const MAX_DEPTH = 12

function sampleString(schema: Schema, name: string, ctx: SampleContext): string {
  const lower = name.toLowerCase()
  if (lower === 'mchid' || lower === 'mch_id' || lower === 'sp_mchid' || lower === 'sub_mchid')
    return ctx.mchid
  if (lower === 'appid' || lower === 'sp_appid' || lower === 'mch_appid') return ctx.appid
  switch (schema.format) {
    case 'rfc3339':
    case 'date-time':
      return SAMPLE_TIME
    case 'date':
      return '2026-01-01'
    case 'int64':
    case 'uint64':
    case 'int32':
      return '1'
  }
  if (lower.endsWith('_time') || lower === 'time') return SAMPLE_TIME
  if (lower.endsWith('url')) return `https://sandbox.wxpay.invalid/${name}`
  return `sandbox_${name || 'value'}`
}

/** A value of `schema` for the field `name`; `path` is its catalogue path (`response.a.b[]`). */
export function sampleOf(schema: Schema, name: string, path: string, ctx: SampleContext, depth = 0): unknown {
  if (schema.oneOf?.[0]) return sampleOf(schema.oneOf[0], name, path, ctx, depth)
  if (schema.enum?.length) return schema.enum[0]
  const inner = schema['x-json']
  if (inner) return JSON.stringify(sampleOf(inner, name, `${path}{json}`, ctx, depth + 1))
  switch (schema.type) {
    case 'integer':
    case 'number':
      return 1
    case 'boolean':
      return true
    case 'array':
      return depth < MAX_DEPTH && schema.items
        ? [sampleOf(schema.items, name, `${path}[]`, ctx, depth + 1)]
        : []
    case 'object':
      return depth < MAX_DEPTH ? sampleObject(schema, path, ctx, depth + 1) : {}
    default: {
      if (schema.properties) return sampleObject(schema, path, ctx, depth + 1)
      const text = sampleString(schema, name, ctx)
      return ctx.encrypted?.paths.has(path) ? ctx.encrypted.encrypt(text) : text
    }
  }
}

/** Every property of an object schema, sampled. */
export function sampleObject(
  schema: Schema,
  path: string,
  ctx: SampleContext,
  depth = 0,
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, property] of Object.entries(schema.properties ?? {}))
    out[name] = sampleOf(property, name, `${path}.${name}`, ctx, depth)
  return out
}
