// `proxy` and `connectTimeout` (Node.js transport) through a real forward proxy on loopback: the
// npm `proxy` server on a node:http server, recording every CONNECT it handles. The gateway and
// the sandbox (mutual TLS included) check what arrives.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { type Gateway, startGateway } from '@wxpay/sandbox/testing'
import { createProxy } from 'proxy'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { clientOptions, mchid, merchantSerial, platformSerial, secret } from '../../test/fixtures'
import { type TestKeys, testKeys } from '../../test/keys'
import { WechatpayTransportError, WechatpayValidationError } from '../errors'
import { Wechatpay as FetchWechatpay } from '../index'
import { Wechatpay } from '../node'

let keys: TestKeys
let gateway: Gateway
let sb: Sandbox
let proxyServer: Server
let proxyUrl: string
/** `host:port` of every CONNECT the proxy handled, and every plain (absolute-form) request. */
const connects: string[] = []
const forwarded: string[] = []

beforeAll(async () => {
  keys = testKeys()
  gateway = await startGateway({
    mchid,
    merchantSerial,
    merchantPublicKey: keys.merchantPublicKey,
    platformSerial,
    platformKey: keys.platformKey,
    secret,
  })
  gateway.handler = () => ({ status: 200, body: '{"trade_state":"SUCCESS"}' })
  sb = await startSandbox({ mtls: true })
  const server = createServer()
  server.on('connect', (req) => connects.push(req.url ?? ''))
  server.on('request', (req) => forwarded.push(req.url ?? ''))
  proxyServer = createProxy(server)
  await new Promise<void>((resolve) => proxyServer.listen(0, '127.0.0.1', resolve))
  proxyUrl = `http://127.0.0.1:${(proxyServer.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise((resolve) => proxyServer.close(resolve))
  proxyServer.closeAllConnections?.()
  await gateway.close()
  await sb.close()
})
afterEach(() => {
  connects.length = 0
  forwarded.length = 0
  gateway.seen.length = 0
  sb.requests.clear()
})

const hostOf = (url: string) => new URL(url).host
// Each test uses its own connectTimeout: clients with equal network settings share one pool.
let unique = 7_000
const gatewayClient = (extra: object = {}) =>
  new Wechatpay({
    ...clientOptions(keys),
    baseUrl: gateway.url,
    backupBaseUrl: false,
    connectTimeout: ++unique,
    ...extra,
  })
const query = (wxpay: Wechatpay) =>
  wxpay.v3.pay.transactions.id._transaction_id_.get({ transaction_id: '4200001', query: { mchid } })

describe('proxy', () => {
  test('a v3 call goes through the proxy (CONNECT to the gateway), and verifies', async () => {
    const reply = await query(gatewayClient({ proxy: proxyUrl }))
    expect(reply.data).toEqual({ trade_state: 'SUCCESS' })
    expect(gateway.seen).toHaveLength(1)
    expect(gateway.seen[0]!.valid, gateway.seen[0]!.reason).toBe(true)
    // the request reached the gateway only through the proxy
    expect([...connects, ...forwarded.map(hostOf)]).toContain(hostOf(gateway.url))
    expect(connects).toContain(hostOf(gateway.url))
  })

  test('without proxy the proxy sees nothing (the oracle can fail)', async () => {
    await query(gatewayClient())
    expect(gateway.seen).toHaveLength(1)
    expect(connects).toHaveLength(0)
    expect(forwarded).toHaveLength(0)
  })

  test('mutual TLS through the proxy: a v2 secapi refund', async () => {
    const out_trade_no = `PX${Date.now()}`
    sb.orders.create({ out_trade_no, amount: 800 })
    await sb.orders.pay(out_trade_no)
    const wxpay = new Wechatpay({
      ...sb.clientOptions(),
      baseUrl: sb.mtls!.url,
      backupBaseUrl: false,
      clientCert: { ...sb.mtls!.clientCert, ca: sb.mtls!.ca },
      proxy: proxyUrl,
      connectTimeout: ++unique,
    } as never)
    const reply = await wxpay.v2.secapi.pay.refund.post({
      xml: {
        appid: sb.merchant.appid,
        mch_id: sb.merchant.mchid,
        transaction_id: sb.orders.get(out_trade_no)!.transaction_id!,
        out_trade_no,
        out_refund_no: `R${out_trade_no}`,
        total_fee: '800',
        refund_fee: '300',
      },
    } as never)
    expect(reply.data).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS', refund_fee: '300' })
    expect(connects).toContain(hostOf(sb.mtls!.url))
    expect(sb.requests.filter((r) => r.listener === 'mtls')).toHaveLength(1)
  })

  describe("proxy: 'env'", () => {
    const saved = { ...process.env }
    afterEach(() => {
      for (const name of ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy'])
        if (saved[name] === undefined) delete process.env[name]
        else process.env[name] = saved[name]
    })
    const clear = () => {
      for (const name of ['https_proxy', 'http_proxy', 'no_proxy']) delete process.env[name]
    }

    test('HTTP_PROXY / HTTPS_PROXY are honoured', async () => {
      clear()
      process.env.HTTP_PROXY = proxyUrl
      process.env.HTTPS_PROXY = proxyUrl
      delete process.env.NO_PROXY
      const reply = await query(gatewayClient({ proxy: 'env' }))
      expect(reply.data).toEqual({ trade_state: 'SUCCESS' })
      expect(connects).toContain(hostOf(gateway.url))
    })

    test('NO_PROXY=127.0.0.1 bypasses the proxy', async () => {
      clear()
      process.env.HTTP_PROXY = proxyUrl
      process.env.HTTPS_PROXY = proxyUrl
      process.env.NO_PROXY = '127.0.0.1'
      await query(gatewayClient({ proxy: 'env' }))
      expect(gateway.seen).toHaveLength(1)
      expect(connects).toHaveLength(0)
      expect(forwarded).toHaveLength(0)
    })
  })

  test('a proxy that is down: a CONNECTION error', async () => {
    const down = createServer()
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve))
    const { port } = down.address() as AddressInfo
    await new Promise((resolve) => down.close(resolve))
    const error = await query(gatewayClient({ proxy: `http://127.0.0.1:${port}` })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatpayTransportError)
    expect((error as WechatpayTransportError).code).toBe('CONNECTION')
    expect(gateway.seen).toHaveLength(0)
  })

  test('proxy with a custom fetch, or on the fetch entry, is refused at construction naming proxy', () => {
    const base = { ...clientOptions(keys), proxy: proxyUrl }
    for (const make of [
      () => new Wechatpay({ ...base, fetch: globalThis.fetch }),
      () => new FetchWechatpay(base as never),
    ]) {
      let error: unknown
      try {
        make()
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(WechatpayValidationError)
      expect((error as WechatpayValidationError).option).toBe('proxy')
    }
  })

  test.each([
    ['proxy', 'not a url'],
    ['proxy', 'ftp://127.0.0.1:21'],
    ['proxy', 42],
    ['connectTimeout', 0],
    ['connectTimeout', -1],
    ['connectTimeout', Number.NaN],
    ['connectTimeout', 2 ** 31],
    ['connectTimeout', '1000'],
  ])('%s %j is refused naming it', (option, value) => {
    let error: unknown
    try {
      new Wechatpay({ ...clientOptions(keys), [option]: value } as never)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(WechatpayValidationError)
    expect((error as WechatpayValidationError).option).toBe(option)
  })
})
