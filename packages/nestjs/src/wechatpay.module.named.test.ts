import { Controller, Param, Post } from '@nestjs/common'
import { Test } from '@nestjs/testing'
import type { Wechatpay } from '@wxpay/core'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { getWechatpayToken, InjectWechatpay, WECHATPAY, WechatpayModule } from './index'
import { listen, post, sandboxOptions } from './test-helpers'

// Two merchants, each with its own sandbox (its own merchant id, keys and request log).
let shop: Sandbox
let payouts: Sandbox

beforeAll(async () => {
  ;[shop, payouts] = await Promise.all([startSandbox(), startSandbox()])
})
afterAll(async () => {
  await Promise.all([shop?.close(), payouts?.close()])
})

@Controller()
class TwoMerchantsController {
  constructor(
    @InjectWechatpay('shop') private readonly shopClient: Wechatpay,
    @InjectWechatpay('payouts') private readonly payoutsClient: Wechatpay,
  ) {}

  @Post(':merchant/orders/:no/close')
  async close(@Param('merchant') merchant: 'shop' | 'payouts', @Param('no') no: string) {
    const [client, mchid] =
      merchant === 'shop'
        ? [this.shopClient, shop.merchant.mchid]
        : [this.payoutsClient, payouts.merchant.mchid]
    const res = await client.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
      out_trade_no: no,
      json: { mchid },
    })
    return { status: res.status }
  }
}

test('named tokens are stable per name and distinct from each other and from WECHATPAY', () => {
  expect(getWechatpayToken('shop')).toBe(getWechatpayToken('shop'))
  expect(getWechatpayToken('shop')).not.toBe(getWechatpayToken('payouts'))
  expect(getWechatpayToken('shop')).not.toBe(WECHATPAY)
  expect(() => getWechatpayToken('')).toThrow(TypeError)
  expect(() => WechatpayModule.forRoot({ ...sandboxOptions(shop), name: '' })).toThrow(/name/)
})

test('a forRoot and a forRootAsync registration with different names coexist, each with its own client', async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [
      WechatpayModule.forRoot({ ...sandboxOptions(shop), name: 'shop' }),
      WechatpayModule.forRootAsync({ name: 'payouts', useFactory: () => sandboxOptions(payouts) }),
    ],
    controllers: [TwoMerchantsController],
  }).compile()
  const shopClient = moduleRef.get(getWechatpayToken('shop'))
  const payoutsClient = moduleRef.get(getWechatpayToken('payouts'))
  expect(shopClient).not.toBe(payoutsClient)
  // only named clients were registered
  expect(() => moduleRef.get(WECHATPAY)).toThrow()

  const { app, url } = await listen(moduleRef)
  try {
    shop.orders.create({ out_trade_no: 'named-1' })
    payouts.orders.create({ out_trade_no: 'named-2' })
    shop.requests.clear()
    payouts.requests.clear()

    expect(await post(`${url}/shop/orders/named-1/close`)).toEqual({ status: 201, body: { status: 204 } })
    expect(shop.requests.map((r) => r.path)).toEqual(['/v3/pay/transactions/out-trade-no/named-1/close'])
    expect(payouts.requests).toHaveLength(0)

    expect(await post(`${url}/payouts/orders/named-2/close`)).toEqual({ status: 201, body: { status: 204 } })
    expect(payouts.requests.map((r) => r.path)).toEqual(['/v3/pay/transactions/out-trade-no/named-2/close'])
    expect(shop.requests).toHaveLength(1)

    expect(shop.orders.get('named-1')?.state).toBe('CLOSED')
    expect(payouts.orders.get('named-2')?.state).toBe('CLOSED')
    // each sandbox signs with its own merchant: a client cannot close the other merchant's order
    payouts.orders.create({ out_trade_no: 'named-3' })
    expect((await post(`${url}/shop/orders/named-3/close`)).status).toBe(500)
    expect(payouts.orders.get('named-3')?.state).toBe('NOTPAY')
  } finally {
    await app.close()
  }
})

test('a default and a named registration, both global, coexist', async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [
      WechatpayModule.forRoot({ ...sandboxOptions(shop), isGlobal: true }),
      WechatpayModule.forRoot({ ...sandboxOptions(payouts), isGlobal: true, name: 'payouts' }),
    ],
  }).compile()
  const byDefault = moduleRef.get(WECHATPAY)
  const named = moduleRef.get(getWechatpayToken('payouts'))
  expect(byDefault).not.toBe(named)
  await moduleRef.close()
})

test('registrations that differ only by name stay apart, even with deep-hash module ids', async () => {
  // identical metadata but for the name: only the exported token tells the two modules apart
  const useFactory = () => sandboxOptions(shop)
  const moduleRef = await Test.createTestingModule(
    {
      imports: [
        WechatpayModule.forRootAsync({ name: 'one', useFactory }),
        WechatpayModule.forRootAsync({ name: 'two', useFactory }),
      ],
    },
    { moduleIdGeneratorAlgorithm: 'deep-hash' },
  ).compile()
  expect(moduleRef.get(getWechatpayToken('one'))).not.toBe(moduleRef.get(getWechatpayToken('two')))
  await moduleRef.close()
})
