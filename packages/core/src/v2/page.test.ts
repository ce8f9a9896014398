// `wxpay.pageUrl` (docs/protocol-3.md, "Page endpoints"): the URL is taken apart with WHATWG URL
// and its sign recomputed with the node:crypto signer of @wxpay/sandbox/testing, independently of
// the SDK; nothing may be sent (the client's fetch throws if called).
import { v2Sign } from '@wxpay/sandbox/testing'
import { describe, expect, test } from 'vitest'
import { appid, mchid, secret } from '../../test/fixtures'
import { WechatpayValidationError } from '../errors'
import { Wechatpay } from '../index'

const noFetch = (() => {
  throw new Error('pageUrl must not send anything')
}) as unknown as typeof fetch
const client = (baseUrl?: string) =>
  new Wechatpay({ mchid, secret, fetch: noFetch, ...(baseUrl ? { baseUrl, backupBaseUrl: false } : {}) })

const entrust = {
  appid,
  mch_id: mchid,
  plan_id: 12535,
  contract_code: '100001256',
  request_serial: 1000,
  contract_display_account: '微信代扣 & co',
  notify_url: 'https://example.com/notify?a=1&b=二',
  version: '1.0',
  timestamp: '1414488825',
}

describe('pageUrl', () => {
  test.each(['v2/papay/entrustweb', 'v2/papay/partner/entrustweb'])(
    '%s: the fields percent-encoded, signed (MD5) over their raw values, no nonce_str',
    async (path) => {
      const url = new URL(await client().pageUrl(path, { query: entrust }))
      expect(`${url.origin}${url.pathname}`).toBe(`https://api.mch.weixin.qq.com/${path.slice(3)}`)
      const { sign, ...fields } = Object.fromEntries(url.searchParams)
      expect(fields).toEqual(Object.fromEntries(Object.entries(entrust).map(([k, v]) => [k, String(v)])))
      expect(sign).toBe(v2Sign(fields, secret, 'MD5'))
      // Nothing outside RFC 3986's unreserved set is left raw in the query.
      expect(url.search.slice(1)).toMatch(/^[A-Za-z0-9\-._~%=&]+$/)
    },
  )

  test('HMAC-SHA256 when sign_type says so', async () => {
    const url = new URL(
      await client().pageUrl('v2/papay/entrustweb', { query: { ...entrust, sign_type: 'HMAC-SHA256' } }),
    )
    const { sign, ...fields } = Object.fromEntries(url.searchParams)
    expect(sign).toBe(v2Sign(fields, secret, 'HMAC-SHA256'))
  })

  test('v2/appauth/authindex: on payapp.mch.weixin.qq.com, unsigned (the page takes no sign)', async () => {
    const query = {
      mch_id: mchid,
      appid,
      redirect_uri: 'https://example.com/back',
      response_type: 'code',
      scope: 'pay_identity',
      state: 'S1',
    }
    const url = new URL(await client().pageUrl('v2/appauth/authindex', { query }))
    expect(`${url.origin}${url.pathname}`).toBe('https://payapp.mch.weixin.qq.com/appauth/authindex')
    expect(Object.fromEntries(url.searchParams)).toEqual(query)
  })

  test('a client with its own baseUrl (a sandbox) builds the URL there', async () => {
    const url = await client('http://127.0.0.1:9/sb/').pageUrl('v2/appauth/authindex', {
      query: { state: 'x' },
    })
    expect(url).toBe('http://127.0.0.1:9/sb/appauth/authindex?state=x')
  })

  test.each([
    ['v2/pay/unifiedorder', { query: {} }, 'path'],
    ['v2/papay/entrustweb', { query: { ...entrust, mch_id: '1' } }, 'query.mch_id'],
    ['v2/papay/entrustweb', { query: { ...entrust, version: ' 1.0' } }, 'query.version'],
    ['v2/papay/entrustweb', {}, 'query'],
  ])('refuses %s %o, naming %s', async (path, options, option) => {
    const error = await client()
      .pageUrl(path, options as never)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatpayValidationError)
    expect(error).toMatchObject({ option })
  })
})
