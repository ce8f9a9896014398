// The generated runtime table (catalogue/table.ts) against the catalogue itself, read here directly
// as the oracle; and what the request pipeline does with it: the URI quirks reach their real URI in
// every call style, and the endpoints of other hosts go there. A recording `fetch` stands in for the
// network (it answers 404, so nothing needs a signature).
import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, test } from 'vitest'
import { appid, clientOptions, mchid } from '../../test/fixtures'
import { type TestKeys, testKeys } from '../../test/keys'
import { Wechatpay } from '../node'
import { isDownloadPath } from '../v3/call'
import { API_CERT, DOWNLOADS, HOSTS, UPLOADS, URI_QUIRKS } from './catalogue/table'

interface Endpoint {
  path: string
  method: string
  kind: string
  host?: string
  apiCert?: boolean
}
const catalogue = JSON.parse(
  readFileSync(new URL('../../catalogue/wechatpay-api.json', import.meta.url), 'utf8'),
) as { endpoints: Endpoint[] }
/** A path as a call expands it: every `{variable}` becomes a value. */
const expanded = (path: string) => path.replace(/\{[^}]+\}/g, 'V1')

describe('the runtime table agrees with the catalogue', () => {
  const byPath = new Map<string, Endpoint[]>()
  for (const e of catalogue.endpoints) byPath.set(e.path, [...(byPath.get(e.path) ?? []), e])
  test.each([
    ['DOWNLOADS', DOWNLOADS, (e: Endpoint) => e.kind === 'download'],
    ['UPLOADS', UPLOADS, (e: Endpoint) => e.kind === 'upload'],
    ['API_CERT', API_CERT, (e: Endpoint) => e.apiCert === true],
  ] as const)('%s matches exactly the flagged endpoints', (_, pattern, flagged) => {
    let count = 0
    for (const [path, endpoints] of byPath) {
      const expected = endpoints.some(flagged)
      if (expected) count++
      expect([path, pattern.test(expanded(path))]).toEqual([path, expected])
    }
    expect(count).toBeGreaterThan(0)
  })
  test('HOSTS lists every endpoint on another host', () => {
    const other = catalogue.endpoints.filter((e) => e.host && e.host !== 'api.mch.weixin.qq.com')
    expect(other.length).toBe(10)
    for (const e of other) expect([e.path, HOSTS.get(e.path)]).toEqual([e.path, e.host])
    expect(HOSTS.get('v3/pay/transactions/jsapi')).toBeUndefined()
  })
  test('isDownloadPath reads the table (statements and transfer files included)', () => {
    expect(isDownloadPath('v3/transferdownload/signfile')).toBe(true)
    expect(isDownloadPath('hk/v3/statements')).toBe(true)
    expect(isDownloadPath('v3/global/merchant-service/images/abc')).toBe(true)
    expect(isDownloadPath('v3/global/merchant-service/images/upload')).toBe(false)
    expect(isDownloadPath('v3/transferdownload/signfile/x')).toBe(false)
  })
  test('every endpoint the docs call a download is one (the README list, and the peers recorded in docs/protocol-2.md §6)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
    const paragraph = readme.slice(readme.indexOf('**Download endpoints.**'), readme.indexOf('**Bills:'))
    const listed = [...paragraph.matchAll(/`((?:v2|v3|hk)\/[^`]+)`/g)]
      .map((m) => m[1] as string)
      .filter((path) => !path.endsWith('/*'))
    expect(listed).toContain('v3/new-tax-control-fapiao/download')
    expect(listed.length).toBeGreaterThanOrEqual(5)
    const protocol = readFileSync(new URL('../../../../docs/protocol-2.md', import.meta.url), 'utf8')
    const section = protocol.slice(protocol.indexOf('## 6. Downloads'), protocol.indexOf('- Bills:'))
    const peers = [...section.matchAll(/`\/((?:v3|hk)\/[^`]+)`/g)]
      .map((m) => m[1] as string)
      .filter((path) => !path.endsWith('/*'))
      // `v3/statements` is the HK statement through the base URI `…/hk/`: a statement (STATEMENTS,
      // matched with the base URL's path, signed over its SHA-1), not a plain download
      .filter((path) => path !== 'v3/statements')
      .flatMap((path) =>
        path.includes('(global/)')
          ? [path.replace('(global/)', ''), path.replace('(global/)', 'global/')]
          : [path],
      )
    expect(peers.length).toBeGreaterThanOrEqual(8)
    for (const path of [...listed, ...peers])
      expect([path, isDownloadPath(expanded(path))]).toEqual([path, true])
  })
  test('every URI quirk leads to a catalogue path', () => {
    for (const [spelling, path] of URI_QUIRKS) {
      expect(byPath.has(path), spelling).toBe(true)
      expect(byPath.has(spelling), spelling).toBe(false)
    }
  })
})

