import { Controller, Get, Inject, Injectable, Module } from '@nestjs/common'
import { Test } from '@nestjs/testing'
import { Wechatpay, type WechatpayOptions } from '@wxpay/core'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from 'vitest'
import {
  getWechatpayToken,
  InjectWechatpay,
  WECHATPAY,
  WechatpayModule,
  type WechatpayOptionsFactory,
} from './index'
import { listen, MERCHANT, PayController, post, SUB_MCHID, sandboxOptions } from './test-helpers'

let sb: Sandbox

beforeAll(async () => {
  sb = await startSandbox()
})
afterAll(async () => {
  await sb?.close()
})

const merchant = () => ({
  provide: MERCHANT,
  useValue: { mchid: sb.merchant.mchid, appid: sb.merchant.appid },
})

describe('forRoot', () => {
  test('a controller closes v3 and v2 orders and a recharge over HTTP through the injected client', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [WechatpayModule.forRoot(sandboxOptions(sb))],
      controllers: [PayController],
      providers: [merchant()],
    }).compile()
    const { app, url } = await listen(moduleRef)
    try {
      sb.orders.create({ out_trade_no: 'root-v3' })
      sb.orders.create({ out_trade_no: 'root-v2' })
      sb.recharges.create({ out_recharge_no: 'root-cz', sub_mchid: SUB_MCHID })

      expect(await post(`${url}/orders/root-v3/close`)).toEqual({ status: 201, body: { status: 204 } })
      expect(sb.orders.get('root-v3')?.state).toBe('CLOSED')

      expect(await post(`${url}/v2/orders/root-v2/close`)).toEqual({
        status: 201,
        body: { status: 200, result_code: 'SUCCESS' },
      })
      expect(sb.orders.get('root-v2')?.state).toBe('CLOSED')

      expect(await post(`${url}/recharges/root-cz/close`)).toEqual({
        status: 201,
        body: { status: 200, recharge_state: 'CLOSED' },
      })
      expect(sb.recharges.get('root-cz')?.state).toBe('CLOSED')
    } finally {
      await app.close()
    }
  })

  test('provides one typed client per module under WECHATPAY, created once', async () => {
    @Injectable()
    class A {
      constructor(@InjectWechatpay() readonly wxpay: Wechatpay) {}
    }
    @Injectable()
    class B {
      constructor(@Inject(WECHATPAY) readonly wxpay: Wechatpay) {}
    }
    const moduleRef = await Test.createTestingModule({
      imports: [WechatpayModule.forRoot(sandboxOptions(sb))],
      providers: [A, B],
    }).compile()
    const client = moduleRef.get<Wechatpay>(WECHATPAY)
    expect(client).toBeInstanceOf(Wechatpay)
    expect(moduleRef.get(A).wxpay).toBe(client)
    expect(moduleRef.get(B).wxpay).toBe(client)
    expect(getWechatpayToken()).toBe(WECHATPAY)
    // the endpoint types survive injection
    const close = moduleRef.get(A).wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post
    expectTypeOf(close).parameter(0).toHaveProperty('out_trade_no').toEqualTypeOf<string>()
    expectTypeOf<Awaited<ReturnType<typeof close>>['status']>().toEqualTypeOf<204 | 202>()
    await moduleRef.close()
  })

  test('strips the module extras (isGlobal, name) from the client options', () => {
    const definition = WechatpayModule.forRoot({ ...sandboxOptions(sb), isGlobal: true, name: 'y' })
    const options = definition.providers?.find(
      (p): p is { provide: symbol; useValue: unknown } => typeof p === 'object' && 'useValue' in p,
    )
    expect(options?.useValue).toEqual(sandboxOptions(sb))
    expect(definition).toMatchObject({
      module: WechatpayModule,
      global: true,
      exports: [getWechatpayToken('y')],
    })
  })
})

/** A stand-in for @nestjs/config's ConfigService. */
@Injectable()
class ConfigService {
  static values: Record<string, unknown> = {}
  get<T>(key: string): T {
    return ConfigService.values[key] as T
  }
}
@Module({ providers: [ConfigService], exports: [ConfigService] })
class ConfigModule {}

@Injectable()
class WechatpayConfig implements WechatpayOptionsFactory {
  constructor(@Inject(ConfigService) private readonly config: ConfigService) {}
  createWechatpayOptions(): WechatpayOptions {
    return this.config.get<WechatpayOptions>('wechatpay')
  }
}
@Module({ imports: [ConfigModule], providers: [WechatpayConfig], exports: [WechatpayConfig] })
class WechatpayConfigModule {}

