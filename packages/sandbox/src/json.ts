/** A JSON object: what a parsed request body or keys file must be before its fields are read. */
export type Json = Record<string, unknown>

/** Not null, not an array: a plain JSON object. */
export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
