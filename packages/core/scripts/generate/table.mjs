// The runtime tables: src/endpoints/catalogue/table.ts (downloads, uploads, mutual TLS, hosts, URI
// quirks, DELETE bodies, and the per-endpoint rules of scripts/endpoint-facts.mjs checked against
// the catalogue) and src/endpoints/catalogue/retry.ts (the endpoints a retry may re-send).
import { join } from 'node:path'
import * as facts from '../endpoint-facts.mjs'
import { cmp, DEFAULT_HOST } from './catalogue.mjs'
import { key, str } from './naming.mjs'

/** A regular expression source matching the expanded form of these templates (a variable: one segment). */
export function pattern(templates, endpoints) {
  const literals = new Set(endpoints.map((e) => e.path).filter((p) => !p.includes('{')))
  const alternatives = [...new Set(templates)].sort().map((t) => {
    const parts = t.split('/')
    return parts
      .map((seg, i) => {
        if (!/^\{.+\}$/.test(seg)) return seg.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
        // A literal sibling (`images/upload` beside `images/{media_id}`) is another endpoint.
        const prefix = parts.slice(0, i).join('/')
        const siblings = [...literals]
          .filter((p) => p.startsWith(`${prefix}/`) && p.split('/').length === parts.length)
          .map((p) => p.split('/')[i])
          .filter((s, j, all) => all.indexOf(s) === j)
          .sort()
        return siblings.length ? `(?!(?:${siblings.join('|')})$)[^/]+` : '[^/]+'
      })
      .join('\\/')
  })
  return `^(?:${alternatives.join('|')})$`
}

/**
 * A download the catalogue lacks but the docs name (docs/protocol-2.md §6): the e-fapiao file behind
 * the `download_url` of `…/fapiao-files` is unsigned (wechatpay-axios-plugin `lib/decorator.js`
 * `DOWNLOADS`). (`v3/statements`, the HK statement through the base URI `…/hk/`, is no plain
 * download: it is a statement, STATEMENTS, matched with the base URL's path.)
 */
const EXTRA_DOWNLOADS = ['v3/new-tax-control-fapiao/download']

