import { XMLBuilder, XMLParser } from 'fast-xml-parser'

/** APIv2 replies larger than this are refused before parsing. */
export const MAX_XML_BYTES = 1024 * 1024

export class XmlError extends Error {}

const parser = new XMLParser({
  // Every value stays a string: a 28-digit out_trade_no must survive byte for byte.
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Whitespace inside a value (and inside CDATA) is part of what was signed: keep it.
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
})

const builder = new XMLBuilder({ cdataPropName: '#cdata', suppressEmptyNode: false })

const FIELD_NAME = /^[A-Za-z_][\w.-]*$/

// DOCTYPE and ENTITY declarations are how XXE and entity-expansion attacks start; WeChat Pay never sends them.
const DECLARATION = /<!\s*(?:DOCTYPE|ENTITY)/i

/**
 * Parses an APIv2 XML document (`<xml><k>v</k>…</xml>`) into a flat object of strings.
 * Refuses DOCTYPE/ENTITY declarations, nested elements and repeated fields. `root` names the root
 * element (`root` for the decrypted `req_info` of a refund notification).
 */
export function parseXml(text: string, root: 'xml' | 'root' = 'xml'): Record<string, string> {
  if (DECLARATION.test(text)) throw new XmlError('XML with a DOCTYPE or ENTITY declaration is refused')
  let document: unknown
  try {
    document = parser.parse(text, true)
  } catch (err) {
    throw new XmlError(`malformed XML: ${(err as Error).message}`)
  }
  const element = (document as Record<string, unknown> | undefined)?.[root]
  if (element === '') return {}
  if (!element || typeof element !== 'object' || Array.isArray(element))
    throw new XmlError(`expected a single <${root}> root`)
  const out: Record<string, string> = Object.create(null)
  for (const [key, value] of Object.entries(element)) {
    if (key === '#text') {
      if (typeof value === 'string' && value.trim() === '') continue
      throw new XmlError(`unexpected text directly inside <${root}>`)
    }
    // fast-xml-parser renames a <__proto__> field to `#__proto__`: no WeChat Pay field looks like that.
    if (!FIELD_NAME.test(key) || key === '__proto__')
      throw new XmlError(`field name ${JSON.stringify(key)} is refused`)
    if (typeof value !== 'string') throw new XmlError(`field <${key}> is not a single text value`)
    out[key] = value
  }
  return out
}

/**
 * Builds `<xml><k><![CDATA[v]]></k>…</xml>`; every value goes in CDATA, and a `]]>` inside a value
 * is split across two CDATA sections so that it survives.
 */
export function buildXml(fields: Readonly<Record<string, string>>): string {
  // No prototype: a field named `__proto__` is written, not swallowed as a prototype assignment.
  const xml: Record<string, { '#cdata': string | string[] }> = Object.create(null)
  for (const [key, value] of Object.entries(fields)) xml[key] = { '#cdata': cdata(value) }
  return builder.build({ xml }) as string
}

function cdata(value: string): string | string[] {
  if (!value.includes(']]>')) return value
  // 'a]]>b' → ['a]]', '>b']: adjacent CDATA sections parse back into 'a]]>b'.
  return value
    .split(']]>')
    .map((part, i, all) => (i > 0 ? '>' : '') + part + (i < all.length - 1 ? ']]' : ''))
}
