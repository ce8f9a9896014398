// Request checks against the catalogue's schemas, as WeChat Pay refuses a bad request: the first
// problem found, naming the field (`scene_info.payer_client_ip`). Two modes: `json` (a v3 body, the
// JSON inside an upload's `meta`) and `text` (query strings, path variables, v2 XML and multipart
// parts, where every value is a string and a number is its decimal text).
import type { Schema } from './types'

/** What is wrong, and where. */
export interface Problem {
  /** Dotted path of the field, e.g. `amount.total`, `detail[0].goods_id`. */
  field: string
  message: string
}

export type Mode = 'json' | 'text'

const INTEGER_TEXT = /^-?\d+$/
const NUMBER_TEXT = /^-?\d+(\.\d+)?$/

const describe = (value: unknown) =>
  Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value

/** The first problem of `value` against `schema`, or `undefined`. */
export function checkValue(schema: Schema, value: unknown, field: string, mode: Mode): Problem | undefined {
  if (schema.oneOf) {
    let first: Problem | undefined
    for (const branch of schema.oneOf) {
      const problem = checkValue(branch, value, field, mode)
      if (!problem) return undefined
      first ??= problem
    }
    return first
  }
  if (mode === 'text') return checkText(schema, value, field)
  const type = schema.type
  switch (type) {
    case 'string':
      if (typeof value !== 'string')
        return { field, message: `${field} must be a string, not ${describe(value)}` }
      break
    case 'integer':
      if (!Number.isInteger(value))
        return { field, message: `${field} must be an integer, not ${describe(value)}` }
      break
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value))
        return { field, message: `${field} must be a number, not ${describe(value)}` }
      break
    case 'boolean':
      if (typeof value !== 'boolean')
        return { field, message: `${field} must be a boolean, not ${describe(value)}` }
      break
    case 'array': {
      if (!Array.isArray(value))
        return { field, message: `${field} must be an array, not ${describe(value)}` }
      if (schema.items)
        for (const [i, item] of value.entries()) {
          const problem = checkValue(schema.items, item, `${field}[${i}]`, 'json')
          if (problem) return problem
        }
      return undefined
    }
    case 'object':
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return { field, message: `${field} must be an object, not ${describe(value)}` }
      return checkObject(schema, value as Record<string, unknown>, field, 'json')
  }
  if (schema.enum && !schema.enum.includes(value))
    return { field, message: `${field} must be one of ${schema.enum.join(', ')}` }
  const inner = schema['x-json']
  if (inner && typeof value === 'string') return checkEncoded(inner, value, field)
  return undefined
}

/** The properties of an object: required ones present, each present one valid. */
export function checkObject(
  schema: Schema,
  value: Record<string, unknown>,
  prefix: string,
  mode: Mode,
): Problem | undefined {
  const at = (name: string) => (prefix ? `${prefix}.${name}` : name)
  for (const name of schema.required ?? []) {
    const given = value[name]
    if (given === undefined || given === null || (mode === 'text' && given === ''))
      return { field: at(name), message: `${at(name)} is required` }
  }
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const given = value[name]
    if (given === undefined || given === null) continue
    const problem = checkValue(property, given, at(name), mode)
    if (problem) return problem
  }
  return undefined
}

function checkText(schema: Schema, value: unknown, field: string): Problem | undefined {
  if (typeof value !== 'string') return { field, message: `${field} must be text` }
  const inner = schema['x-json']
  if (inner) return checkEncoded(inner, value, field)
  switch (schema.type) {
    case 'integer':
      if (!INTEGER_TEXT.test(value))
        return { field, message: `${field} must be an integer, not ${JSON.stringify(value)}` }
      break
    case 'number':
      if (!NUMBER_TEXT.test(value))
        return { field, message: `${field} must be a number, not ${JSON.stringify(value)}` }
      break
    case 'boolean':
      if (value !== 'true' && value !== 'false') return { field, message: `${field} must be true or false` }
      break
  }
  if (schema.enum && !schema.enum.map(String).includes(value))
    return { field, message: `${field} must be one of ${schema.enum.join(', ')}` }
  return undefined
}

/** A string that holds JSON (`x-json`: v2 `detail`, `scene_info`, the upload `meta`). */
function checkEncoded(inner: Schema, text: string, field: string): Problem | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return { field, message: `${field} must be a JSON-encoded string` }
  }
  return checkValue(inner, parsed, field, 'json')
}