/** table.ts and retry.ts (file → text). */
export function emitTableFiles({ endpoints, out, header }) {
  const files = new Map()
  {
    const downloads = [
      ...endpoints.filter((e) => e.kind === 'download'),
      ...EXTRA_DOWNLOADS.map((path) => ({ path })),
    ]
    const uploads = endpoints.filter((e) => e.kind === 'upload')
    const certs = endpoints.filter((e) => e.apiCert)
    const hosts = endpoints
      .filter((e) => e.host && e.host !== DEFAULT_HOST)
      .map((e) => [e.path, e.host])
      .filter(([p], i, all) => all.findIndex(([q]) => q === p) === i)
    const quirks = []
    for (const e of endpoints.filter((x) => x.chain)) {
      quirks.push([e.chain, e.path])
      // `['…/applyment/']` and `chain('…/applyment/')` lose the slash to normalisation; a property
      // chain spells an upper-case segment in kebab case (`addInstitutionsub` → `add-institutionsub`).
      const trimmed = e.path.replace(/\/+$/, '')
      if (trimmed !== e.path && !endpoints.some((x) => x.path === trimmed)) quirks.push([trimmed, e.path])
      const kebab = e.path.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
      if (kebab !== e.path) quirks.push([kebab, e.path])
    }
    quirks.sort((a, b) => cmp(a[0], b[0]))
    const deleteBodies = endpoints
      .filter((e) => e.method === 'delete' && (e.json || e.xml))
      .map((e) => e.path)
    let text = header
    text +=
      '// Facts the request pipeline needs at run time; the types need none of them. Paths are chain paths\n' +
      '// (`v2/…` included); a pattern matches the path after its variables are expanded.\n\n'
    text += `/** Endpoints whose 2xx reply is a file (not a signed JSON or XML body): ${downloads.map((e) => `\`${e.path}\``).join(', ')}. */\n`
    text += `export const DOWNLOADS: RegExp = /${pattern(
      downloads.map((e) => e.path),
      endpoints,
    )}/\n\n`
    text += '/** Endpoints that send `multipart/form-data`. */\n'
    text += `export const UPLOADS: RegExp = /${pattern(
      uploads.map((e) => e.path),
      endpoints,
    )}/\n\n`
    text += '/** v2 endpoints that need the merchant API client certificate (mutual TLS). */\n'
    text += `export const API_CERT: RegExp = /${pattern(
      certs.map((e) => e.path),
      endpoints,
    )}/\n\n`
    text += '/** Endpoints served on another host than `api.mch.weixin.qq.com` (path → host). */\n'
    text += `export const HOSTS: ReadonlyMap<string, string> = new Map([\n${hosts.map(([p, h]) => `  [${str(p)}, ${str(h)}],`).join('\n')}\n])\n\n`
    text +=
      '/** URIs with upper-case letters or a trailing slash: each spelling the chain can produce → the URI template. */\n'
    text += `export const URI_QUIRKS: ReadonlyMap<string, string> = new Map([\n${quirks.map(([a, b]) => `  [${str(a)}, ${str(b)}],`).join('\n')}\n])\n\n`
    text +=
      '/** DELETE endpoints that take a JSON body (path templates); any other DELETE (and every GET) has none. */\n'
    text += `export const DELETE_BODIES: ReadonlySet<string> = new Set([\n${deleteBodies.map((p) => `  ${str(p)},`).join('\n')}\n])\n`
    text += rulesText(endpoints)
    files.set(join(out, 'table.ts'), text)
  }

  {
    const rows = []
    for (const e of endpoints) {
      if (e.method === 'get') continue
      const body = e.json ?? e.xml
      const fields = new Set([
        ...Object.keys(body?.properties ?? {}),
        ...[...e.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]),
      ])
      const key = RETRY_KEYS.find((k) => fields.has(k))
      if (key) rows.push([e.method.toUpperCase(), e.path, key])
    }
    rows.sort((a, b) => cmp(`${a[1]} ${a[0]}`, `${b[1]} ${b[0]}`))
    let text = header
    text +=
      '// Non-GET endpoints a retry may re-send: `METHOD path` → the merchant-chosen id that WeChat Pay\n' +
      '// de-duplicates on. A call is retried only when it carries that id (docs/retry.md).\n\n'
    text += `export const RETRY_KEYED: ReadonlyMap<string, string> = new Map([\n${rows.map(([m, p, k]) => `  [${str(`${m} ${p}`)}, ${str(k)}],`).join('\n')}\n])\n`
    files.set(join(out, 'retry.ts'), text)
  }
  return files
}

/**
 * The per-endpoint rules of scripts/endpoint-facts.mjs, checked against the catalogue (a path it
 * lacks, or of the wrong kind, stops the generator), as runtime data.
 */
function rulesText(endpoints) {
  const byPath = new Map(endpoints.map((e) => [e.path, e]))
  const known = (list, what, test = () => true) => {
    for (const [path] of list) {
      const e = byPath.get(path)
      if (!e || !test(e))
        throw new Error(`endpoint-facts.mjs ${what}: ${path} is not such an endpoint of the catalogue`)
    }
    return list.map(([path]) => path).sort()
  }
  const set = (paths) => `new Set([\n${paths.map((p) => `  ${str(p)},`).join('\n')}\n])`
  const v2 = (e) => e.protocol === 'v2'
  const unsigned = known(facts.UNSIGNED_V2, 'UNSIGNED_V2', v2)
  const nonceless = known(facts.NONCELESS_V2, 'NONCELESS_V2', v2)
  const json = known(facts.JSON_V2, 'JSON_V2', v2)
  known(facts.UPLOAD_META, 'UPLOAD_META', (e) => e.kind === 'upload' && e.protocol === 'v3')
  known(facts.V2_UPLOADS, 'V2_UPLOADS', (e) => e.kind === 'upload' && v2(e))
  const statements = known(facts.STATEMENTS, 'STATEMENTS', (e) => e.kind === 'download')
  const certificates = known(facts.CERTIFICATE_ENDPOINTS, 'CERTIFICATE_ENDPOINTS', (e) =>
    (e.aeadFields ?? []).includes('response.data[].encrypt_certificate'),
  )
  const uploads = endpoints.filter((e) => e.kind === 'upload' && e.protocol === 'v3')
  const missing = uploads.filter((e) => !facts.UPLOAD_META.some(([p]) => p === e.path))
  if (missing.length)
    throw new Error(`endpoint-facts.mjs UPLOAD_META lacks ${missing.map((e) => e.path).join(', ')}`)
  const pages = endpoints.filter((e) => e.kind === 'page')
  let text =
    '\n// Per-endpoint rules: scripts/endpoint-facts.mjs (each with its source) checked against the\n'
  text += '// catalogue; docs/protocol-3.md explains them.\n\n'
  text +=
    '/** APIv2 endpoints whose SUCCESS reply may lack a `sign` (one that is present is still verified). */\n'
  text += `export const UNSIGNED_V2: ReadonlySet<string> = ${set(unsigned)}\n\n`
  text +=
    '/** APIv2 endpoints that take no `nonce_str` (the SDK adds none; one given is sent and signed). */\n'
  text += `export const NONCELESS_V2: ReadonlySet<string> = ${set(nonceless)}\n\n`
  text += '/** APIv2 endpoints answered with unsigned JSON (`retcode`, `retmsg`, …). */\n'
  text += `export const JSON_V2: ReadonlySet<string> = ${set(json)}\n\n`
  const querySigned = endpoints
    .filter((e) => v2(e) && e.method === 'get' && e.kind !== 'page' && e.query?.properties?.sign)
    .map((e) => e.path)
  text +=
    '/** APIv2 GET endpoints whose fields and `sign` go in the query string (the catalogue lists a `sign` there). */\n'
  text += `export const QUERY_SIGNED_V2: ReadonlySet<string> = ${set(querySigned)}\n\n`
  text +=
    '/** `page` endpoints: a URL for the browser (`wxpay.pageUrl`), never fetched; `signed` when the catalogue lists a `sign`. */\n'
  text += `export type PagePath = ${pages.map((e) => str(e.path)).join(' | ')}\n\n`
  text += `export const PAGES: ReadonlyMap<string, { readonly signed: boolean }> = new Map([\n${pages
    .map((e) => `  [${str(e.path)}, { signed: ${Boolean(e.query?.properties?.sign)} }],`)
    .join('\n')}\n])\n\n`
  text += "/** What an upload endpoint takes in `meta` besides the caller's fields, and its file part. */\n"
  text += 'export interface UploadMetaRule {\n'
  text += '  /** The meta field the SDK fills with the file name, if any. */\n  readonly name?: string\n'
  text +=
    '  /** The meta field the SDK fills with the lower-case hex digest of the file. */\n  readonly digest: string\n'
  text += "  readonly algorithm: 'SHA-256' | 'SM3'\n"
  text +=
    "  /** Fixed meta fields (the digest algorithm's name). */\n  readonly fixed?: Readonly<Record<string, string>>\n"
  text += '  /** The name of the file part. */\n  readonly file: string\n}\n\n'
  text += '/** Upload endpoints (a pattern over the expanded path) → their meta rule. */\n'
  text += 'export const UPLOAD_META: ReadonlyArray<readonly [RegExp, UploadMetaRule]> = [\n'
  for (const [path, rule] of [...facts.UPLOAD_META].sort((a, b) => cmp(a[0], b[0]))) {
    const parts = [
      rule.name && `name: ${str(rule.name)}`,
      `digest: ${str(rule.digest)}`,
      `algorithm: ${str(rule.algorithm)}`,
    ]
    if (rule.fixed)
      parts.push(
        `fixed: { ${Object.entries(rule.fixed)
          .map(([k, v]) => `${key(k)}: ${str(v)}`)
          .join(', ')} }`,
      )
    parts.push(`file: ${str(rule.file)}`)
    text += `  [/${pattern([path], endpoints)}/, { ${parts.filter(Boolean).join(', ')} }],\n`
  }
  text += ']\n\n'
  text +=
    "/** APIv2 multipart uploads: the field of the file's MD5 and the file part (text parts signed, the file not). */\n"
  text += `export const V2_UPLOADS: ReadonlyMap<string, { readonly hash: string; readonly file: string }> = new Map([\n${facts.V2_UPLOADS.map(
    ([p, r]) => `  [${str(p)}, { hash: ${str(r.hash)}, file: ${str(r.file)} }],`,
  ).join('\n')}\n])\n\n`
  text +=
    '/** Statements signed over `{"sha1":"…"}` (matched against the base URL\'s path + the call\'s path). */\n'
  text += `export const STATEMENTS: RegExp = /${pattern(statements, endpoints)}/\n\n`
  text += '/** Where each region downloads its platform certificates (`certificatesEndpoint`). */\n'
  text += `export const CERTIFICATE_ENDPOINTS: readonly string[] = [${facts.CERTIFICATE_ENDPOINTS.map(([p]) => str(p)).join(', ')}]\n`
  void certificates
  return text
}

// ---------------------------------------------------------------------------------------------
// Retry keys: which non-GET endpoints a retry cannot make act twice (docs/retry.md)

/**
 * Ids the merchant chooses and WeChat Pay de-duplicates on ("商户…单号": the same number with the
 * same parameters returns the first result instead of acting again), most specific first: a refund
 * carries `out_trade_no` too, but it is `out_refund_no` that makes it re-entrant. Sources: the
 * "重入/幂等" notes of the order, refund, profit-sharing, transfer and red-packet pages, listed in
 * docs/retry.md.
 */
const RETRY_KEYS = [
  'out_refund_no',
  'out_return_no',
  'out_order_no',
  'out_batch_no',
  'out_bill_no',
  'partner_trade_no',
  'mch_billno',
  'out_request_no',
  'out_trade_no',
]
