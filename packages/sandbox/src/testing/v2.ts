// APIv2 test doubles: the sandbox's own sign and XML builder, under the names tests use.
import { isV2SignType, type V2SignType, v2Sign } from '../v2-sign'
import { buildV2Xml, parseV2Xml } from '../xml'

export { isV2SignType, parseV2Xml, type V2SignType, v2Sign }

/**
 * `<xml><k><![CDATA[v]]></k>…</xml>` in the order given, every value in CDATA (a `]]>` inside a
 * value is split across two sections, so any string survives).
 */
export function v2Xml(fields: Record<string, string>): string {
  return buildV2Xml(fields)
}

/**
 * A v2 document with its `sign` last: `fields` signed with the APIv2 key. `type` is a `sign_type`
 * value as a request carries it (`undefined` means MD5, as on the wire); anything else throws.
 */
export function signedV2Xml(fields: Record<string, string>, secret: string, type?: string): string {
  const signType = type ?? 'MD5'
  if (!isV2SignType(signType)) throw new TypeError(`unknown sign_type ${signType}`)
  return v2Xml({ ...fields, sign: v2Sign(fields, secret, signType) })
}