describe('forRootAsync', () => {
  beforeAll(() => {
    ConfigService.values.wechatpay = sandboxOptions(sb)
  })

  const cases = {
    'useFactory with inject': () =>
      WechatpayModule.forRootAsync({
        imports: [ConfigModule],
        inject: [ConfigService],
        useFactory: async (config: ConfigService) => config.get<WechatpayOptions>('wechatpay'),
      }),
    useClass: () => WechatpayModule.forRootAsync({ imports: [ConfigModule], useClass: WechatpayConfig }),
    useExisting: () =>
      WechatpayModule.forRootAsync({ imports: [WechatpayConfigModule], useExisting: WechatpayConfig }),
  }

  test.each(Object.entries(cases))('%s: the controller closes an order over HTTP', async (kind, register) => {
    const moduleRef = await Test.createTestingModule({
      imports: [register()],
      controllers: [PayController],
      providers: [merchant()],
    }).compile()
    const { app, url } = await listen(moduleRef)
    try {
      const no = `async-${kind.replace(/\W/g, '')}`
      sb.orders.create({ out_trade_no: no })
      expect(await post(`${url}/orders/${no}/close`)).toEqual({ status: 201, body: { status: 204 } })
      expect(sb.orders.get(no)?.state).toBe('CLOSED')
    } finally {
      await app.close()
    }
  })
})

test('forRootAsync resolves the options and creates the client once, for any number of consumers', async () => {
  let calls = 0
  @Injectable()
  class A {
    constructor(@InjectWechatpay() readonly wxpay: Wechatpay) {}
  }
  @Injectable()
  class B {
    constructor(@InjectWechatpay() readonly wxpay: Wechatpay) {}
  }
  const moduleRef = await Test.createTestingModule({
    imports: [
      WechatpayModule.forRootAsync({
        useFactory: () => {
          calls++
          return sandboxOptions(sb)
        },
      }),
    ],
    providers: [A, B],
  }).compile()
  expect(calls).toBe(1)
  expect(moduleRef.get(A).wxpay).toBe(moduleRef.get(B).wxpay)
  await moduleRef.close()
})

describe('isGlobal', () => {
  @Controller('feature')
  class FeatureController {
    constructor(@InjectWechatpay() private readonly wxpay: Wechatpay) {}
    @Get()
    async close() {
      sb.orders.create({ out_trade_no: 'global-1' })
      return (
        await this.wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
          out_trade_no: 'global-1',
          json: { mchid: sb.merchant.mchid },
        })
      ).status
    }
  }
  // imports nothing: the client must come from the global scope
  @Module({ controllers: [FeatureController] })
  class FeatureModule {}

  test('a feature module injects the client without importing WechatpayModule', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [WechatpayModule.forRoot({ ...sandboxOptions(sb), isGlobal: true }), FeatureModule],
    }).compile()
    const { app, url } = await listen(moduleRef)
    try {
      const res = await fetch(`${url}/feature`)
      expect(await res.text()).toBe('204')
    } finally {
      await app.close()
    }
  })

  test('without isGlobal the feature module cannot resolve it', async () => {
    await expect(
      Test.createTestingModule({
        imports: [WechatpayModule.forRoot(sandboxOptions(sb)), FeatureModule],
      }).compile(),
    ).rejects.toThrow(/can't resolve dependencies of the FeatureController/)
  })
})

describe('options from the environment', () => {
  test('one-line `\\n`-escaped PEMs (as .env files hold them) are read by the core: the module needs no copy of that', async () => {
    const oneLine = (pem: string) => pem.trim().replaceAll('\n', '\\n')
    const env = {
      WECHATPAY_PRIVATE_KEY: oneLine(sb.merchant.privateKey),
      WECHATPAY_CERTS: JSON.stringify({ [sb.platform.serial]: oneLine(sb.platform.publicKey) }),
    }
    expect(env.WECHATPAY_PRIVATE_KEY).not.toContain('\n')
    const moduleRef = await Test.createTestingModule({
      imports: [
        WechatpayModule.forRootAsync({
          useFactory: () =>
            sandboxOptions(sb, {
              privateKey: env.WECHATPAY_PRIVATE_KEY,
              certs: JSON.parse(env.WECHATPAY_CERTS) as Record<string, string>,
            }),
        }),
      ],
      controllers: [PayController],
      providers: [merchant()],
    }).compile()
    const { app, url } = await listen(moduleRef)
    try {
      sb.orders.create({ out_trade_no: 'env-v3' })
      expect(await post(`${url}/orders/env-v3/close`)).toEqual({ status: 201, body: { status: 204 } })
      expect(sb.orders.get('env-v3')?.state).toBe('CLOSED')
    } finally {
      await app.close()
    }
  })
})
