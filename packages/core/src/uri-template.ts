import { WechatpayValidationError } from './errors'
import { refuseSensitive } from './keys/sensitive'

/** Query values that are sent; `undefined` ones are skipped. */
export type QueryValue = string | number | boolean | undefined

/**
 * What a path template may hold as written: RFC 3986 `pchar`s (unreserved, sub-delims, `:` `@`),
 * `/`, `{name}` placeholders and `%XX` triplets. Neither transport re-encodes any of these (the
 * WHATWG URL parser of `fetch` leaves them alone, undici sends the path as given), so what is signed
 * is what goes on the request line.
 */
const CANONICAL_TEMPLATE = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2}|\{[^{}/]+\})*$/
/** One piece of a template that is not canonical yet: a placeholder, a triplet, a run to encode. */
const TEMPLATE_PIECE = /(\{[^{}/]+\})|%[0-9A-Fa-f]{2}|[^A-Za-z0-9\-._~!$&'()*+,;=:@/%{}]+|[%{}]/g
/** A `.` or `..` segment, spelled out or percent-encoded: URL resolution would remove or climb it. */
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i
const PLACEHOLDER = /\{([^{}/]+)\}/g

/** Percent-encodes (UTF-8) what a template holds outside the canonical set; refuses `?`, `#`. */
function canonicalTemplate(template: string): string {
  if (template.includes('?') || template.includes('#')) {
    throw new WechatpayValidationError(
      'path',
      'must not hold "?" or "#": pass the query as the `query` option',
    )
  }
  return template.replace(TEMPLATE_PIECE, (piece: string, placeholder: string | undefined) => {
    // A placeholder, or a `%XX` triplet (already encoded): as written.
    if (placeholder !== undefined || (piece.length === 3 && piece.charCodeAt(0) === 37)) return piece
    try {
      return encodeURIComponent(piece)
    } catch {
      throw new WechatpayValidationError('path', 'is not well-formed Unicode')
    }
  })
}

/**
 * A checked template split at its placeholders: `parts` alternates literal text and placeholder
 * names (`['/v3/a/', 'id', '/b']`), so an expansion joins strings instead of running a regular
 * expression with a callback on every call.
 */
interface CompiledTemplate {
  parts: string[]
}

/**
 * Templates already made canonical, checked and split, by template: an application reaches a
 * handful of paths over and over, so each is checked once. Bounded, in case paths are built from data.
 */
const checked = new Map<string, CompiledTemplate>()

function checkedTemplate(template: string): CompiledTemplate {
  const hit = checked.get(template)
  if (hit !== undefined) return hit
  const canonical = CANONICAL_TEMPLATE.test(template) ? template : canonicalTemplate(template)
  if (DOT_SEGMENT.test(canonical)) {
    throw new WechatpayValidationError('path', 'must not have a "." or ".." segment')
  }
  // String.prototype.split with a capturing group keeps the names at the odd indexes.
  const compiled = { parts: canonical.split(PLACEHOLDER) }
  if (checked.size >= 512) checked.clear()
  checked.set(template, compiled)
  return compiled
}

/** One placeholder's value, checked and encoded as a single segment. */
function segment(name: string, value: unknown): string {
  refuseSensitive(name, value)
  if (value === undefined || value === null) {
    throw new WechatpayValidationError(name, `the path needs {${name}}; pass it as the "${name}" option`)
  }
  if (typeof value !== 'string') {
    throw new WechatpayValidationError(name, `must be a string, got ${typeof value}`)
  }
  if (value === '' || value === '.' || value === '..') {
    throw new WechatpayValidationError(name, `must not be empty, "." or ".."`)
  }
  if (UNRESERVED.test(value)) return value
  try {
    return encodeURIComponent(value)
  } catch {
    throw new WechatpayValidationError(name, 'is not well-formed Unicode')
  }
}

/**
 * RFC 6570 level-1 expansion of `{name}` in a path template. The template's own characters are
 * made canonical first (a non-ASCII literal is percent-encoded once, here, before signing) and a
 * `.` or `..` segment is refused. Each value must be a non-empty string and is percent-encoded as
 * a single segment (`encodeURIComponent`), so it can never add a segment, a query or a fragment;
 * `.` and `..` are refused because URL resolution would move up.
 */
export function expandPath(template: string, variables: Readonly<Record<string, unknown>>): string {
  const { parts } = checkedTemplate(template)
  if (parts.length === 1) return parts[0] as string
  let path = parts[0] as string
  for (let i = 1; i < parts.length; i += 2) {
    path += segment(parts[i] as string, variables[parts[i] as string]) + (parts[i + 1] as string)
  }
  return path
}

/** `encodeURIComponent` leaves these sub-delims raw; `fetch` sends `'` in a query as `%27`. */
const SUB_DELIMS = /[!'()*]/g
const HAS_SUB_DELIM = /[!'()*]/
const UNRESERVED = /^[A-Za-z0-9\-._~]*$/

/**
 * Percent-encodes every character but RFC 3986's unreserved `A-Za-z0-9-._~` (UTF-8): the one
 * spelling no URL parser changes, so the query that is signed is the query that is sent.
 */
function encodeStrict(text: string): string {
  // Most names and values (ids, digits) need no encoding at all.
  if (UNRESERVED.test(text)) return text
  const encoded = encodeURIComponent(text)
  if (!HAS_SUB_DELIM.test(encoded)) return encoded
  return encoded.replace(SUB_DELIMS, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** An object literal (or a null-prototype object): not a string, array, Map, Headers, …. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!value || typeof value !== 'object') return false
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

/**
 * Builds `?a=1&b=2` (insertion order, names and values percent-encoded but for RFC 3986's
 * unreserved characters) or `''`. `query` must be a plain object: a string or an array would be
 * read character by character.
 */
export function queryString(query: unknown): string {
  if (query === undefined) return ''
  if (!isPlainObject(query)) {
    throw new WechatpayValidationError('query', 'must be a plain object of name → value')
  }
  let out = ''
  for (const key in query) {
    if (!Object.hasOwn(query, key)) continue
    const value = query[key]
    if (value === undefined) continue
    refuseSensitive(`query.${key}`, value)
    if (
      typeof value !== 'string' &&
      typeof value !== 'boolean' &&
      !(typeof value === 'number' && Number.isFinite(value))
    ) {
      throw new WechatpayValidationError(
        `query.${key}`,
        `must be a string, a finite number or a boolean, got ${typeof value}`,
      )
    }
    try {
      out += `${out ? '&' : '?'}${encodeStrict(key)}=${encodeStrict(String(value))}`
    } catch {
      throw new WechatpayValidationError(`query.${key}`, 'is not well-formed Unicode')
    }
  }
  return out
}
