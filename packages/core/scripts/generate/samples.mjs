// Sampled type tests: src/endpoints/catalogue/sample.test-d.ts, a seeded random sample of the
// endpoints, each called correctly, without a required field and with a wrong type, in all
// three call styles.
import { cmp, hasRequired, mediaMetaOf, SEED_PATHS, V2_SDK_FIELDS } from './catalogue.mjs'
import { key, propertyChain, str, variablesOf } from './naming.mjs'

/** Seed of the sampled type tests: change it to draw another sample. */
export const SAMPLE_SEED = 20261130
export const SAMPLE_SIZE = 72

export function mulberry32(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A minimal valid value for a schema: only required properties, enums take their first value. */
export function sample(schema, mode) {
  if (!schema) return 'undefined'
  if (schema.oneOf) return sample(schema.oneOf[0], mode)
  switch (schema.type) {
    case 'string':
      return schema.enum ? str(String(schema.enum[0])) : "'x'"
    case 'integer':
    case 'number':
      if (schema.enum) return typeof schema.enum[0] === 'string' ? str(schema.enum[0]) : '1'
      return '1'
    case 'boolean':
      return 'true'
    case 'file':
      return 'new Blob([])'
    case 'array':
      return `[${sample(schema.items, mode)}]`
    case 'object':
      return sampleObject(schema, mode)
    default:
      return "'x'"
  }
}
export function sampleObject(schema, mode, omit, wrong, skip) {
  const required = (schema.required ?? []).filter((r) => schema.properties?.[r] && !skip?.has(r))
  const parts = []
  for (const name of required) {
    const [head, ...rest] = omit ?? []
    const [whead, ...wrest] = wrong ?? []
    if (head === name && rest.length === 0) continue
    const prop = schema.properties[name]
    let value
    if (whead === name && wrest.length === 0) value = prop.type === 'boolean' ? "'x'" : 'true'
    else if (prop.type === 'object' && (head === name || whead === name))
      value = sampleObject(prop, mode, head === name ? rest : undefined, whead === name ? wrest : undefined)
    else value = sample(prop, mode)
    parts.push(`${key(name)}: ${value}`)
  }
  return parts.length ? `{ ${parts.join(', ')} }` : '{}'
}

/** The required leaves of a schema: `[path, schema]`, through required objects only. */
export function requiredLeaves(schema, prefix = [], skip) {
  const out = []
  for (const name of schema?.required ?? []) {
    if (skip?.has(name)) continue
    const prop = schema.properties?.[name]
    if (!prop) continue
    out.push([[...prefix, name], prop])
    if (prop.type === 'object') out.push(...requiredLeaves(prop, [...prefix, name]))
  }
  return out
}

/** The request of an endpoint as a synthetic object schema: path variables, query, body. */
export function requestSchema(e) {
  const properties = {}
  const required = []
  for (const name of variablesOf(e.path)) {
    properties[name] = { type: 'string' }
    required.push(name)
  }
  const add = (name, schema) => {
    if (!schema) return
    properties[name] = schema
    if (hasRequired(schema)) required.push(name)
  }
  add('query', e.query)
  if (e.protocol === 'v2' && e.xml) {
    const skip = new Set([...V2_SDK_FIELDS, 'sign_type'])
    const props = Object.fromEntries(
      Object.entries(e.xml.properties ?? {}).filter(([n]) => !V2_SDK_FIELDS.has(n)),
    )
    add('xml', {
      type: 'object',
      properties: props,
      required: (e.xml.required ?? []).filter((r) => !skip.has(r)),
    })
  } else add('json', e.json)
  if (e.protocol === 'v3' && e.formData) {
    const MEDIA_META = mediaMetaOf(e)
    const meta = e.formData.properties?.meta?.['x-json']
    const extra = Object.fromEntries(
      Object.entries(meta?.properties ?? {}).filter(([k]) => !MEDIA_META.has(k)),
    )
    const metaRequired = (meta?.required ?? []).filter((r) => !MEDIA_META.has(r))
    const media = {
      type: 'object',
      properties: { filename: { type: 'string' }, data: { type: 'file' } },
      required: ['filename', 'data'],
    }
    if (metaRequired.length) {
      media.properties.meta = { type: 'object', properties: extra, required: metaRequired }
      media.required.push('meta')
    }
    add('media', media)
  }
  return { type: 'object', properties, required }
}

export function sampleTests({ endpoints, typeOf, header }) {
  const random = mulberry32(SAMPLE_SEED)
  const eligible = endpoints.filter(
    (e) =>
      !SEED_PATHS.has(e.path) &&
      !e.chain &&
      propertyChain(e.path) &&
      e.kind !== 'page' &&
      requiredLeaves(requestSchema(e)).length > 0,
  )
  const picked = []
  const pool = [...eligible]
  while (picked.length < SAMPLE_SIZE && pool.length)
    picked.push(pool.splice(Math.floor(random() * pool.length), 1)[0])
  picked.sort((a, b) => cmp(a.path, b.path) || cmp(a.method, b.method))
  let text = header
  text += `// Type tests for ${picked.length} endpoints drawn with seed ${SAMPLE_SEED} from the ${eligible.length} that have a required\n`
  text += '// request field: a minimal correct call compiles in all three styles; the same call missing a\n'
  text +=
    '// required field, or with a value of the wrong type, does not; a required reply field has its type.\n'
  text += "import { describe, expectTypeOf, test } from 'vitest'\n"
  text += "import type { Wechatpay } from '../../client'\n\n"
  text += 'declare const wxpay: Wechatpay\n\n'
  text += `describe('a seeded sample of the catalogue is typed in all three styles', () => {\n`
  for (const e of picked) {
    const request = requestSchema(e)
    const mode = e.protocol === 'v2' ? 'xmlRequest' : 'request'
    const leaves = requiredLeaves(request)
    const [missing] = leaves.splice(Math.floor(random() * leaves.length), 1)
    const scalar = requiredLeaves(request).filter(
      ([path, s]) =>
        ['string', 'integer', 'number', 'boolean'].includes(s.type) &&
        !(path.length === 1 && variablesOf(e.path).includes(path[0]) && false),
    )
    const wrong = scalar.length ? scalar[Math.floor(random() * scalar.length)] : undefined
    const ok = sampleObject(request, mode)
    const without = sampleObject(request, mode, missing[0])
    const styles = [
      `${propertyChain(e.path)}.${e.method}`,
      `wxpay.chain(${str(e.path)}).${e.method}`,
      `wxpay[${str(e.path)}].${e.method}`,
    ]
    text += `  test(${str(`${e.method.toUpperCase()} ${e.path}`)}, () => {\n`
    for (const s of styles) text += `    ${s}(${ok})\n`
    for (const s of styles) {
      text += `    // @ts-expect-error ${missing[0].join('.')} is required\n`
      text += `    ${s}(${without})\n`
    }
    if (wrong) {
      const bad = sampleObject(request, mode, undefined, wrong[0])
      for (const s of styles) {
        text += `    // @ts-expect-error ${wrong[0].join('.')} has the wrong type\n`
        text += `    ${s}(${bad})\n`
      }
    }
    const status = e.status ?? 200
    const reply =
      e.response?.type === 'object' && ![202, 204].includes(status) && e.kind !== 'download'
        ? e.response
        : undefined
    const field = reply
      ? (reply.required ?? []).find((r) =>
          ['string', 'integer', 'number', 'boolean'].includes(reply.properties?.[r]?.type),
        )
      : undefined
    const call = `${styles[2]}(${ok})`
    if (field) {
      const prop = reply.properties[field]
      const t = typeOf(prop, e.protocol === 'v2' ? 'xmlReply' : 'reply', 0).replace(
        /OpenEnum<(.*)>$/,
        '$1 | (string & {})',
      )
      text += `    expectTypeOf(${call}).resolves.toHaveProperty('data').toHaveProperty(${str(field)}).toEqualTypeOf<${t}>()\n`
    } else if ([202, 204].includes(status)) {
      text += `    expectTypeOf(${call}).resolves.toHaveProperty('data').toEqualTypeOf<undefined>()\n`
    }
    text += `    expectTypeOf(${call}).resolves.toHaveProperty('status').toEqualTypeOf<${status}>()\n`
    text += '  })\n'
  }
  text += '})\n'
  return text
}