describe('the pipeline uses it', () => {
  let keys: TestKeys
  beforeAll(() => {
    keys = testKeys()
  })
  function client(seen: string[], extra: Record<string, unknown> = {}): Wechatpay {
    const fetch = (async (input: RequestInfo | URL) => {
      seen.push(String(input))
      return new Response('{"code":"NOT_FOUND","message":"recorded"}', {
        status: 404,
        headers: { 'content-type': 'application/json' },
      })
    }) as typeof globalThis.fetch
    return new Wechatpay({ ...clientOptions(keys), fetch, ...extra })
  }
  // Incomplete requests on purpose (only the URL they go to is checked): typed as anything.
  const xml = { appid, mch_id: mchid } as never

  test('upper-case URIs, in the three call styles and the kebab spelling', async () => {
    const seen: string[] = []
    const wxpay = client(seen)
    const calls = [
      () => wxpay.v2.secapi.mch._addinstitutionsub_.post({ xml }),
      () => wxpay.chain('v2/secapi/mch/{addinstitutionsub}').post({ xml }),
      () => wxpay['v2/secapi/mch/addInstitutionsub'].post({ xml }),
      () => wxpay.v2.secapi.mch.addInstitutionsub.post({ xml }),
    ]
    for (const call of calls) await expect(call()).rejects.toThrow()
    expect(seen).toEqual(Array(4).fill('https://api.mch.weixin.qq.com/secapi/mch/addInstitutionsub'))
  })

  test('trailing-slash URIs, in the three call styles', async () => {
    const seen: string[] = []
    const wxpay = client(seen)
    const json = { business_code: 'B1' } as never
    const calls = [
      () => wxpay.v3.applyment4sub.applyment._empty_.post({ json }),
      () => wxpay.chain('v3/applyment4sub/applyment/{empty}').post({ json }),
      () => wxpay['v3/applyment4sub/applyment/'].post({ json }),
      () => wxpay.chain('v3/ecommerce/applyments/').post({ json }),
    ]
    for (const call of calls) await expect(call()).rejects.toMatchObject({ status: 404 })
    expect(seen).toEqual([
      ...Array(3).fill('https://api.mch.weixin.qq.com/v3/applyment4sub/applyment/'),
      'https://api.mch.weixin.qq.com/v3/ecommerce/applyments/',
    ])
  })

  test('endpoints on other hosts go there from the default gateway, and to a custom baseUrl as given', async () => {
    const seen: string[] = []
    const wxpay = client(seen)
    await expect(wxpay.v2.risk.getpublickey.post({ xml })).rejects.toThrow()
    await expect(wxpay.v2.secsvc.realnameauth.post({ xml })).rejects.toThrow()
    await expect(wxpay.global.v3.customs.orders.get({ query: { appid } } as never)).rejects.toThrow()
    await expect(wxpay['hk/v3/transactions/micropay'].post({ json: {} } as never)).rejects.toThrow()
    await expect(wxpay.v3.global.transactions.native.post({ json: {} } as never)).rejects.toThrow()
    expect(seen).toEqual([
      'https://fraud.mch.weixin.qq.com/risk/getpublickey',
      'https://fraud.mch.weixin.qq.com/secsvc/realnameauth',
      `https://apihk.mch.weixin.qq.com/global/v3/customs/orders?appid=${appid}`,
      'https://api.mch.weixin.qq.com/hk/v3/transactions/micropay',
      'https://api.mch.weixin.qq.com/v3/global/transactions/native',
    ])
    const proxied: string[] = []
    const sandbox = client(proxied, { baseUrl: 'http://127.0.0.1:9/gw/', backupBaseUrl: false })
    await expect(sandbox.v2.risk.getpublickey.post({ xml })).rejects.toThrow()
    expect(proxied).toEqual(['http://127.0.0.1:9/gw/risk/getpublickey'])
  })
})
