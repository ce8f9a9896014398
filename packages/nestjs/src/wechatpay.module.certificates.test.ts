// A certificate-mode merchant through WechatpayModule: no platform key typed in, autoCertificates
// on; the client downloads /v3/certificates itself and verifies replies with them.
import { Test } from '@nestjs/testing'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { WechatpayModule } from './index'
import { listen, MERCHANT, PayController, post, sandboxOptions } from './test-helpers'

let sb: Sandbox
beforeAll(async () => {
  sb = await startSandbox({ platformMode: 'certificate' })
})
afterAll(() => sb?.close())

test('forRoot({ autoCertificates: true }) with no certs: the injected client bootstraps and closes an order', async () => {
  const options = sandboxOptions(sb)
  expect(options).toMatchObject({ certs: {}, autoCertificates: true })
  const moduleRef = await Test.createTestingModule({
    imports: [WechatpayModule.forRoot(options)],
    controllers: [PayController],
    providers: [{ provide: MERCHANT, useValue: { mchid: sb.merchant.mchid, appid: sb.merchant.appid } }],
  }).compile()
  const { app, url } = await listen(moduleRef)
  try {
    sb.orders.create({ out_trade_no: 'cert-v3' })
    expect(await post(`${url}/orders/cert-v3/close`)).toEqual({ status: 201, body: { status: 204 } })
    expect(sb.orders.get('cert-v3')?.state).toBe('CLOSED')
    expect(sb.requests.filter((r) => r.path === '/v3/certificates')).toHaveLength(1)
  } finally {
    await app.close()
  }
})
