import { WechatpayValidationError } from './errors'

/** Query values that are sent; `undefined` ones are skipped. */
export type QueryValue = string | number | boolean | undefined

/**
 * Known path variables and the shape WeChat Pay documents for them; a value outside it is
 * refused before any I/O (the gateway would refuse it anyway, after a round trip).
 */
const FORMATS = new Map<string, { pattern: RegExp; text: string }>([
  ['out_trade_no', { pattern: /^[0-9A-Za-z_\-|*]{1,32}$/, text: '1 to 32 of digits, letters and _-|*' }],
  ['out_recharge_no', { pattern: /^[0-9A-Za-z_\-|*@]{1,64}$/, text: '1 to 64 of digits, letters and _-|*@' }],
])

/** Refuses a value of a known field (`out_trade_no`, …) outside its documented shape. */
export function checkFormat(name: string, value: string, option: string): void {
  const format = FORMATS.get(name)
  if (format && !format.pattern.test(value))
    throw new WechatpayValidationError(option, `must be ${format.text}`)
}

/**
 * RFC 6570 level-1 expansion of `{name}` in a path template. Each value must be a non-empty
 * string and is percent-encoded as a single segment (`encodeURIComponent`), so it can never add a
 * segment, a query or a fragment; `.` and `..` are refused because URL resolution would move up.
 */
export function expandPath(template: string, variables: Readonly<Record<string, unknown>>): string {
  return template.replace(/\{([^{}/]+)\}/g, (_, name: string) => {
    const value = variables[name]
    if (value === undefined || value === null) {
      throw new WechatpayValidationError(name, `the path needs {${name}}; pass it as the "${name}" option`)
    }
    if (typeof value !== 'string') {
      throw new WechatpayValidationError(name, `must be a string, got ${typeof value}`)
    }
    if (value === '' || value === '.' || value === '..') {
      throw new WechatpayValidationError(name, `must not be empty, "." or ".."`)
    }
    checkFormat(name, value, name)
    try {
      return encodeURIComponent(value)
    } catch {
      throw new WechatpayValidationError(name, 'is not well-formed Unicode')
    }
  })
}

/** Builds `?a=1&b=2` (insertion order, each part percent-encoded) or `''`. */
export function queryString(query: Readonly<Record<string, QueryValue>> | undefined): string {
  if (!query) return ''
  let out = ''
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new WechatpayValidationError(
        `query.${key}`,
        `must be a string, number or boolean, got ${typeof value}`,
      )
    }
    try {
      out += `${out ? '&' : '?'}${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`
    } catch {
      throw new WechatpayValidationError(`query.${key}`, 'is not well-formed Unicode')
    }
  }
  return out
}
