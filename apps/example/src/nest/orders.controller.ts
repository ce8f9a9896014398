import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common'
import type { Wechatpay } from '@wxpay/core'
import { InjectWechatpay } from '@wxpay/nestjs'
import type { PlaceOrderBody, RefundBody } from '../hono/app'
import { MERCHANT, type Merchant } from './merchant'

/** `POST /orders` answers the prepay id and what the front end passes to `getBrandWCPayRequest`. */
interface PlacedOrder {
  out_trade_no: string
  prepay_id: string
  pay: {
    appId: string
    timeStamp: string
    nonceStr: string
    package: string
    signType: string
    paySign: string
  }
}

/** What the routes read of the request: where this app is reached, for its own `notify_url`. */
interface Origin {
  protocol: string
  headers: { host?: string }
}

/** This app's notify route, as the request reached it (behind a proxy, give `notify_url` instead). */
function ownNotifyUrl(req: Origin): string {
  return `${req.protocol}://${req.headers.host}/wechatpay/notify`
}

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

  /** Place a JSAPI order (property chain) and sign the front end's parameters (`paySign.jsapi`). */
  @Post('orders')
  @HttpCode(200)
  async place(@Body() body: PlaceOrderBody, @Req() req: Origin): Promise<PlacedOrder> {
    const { mchid, appid } = this.merchant
    const { data } = await this.wxpay.v3.pay.transactions.jsapi.post({
      json: {
        appid,
        mchid,
        description: body.description,
        out_trade_no: body.out_trade_no,
        notify_url: body.notify_url ?? ownNotifyUrl(req),
        amount: { total: body.total, currency: 'CNY' },
        payer: { openid: body.openid },
      },
    })
    const pay = await this.wxpay.paySign.jsapi({ appId: appid, prepayId: data.prepay_id })
    return { out_trade_no: body.out_trade_no, prepay_id: data.prepay_id, pay }
  }

  /** Query an order (`chain()`): the verified transaction. */
  @Get('orders/:outTradeNo')
  async query(@Param('outTradeNo') out_trade_no: string): Promise<object> {
    const { data } = await this.wxpay
      .chain('v3/pay/transactions/out-trade-no/{out_trade_no}')
      .get({ out_trade_no, query: { mchid: this.merchant.mchid } })
    return data
  }

  /** Refund (part of) an order (`['…']`): the refund as WeChat Pay accepted it. */
  @Post('orders/:outTradeNo/refunds')
  @HttpCode(200)
  async refund(
    @Param('outTradeNo') out_trade_no: string,
    @Body() body: RefundBody,
    @Req() req: Origin,
  ): Promise<object> {
    const { data } = await this.wxpay['v3/refund/domestic/refunds'].post({
      json: {
        out_trade_no,
        out_refund_no: body.out_refund_no,
        notify_url: body.notify_url ?? ownNotifyUrl(req),
        amount: { refund: body.refund, total: body.total, currency: 'CNY' },
      },
    })
    return data
  }
}
