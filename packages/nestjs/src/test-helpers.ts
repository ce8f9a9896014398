import { Controller, type INestApplication, Inject, Param, Post } from '@nestjs/common'
import type { TestingModule } from '@nestjs/testing'
import type { Wechatpay, WechatpayOptions } from '@wxpay/core'
import type { Sandbox } from '@wxpay/sandbox'
import { InjectWechatpay } from './index'

/** Client options for a sandbox, as the README of the core shows them. */
export function sandboxOptions(sb: Sandbox, extra: Partial<WechatpayOptions> = {}): WechatpayOptions {
  return { ...sb.clientOptions(), backupBaseUrl: false, ...extra }
}

/** Token of the merchant ids the controller sends: `{ mchid, appid }`. */
export const MERCHANT = Symbol('MERCHANT')
export interface Merchant {
  mchid: string
  appid: string
}

/** What an application would write: closes orders (v3, v2) and recharges through the injected client. */
@Controller()
export class PayController {
  constructor(
    @InjectWechatpay() private readonly wxpay: Wechatpay,
    @Inject(MERCHANT) private readonly merchant: Merchant,
  ) {}

  @Post('orders/:no/close')
  async close(@Param('no') no: string) {
    const { mchid } = this.merchant
    const res = await this.wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
      out_trade_no: no,
      json: { mchid },
    })
    return { status: res.status }
  }

  @Post('v2/orders/:no/close')
  async closeV2(@Param('no') no: string) {
    const { mchid, appid } = this.merchant
    const res = await this.wxpay['v2/pay/closeorder'].post({
      xml: { appid, mch_id: mchid, out_trade_no: no, sign_type: 'HMAC-SHA256' },
    })
    return { status: res.status, result_code: res.data.result_code }
  }

  @Post('recharges/:no/close')
  async closeRecharge(@Param('no') no: string) {
    const res = await this.wxpay
      .chain('v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close')
      .post({ out_recharge_no: no, query: { sub_mchid: SUB_MCHID } })
    return { status: res.status, recharge_state: res.data.recharge_state }
  }
}

export const SUB_MCHID = '1900001121'

/** Creates the application, listens on a free loopback port and returns its base URL. */
export async function listen(moduleRef: TestingModule): Promise<{ app: INestApplication; url: string }> {
  const app = moduleRef.createNestApplication({ logger: false })
  await app.listen(0, '127.0.0.1')
  return { app, url: await app.getUrl() }
}

/** POSTs to the application and reads its JSON reply (or `undefined` for an empty one). */
export async function post(
  url: string,
): Promise<{ status: number; body: Record<string, unknown> | undefined }> {
  const res = await fetch(url, { method: 'POST' })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined }
}
