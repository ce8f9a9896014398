import { Controller, HttpCode, Inject, Param, Post, Query } from '@nestjs/common'
import type { Wechatpay } from '@wxpay/core'
import { InjectWechatpay } from '@wxpay/nestjs'
import { MERCHANT, type Merchant } from './merchant'

/**
 * The three endpoints behind three routes. Each route uses one call style, so that the demo shows
 * all three through Nest's dependency injection; the exception filter turns a WeChat Pay error into
 * a clear JSON answer (a paid order → 502 `ORDER_PAID`).
 */
@Controller()
export class OrdersController {
  constructor(
    @InjectWechatpay() private readonly wxpay: Wechatpay,
    @Inject(MERCHANT) private readonly merchant: Merchant,
  ) {}

  /** v3 close order (property chain): WeChat Pay answers 204, and so do we. */
  @Post('orders/:outTradeNo/close')
  @HttpCode(204)
  async closeV3(@Param('outTradeNo') out_trade_no: string): Promise<void> {
    const { mchid } = this.merchant
    await this.wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
      out_trade_no,
      json: { mchid },
    })
  }

  /** v2 close order (`chain()`), HMAC-SHA256: the verified reply's result. */
  @Post('v2/orders/:outTradeNo/close')
  @HttpCode(200)
  async closeV2(@Param('outTradeNo') out_trade_no: string) {
    const { data } = await this.wxpay.chain('v2/pay/closeorder').post({
      xml: {
        appid: this.merchant.appid,
        mch_id: this.merchant.mchid,
        out_trade_no,
        sign_type: 'HMAC-SHA256',
      },
    })
    return { out_trade_no, result_code: data.result_code }
  }

  /** v3 close ecommerce recharge (`['…']`): the recharge as WeChat Pay returns it. */
  @Post('recharges/:outRechargeNo/close')
  @HttpCode(200)
  async closeRecharge(
    @Param('outRechargeNo') out_recharge_no: string,
    @Query('sub_mchid') sub_mchid: string,
  ) {
    const { data } = await this.wxpay[
      'v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close'
    ].post({
      out_recharge_no,
      query: { sub_mchid },
    })
    return data
  }
}
