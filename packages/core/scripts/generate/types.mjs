// Schemas → TypeScript: the catalogue's request and reply schemas as declaration files, one
// interface per product area, the object types that recur hoisted into shared.d.ts, the chain's
// precomputed tree, and `CatalogueEndpoints` merging the areas.
import { join } from 'node:path'
import { cmp, DEFAULT_HOST, keysOf, mediaMetaOf, NONCELESS, V2_SDK_FIELDS } from './catalogue.mjs'
import { doc, hoistedNames, key, pascal, RESERVED_TYPE_NAMES, str, variablesOf } from './naming.mjs'

// Object types that recur (the catalogue inlines every $ref: `amount`, `payer`, `scene_info`, whole
// replies shared by sibling endpoints) are declared once in shared.d.ts and referenced by name:
// a third of the declarations, and so of what every user's compiler parses and binds.
export const HOIST_MIN = 160

const paren = (t) => (/[|&]/.test(t) && !/^\{/.test(t) ? `(${t})` : t)
export const openEnum = (values) => `OpenEnum<${[...new Set(values.map(String))].map(str).join(' | ')}>`

/** Adds the `Sensitive` import to a generated file that uses it. */
export function withSensitive(text) {
  if (!text.includes('| Sensitive')) return text
  return text.replace(
    "from '../../types/call'\n",
    "from '../../types/call'\nimport type { Sensitive } from '../../keys/sensitive'\n",
  )
}

/**
 * The schema → TypeScript writer. It runs twice over the endpoints: `count` (the object types are
 * counted, nothing hoisted), then `emit` (those that recur are hoisted: `hoistedText`, and `used`
 * collects the names a file references).
 */
export function createSchemaTypes() {
  const counts = new Map()
  const users = new Map() // key → where the catalogue uses it: [{ path, trail }]
  let names = new Map() // key → name, once counted
  const hoistedText = new Map() // name → declaration
  const state = { counting: true, used: new Set(), endpoint: undefined }

  /** Ends the counting pass: names the shapes that recur (naming.mjs, `hoistedNames`). */
  function endCounting(reserved) {
    state.counting = false
    const recurring = new Map([...users].filter(([k]) => counts.get(k) >= 2))
    names = hoistedNames(recurring, reserved)
  }

  /**
   * `mode`: `request` (v3 JSON, query), `xmlRequest` (v2: numbers may be strings), `xmlReply` (v2
   * replies: every value is a string), `reply`.
   */
  function typeOf(schema, mode, indent, trail = []) {
    if (!schema) return 'unknown'
    if (schema.oneOf) return schema.oneOf.map((s) => paren(typeOf(s, mode, indent, trail))).join(' | ')
    const xml = mode === 'xmlReply'
    switch (schema.type) {
      case 'string':
        if (schema.enum) return openEnum(schema.enum)
        return schema['x-sensitive'] && mode === 'request' ? 'string | Sensitive' : 'string'
      case 'integer':
      case 'number':
        if (schema.enum?.every((v) => typeof v === 'string')) return openEnum(schema.enum)
        if (xml) return 'string'
        return mode === 'xmlRequest' ? 'number | string' : 'number'
      case 'boolean':
        return xml ? 'string' : 'boolean'
      case 'file':
        return 'Blob'
      case 'array':
        return `${paren(typeOf(schema.items, mode, indent, trail))}[]`
      case 'object':
        return objectOf(schema, mode, indent, [], new Set(), trail)
      default:
        return 'unknown'
    }
  }

  function objectOf(schema, mode, indent, extra = [], skip = new Set(), trail = []) {
    const props = Object.entries(schema.properties ?? {}).filter(([name]) => !skip.has(name))
    if (!props.length && !extra.length) return 'Record<string, unknown>'
    if (!extra.length && !skip.size) {
      const shape = JSON.stringify(schema.properties)
      const k = `${mode}\u0000${shape}\u0000${JSON.stringify(schema.required ?? [])}`
      if (state.counting) {
        counts.set(k, (counts.get(k) ?? 0) + 1)
        if (shape.length >= HOIST_MIN) {
          if (!users.has(k)) users.set(k, [])
          users.get(k).push({ path: state.endpoint.path, method: state.endpoint.method, trail })
        }
      } else if (shape.length >= HOIST_MIN && (counts.get(k) ?? 0) >= 2) {
        const name = names.get(k)
        if (!hoistedText.has(name)) {
          hoistedText.set(name, plainObject(props, schema, mode, 0, [], trail))
        }
        state.used.add(name)
        return name
      }
    }
    return plainObject(props, schema, mode, indent, extra, trail)
  }

  function plainObject(props, schema, mode, indent, extra = [], trail = []) {
    const required = new Set(schema.required ?? [])
    const pad = '  '.repeat(indent + 1)
    let out = '{\n'
    for (const line of extra) out += `${pad}${line}\n`
    for (const [name, prop] of props) {
      const label = prop.label ? doc(prop.label) : ''
      const note = prop['x-json'] ? 'JSON-encoded string' : ''
      const text = [label, note].filter(Boolean).join(' · ')
      if (text) out += `${pad}/** ${text} */\n`
      const optional = required.has(name) ? '' : '?'
      out += `${pad}${key(name)}${optional}: ${typeOf(prop, mode, indent + 1, [...trail, name])}\n`
    }
    return `${out}${'  '.repeat(indent)}}`
  }

  /** The options object of one endpoint's verb. */
  function optionsOf(e, template, indent) {
    const pad = '  '.repeat(indent + 1)
    const lines = []
    const labels = new Map((e.pathParams ?? []).map((p) => [p.name, p]))
    const pathVars = new Set(variablesOf(e.path))
    for (const name of variablesOf(template)) {
      if (!pathVars.has(name)) continue // filled in from the catalogue's chainVars
      const p = labels.get(name)
      if (p?.label) lines.push(`/** ${doc(p.label)} */`)
      lines.push(`${key(name)}: ${p?.enum ? openEnum(p.enum) : 'string'}`)
    }
    const body = (name, schema, mode, skip) => {
      if (!schema) return
      const required = (schema.required ?? []).some((r) => !skip?.has(r))
      const t = objectOf(schema, mode, indent + 1, [], skip ?? new Set(), [name])
      lines.push(`${name}${required ? '' : '?'}: ${t.replace(/\n/g, `\n`)}`)
    }
    // A v2 query (the JSON endpoint, pages) is signed by the SDK: no `sign` of the caller's.
    if (e.protocol === 'v2' && e.query?.properties?.sign) {
      const properties = { ...e.query.properties }
      delete properties.sign
      body(
        'query',
        { ...e.query, properties, required: (e.query.required ?? []).filter((r) => r !== 'sign') },
        'request',
      )
    } else body('query', e.query, 'request')
    if (e.protocol === 'v2' && e.xml) {
      const xml = {
        ...e.xml,
        required: (e.xml.required ?? []).filter((r) => !V2_SDK_FIELDS.has(r) && r !== 'sign_type'),
      }
      // On a nonceless endpoint a caller's nonce_str is sent and signed: typed, optional.
      const skip = NONCELESS.has(e.path) ? new Set(['sign']) : V2_SDK_FIELDS
      if (NONCELESS.has(e.path))
        xml.properties = {
          ...xml.properties,
          nonce_str: {
            type: 'string',
            label: '随机字符串 (optional: this endpoint takes none unless given)',
          },
        }
      body('xml', xml, 'xmlRequest', skip)
    } else if (e.json) body('json', e.json, 'request')
    // Uploads: the pipeline's `Media` (filename, data; it computes `sha256` and writes `meta`), with
    // the endpoint's extra `meta` keys. v2 uploads have no multipart support: loosely typed.
    if (e.protocol === 'v3' && e.formData) {
      const MEDIA_META = mediaMetaOf(e)
      const meta = e.formData.properties?.meta?.['x-json']
      const extra = Object.keys(meta?.properties ?? {}).filter((k) => !MEDIA_META.has(k))
      // Other text parts of the form (`item_id`, `manage_record_id`): `media.fields`.
      const form = e.formData.properties ?? {}
      const parts = Object.keys(form).filter((k) => k !== 'meta' && form[k].type !== 'file')
      const members = []
      if (extra.length) {
        const required = (meta.required ?? []).some((r) => !MEDIA_META.has(r))
        const t = objectOf(meta, 'request', indent + 2, [], MEDIA_META, ['media', 'meta'])
        members.push(`meta${required ? '' : '?'}: ${t}`)
      }
      if (parts.length) {
        const fields = { type: 'object', properties: Object.fromEntries(parts.map((k) => [k, form[k]])) }
        fields.required = (e.formData.required ?? []).filter((r) => parts.includes(r))
        members.push(
          `fields${fields.required.length ? '' : '?'}: ${objectOf(fields, 'request', indent + 2, [], new Set(), ['media', 'fields'])}`,
        )
      }
      if (members.length)
        lines.push(`media: Media & {\n${members.map((m) => `${pad}  ${m}`).join('\n')}\n${pad}}`)
      else lines.push('media: Media')
    }
    // The APIv2 upload: the file, and `sign_type` (mch_id, media_hash and sign are the SDK's).
    if (e.protocol === 'v2' && e.formData) {
      lines.push("xml?: { sign_type?: OpenEnum<'MD5' | 'HMAC-SHA256'>; mch_id?: string }")
      lines.push('media: Media')
    }
    if (!lines.length) return { text: 'options?: CallOptions', required: false }
    const required = lines.some((l) => !l.startsWith('/**') && /^[^?:]+:/.test(l))
    const text = `{\n${lines.map((l) => pad + l).join('\n')}\n${'  '.repeat(indent)}} & CallOptions`
    return { text: `options${required ? '' : '?'}: ${text}`, required }
  }

  function replyOf(e, indent) {
    const status = e.status ?? 200
    if (status === 204 || status === 202) return `WechatpayResponse<undefined, ${status}>`
    if (e.kind === 'download') return `WechatpayResponse<Uint8Array, ${status}>`
    if (!e.response) return `WechatpayResponse<unknown, ${status}>`
    const mode = e.protocol === 'v2' ? 'xmlReply' : 'reply'
    return `WechatpayResponse<${typeOf(e.response, mode, indent, ['reply'])}, ${status}>`
  }

  function verbOf(e, template, indent) {
    state.endpoint = e
    const pad = '  '.repeat(indent)
    const flags = [
      e.deprecated && '@deprecated',
      e.kind === 'download' && "The reply is the file's bytes, not a signed JSON/XML body.",
      e.apiCert && 'Needs the merchant API certificate (mutual TLS).',
      e.host && e.host !== DEFAULT_HOST && `Sent to \`${e.host}\`.`,
    ].filter(Boolean)
    const title = `${doc(e.title ?? e.path)} · \`${e.method.toUpperCase()} ${e.uri}\``
    let out = `${pad}/** ${[title, ...flags].join(' ')} */\n`
    const options = optionsOf(e, template, indent)
    out += `${pad}${e.method}(${options.text}): Promise<${replyOf(e, indent)}>\n`
    return out
  }

  return { typeOf, objectOf, verbOf, endCounting, hoistedText, state }
}

/** The declaration files: `<area>.d.ts` each, shared.d.ts, tree.d.ts, index.d.ts (file → text). */
export function emitTypeFiles({ endpoints, areas, out, header }) {
  const types = createSchemaTypes()
  const { verbOf, endCounting, hoistedText, state } = types
  const files = new Map()
  const interfaces = []
  // First pass: count the object types; second: emit, hoisting those that recur.
  for (const e of endpoints) for (const k of keysOf(e)) verbOf(e, k, 2)
  endCounting([...RESERVED_TYPE_NAMES, ...[...areas.keys()].map((area) => `${pascal(area)}Endpoints`)])
  for (const [area, list] of [...areas].sort((a, b) => cmp(a[0], b[0]))) {
    state.used = new Set()
    const name = `${pascal(area)}Endpoints`
    const file = `${area.replace(/\//g, '-')}.d.ts`
    interfaces.push({ name, file })
    const byKey = new Map()
    for (const e of list)
      for (const k of keysOf(e)) {
        if (!byKey.has(k)) byKey.set(k, [])
        byKey.get(k).push(e)
      }
    let text = `${header}import type { CallOptions, OpenEnum, WechatpayResponse } from '../../types/call'\n\n`
    text += `/** The \`${area}/…\` endpoints (${list.length}), keyed by path template. */\n`
    text += `export interface ${name} {\n`
    for (const [k, es] of [...byKey].sort((a, b) => cmp(a[0], b[0]))) {
      text += `  ${str(k)}: {\n`
      for (const e of es) text += verbOf(e, k, 2)
      text += '  }\n'
    }
    text += '}\n'
    if (state.used.size)
      text = text.replace(
        "from '../../types/call'\n",
        `from '../../types/call'\nimport type { ${[...state.used].sort().join(', ')} } from './shared'\n`,
      )
    if (text.includes('media: Media'))
      text = text.replace(
        "from '../../types/call'\n",
        "from '../../types/call'\nimport type { Media } from '../../v3/multipart'\n",
      )
    if (!text.includes('OpenEnum<'))
      text = text.replace('CallOptions, OpenEnum, WechatpayResponse', 'CallOptions, WechatpayResponse')
    files.set(join(out, file), withSensitive(text))
  }

  {
    let text = `${header}import type { OpenEnum } from '../../types/call'\n`
    for (const name of [...hoistedText.keys()])
      text += `\nexport interface ${name} ${hoistedText.get(name)}\n`
    files.set(join(out, 'shared.d.ts'), withSensitive(text))
  }

  {
    // The chain's tree, precomputed: each node path → its child segments. Reading a property then
    // costs one lookup, where deriving children from 1,159 keys costs a pass over all of them per node.
    const children = new Map()
    for (const e of endpoints)
      for (const k of keysOf(e)) {
        const parts = k.split('/')
        for (let i = 0; i < parts.length; i++) {
          const node = parts.slice(0, i).join('/')
          if (!children.has(node)) children.set(node, new Set())
          children.get(node).add(parts[i])
        }
      }
    let text = header
    text += "/** Each node of the catalogue's paths (`''` is the root) → the segments below it. */\n"
    text += 'export interface CatalogueChildren {\n'
    for (const [node, set] of [...children].sort((a, b) => cmp(a[0], b[0])))
      text += `  ${str(node)}: ${[...set].sort().map(str).join(' | ')}\n`
    text += '}\n'
    files.set(join(out, 'tree.d.ts'), text)
  }

  {
    let text = `${header}`
    for (const { name, file } of interfaces)
      text += `import type { ${name} } from './${file.replace(/\.d\.ts$/, '')}'\n`
    text +=
      "\n/** Every endpoint of the catalogue, keyed by path template (and, for the catalogue's URI quirks, by its `chain` form). */\n"
    text += `export interface CatalogueEndpoints\n  extends ${interfaces.map((i) => i.name).join(',\n    ')} {}\n`
    files.set(join(out, 'index.d.ts'), text)
  }
  return { files, types }
}
