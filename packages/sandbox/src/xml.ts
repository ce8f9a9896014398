import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser'

/** Largest APIv2 body the sandbox reads; anything bigger is an XML_FORMAT_ERROR (an assumption). */
export const MAX_XML_BYTES = 1024 * 1024

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  // every value stays a string: a 28-digit out_trade_no must survive byte-for-byte
  parseTagValue: false,
  // whitespace inside a value is part of what was signed
  trimValues: false,
  // only the five predefined entities can occur: DOCTYPE is refused before parsing
  processEntities: true,
})

const builder = new XMLBuilder({ cdataPropName: '__cdata' })

/**
 * Parses an APIv2 body `<xml><k>v</k>…</xml>` into flat string fields.
 *
 * @returns the fields, or `undefined` when the body is not such a document (malformed XML, a
 * DOCTYPE or ENTITY declaration, another root, nested or repeated elements)
 */
export function parseV2Xml(text: string): Record<string, string> | undefined {
  // refuse DTDs outright (XXE, billion laughs): docs/protocol.md, "APIv2 signing"
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) return undefined
  if (XMLValidator.validate(text) !== true) return undefined
  let doc: unknown
  try {
    doc = parser.parse(text)
  } catch {
    return undefined
  }
  if (typeof doc !== 'object' || doc === null) return undefined
  const roots = Object.keys(doc)
  if (roots.length !== 1 || roots[0] !== 'xml') return undefined
  const root = (doc as { xml: unknown }).xml
  if (root === '') return {}
  if (typeof root !== 'object' || root === null) return undefined
  const fields: Record<string, string> = Object.create(null)
  for (const [key, value] of Object.entries(root)) {
    if (key === '#text') {
      if (typeof value === 'string' && value.trim() === '') continue
      return undefined
    }
    if (typeof value !== 'string') return undefined
    fields[key] = value
  }
  return fields
}

/** Builds `<xml>` with every value in CDATA, as the gateway replies. */
export function buildV2Xml(fields: Record<string, string>): string {
  const xml: Record<string, { __cdata: string }> = {}
  for (const [key, value] of Object.entries(fields)) xml[key] = { __cdata: value }
  return builder.build({ xml }) as string
}
