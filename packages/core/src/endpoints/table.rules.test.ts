// The generated per-endpoint rules (catalogue/table.ts, from scripts/endpoint-facts.mjs) against the
// catalogue, read here directly as the oracle: every rule names an endpoint of the right kind, and
// every upload's meta rule names fields and a file part that endpoint's form really has.
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import {
  CERTIFICATE_ENDPOINTS,
  JSON_V2,
  NONCELESS_V2,
  PAGES,
  QUERY_SIGNED_V2,
  STATEMENTS,
  UNSIGNED_V2,
  UPLOAD_META,
  V2_UPLOADS,
} from './catalogue/table'

interface Schema {
  type?: string
  properties?: Record<string, Schema & { 'x-json'?: Schema }>
  required?: string[]
}
interface Endpoint {
  path: string
  method: string
  protocol: string
  kind: string
  query?: Schema
  formData?: Schema
  responseHeaders?: string[]
  aeadFields?: string[]
}
const catalogue = JSON.parse(
  readFileSync(new URL('../../catalogue/wechatpay-api.json', import.meta.url), 'utf8'),
) as { endpoints: Endpoint[] }
const byPath = new Map(catalogue.endpoints.map((e) => [e.path, e]))
const expanded = (path: string) => path.replace(/\{[^}]+\}/g, 'V1')

describe('the per-endpoint rules agree with the catalogue', () => {
  test.each([
    ['UNSIGNED_V2', UNSIGNED_V2],
    ['NONCELESS_V2', NONCELESS_V2],
    ['JSON_V2', JSON_V2],
    ['QUERY_SIGNED_V2', QUERY_SIGNED_V2],
  ])('%s names APIv2 endpoints of the catalogue', (_, set) => {
    expect(set.size).toBeGreaterThan(0)
    for (const path of set) expect([path, byPath.get(path)?.protocol]).toEqual([path, 'v2'])
  })

  test('the sizes the facts promise (25 unsigned, 19 nonceless, 3 pages)', () => {
    expect([UNSIGNED_V2.size, NONCELESS_V2.size, PAGES.size]).toEqual([25, 19, 3])
  })

  test('PAGES: exactly the page endpoints; signed where the catalogue lists a sign', () => {
    const pages = catalogue.endpoints.filter((e) => e.kind === 'page')
    expect([...PAGES.keys()].sort()).toEqual(pages.map((e) => e.path).sort())
    for (const e of pages) expect(PAGES.get(e.path)!.signed).toBe(Boolean(e.query?.properties?.sign))
  })

  test('UPLOAD_META: every v3 upload once, its fields and file part in the endpoint’s form', () => {
    const uploads = catalogue.endpoints.filter((e) => e.kind === 'upload' && e.protocol === 'v3')
    expect(uploads).toHaveLength(14)
    for (const e of uploads) {
      const rules = UPLOAD_META.filter(([pattern]) => pattern.test(expanded(e.path)))
      expect([e.path, rules.length]).toEqual([e.path, 1])
      const [, rule] = rules[0]!
      const form = e.formData!.properties!
      expect([e.path, form[rule.file]?.type]).toEqual([e.path, 'file'])
      const meta = Object.keys(form.meta!['x-json']!.properties!)
      for (const field of [rule.name, rule.digest, ...Object.keys(rule.fixed ?? {})].filter(Boolean))
        expect([e.path, meta]).toEqual([e.path, expect.arrayContaining([field])])
    }
  })

  test('V2_UPLOADS: the v2 upload, its hash field and file part in its form', () => {
    for (const [path, rule] of V2_UPLOADS) {
      const form = byPath.get(path)!.formData!.properties!
      expect(form[rule.file]?.type).toBe('file')
      expect(form[rule.hash]?.type).toBe('string')
    }
  })

  test('STATEMENTS: the downloads whose reply carries Wechatpay-Statement-Sha1', () => {
    const withSha1 = catalogue.endpoints.filter((e) =>
      e.responseHeaders?.includes('Wechatpay-Statement-Sha1'),
    )
    expect(withSha1.map((e) => e.path).sort()).toEqual(['hk/v3/statements', 'v3/global/statements'])
    for (const e of withSha1) expect(STATEMENTS.test(e.path)).toBe(true)
    expect(STATEMENTS.test('v3/statements')).toBe(false)
  })

  test('CERTIFICATE_ENDPOINTS: the endpoints answering sealed certificates', () => {
    const sealed = catalogue.endpoints.filter((e) =>
      e.aeadFields?.includes('response.data[].encrypt_certificate'),
    )
    expect([...CERTIFICATE_ENDPOINTS].sort()).toEqual(sealed.map((e) => e.path).sort())
  })
})
