// The three seed endpoints' request and reply shapes. The typed catalogue will add one such file
// per product area beside this one, each merged into `Endpoints` in ./index.ts.
import type { CallOptions, OpenEnum, WechatpayResponse } from '../types/call'

// ---------------------------------------------------------------------------------------------
// v3 close order: POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close

/** Request of `POST v3/pay/transactions/out-trade-no/{out_trade_no}/close`. */
export interface CloseOrderRequest extends CallOptions {
  /** Merchant order number: 1 to 32 of digits, letters and `_-|*`. */
  out_trade_no: string
  json: {
    /** Merchant id (直连商户号). */
    mchid: string
  }
}

/** 204 on success; 202 `USER_PAYING` when the payer is still paying (retry with the same request). */
export type CloseOrderResponse =
  | WechatpayResponse<undefined, 204>
  | WechatpayResponse<{ code: string; message: string }, 202>

// ---------------------------------------------------------------------------------------------
// v2 close order: POST /pay/closeorder (XML)

/** Fields of `POST v2/pay/closeorder`; `nonce_str` and `sign` are added by the SDK. */
export interface CloseOrderV2Request extends CallOptions {
  xml: {
    appid: string
    /** Must equal the client's `mchid`. */
    mch_id: string
    out_trade_no: string
    /** Defaults to `MD5`; the reply is verified with the same type. */
    sign_type?: 'MD5' | 'HMAC-SHA256'
    nonce_str?: string
  }
}

/** The verified reply of a successful v2 close (a FAIL becomes a `WechatpayBusinessError`). */
export interface CloseOrderV2Reply {
  return_code: 'SUCCESS'
  return_msg?: string
  appid: string
  mch_id: string
  nonce_str: string
  sign: string
  result_code: 'SUCCESS'
  result_msg?: string
  /** Fields WeChat Pay may add; every value is a string. */
  [field: string]: string | undefined
}

// ---------------------------------------------------------------------------------------------
// v3 close ecommerce recharge

/** Request of `POST v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close`. */
export interface RechargeCloseRequest extends CallOptions {
  out_recharge_no: string
  query: {
    /** The sub-merchant (二级商户号) the recharge belongs to. */
    sub_mchid: string
  }
}

export type RechargeState = 'SUCCESS' | 'RECHARGING' | 'CLOSED'
export type RechargeChannel = 'BANK_TRANSFER' | 'QR_RECHARGE' | 'ONLINE_BANK'

/** An ecommerce platform recharge (电商平台预充值) as the close and query endpoints return it. */
export interface EcommerceRecharge {
  sp_mchid: string
  sub_mchid: string
  recharge_id: string
  out_recharge_no: string
  account_type: OpenEnum<'BASIC' | 'OPERATION' | 'FEES' | 'DEPOSIT'>
  recharge_state: RechargeState
  recharge_scene: OpenEnum<'ECOMMERCE_DEPOSIT'>
  recharge_state_desc?: string
  recharge_channel?: RechargeChannel
  /** Amounts are integers in fen (分). */
  recharge_amount: { amount: number; currency: OpenEnum<'CNY'> }
  bank_transfer_info?: {
    bill_no?: string
    memo?: string
    return_time?: string
    return_reason?: string
    bank_name?: string
    bank_card_tail?: string
    bank_account_name?: string
  }
  qr_recharge_info?: { openid?: string; employee_type?: string }
  online_bank_recharge_info?: { [field: string]: unknown }
  /** RFC 3339 times, e.g. `2026-11-22T10:00:00+08:00`. */
  accept_time?: string
  success_time?: string
  close_time?: string
  available_recharge_channels?: RechargeChannel[]
}

// ---------------------------------------------------------------------------------------------

/** The seed endpoints, keyed by path template (see `Endpoints`). */
export interface SeedEndpoints {
  'v3/pay/transactions/out-trade-no/{out_trade_no}/close': {
    post(options: CloseOrderRequest): Promise<CloseOrderResponse>
  }
  'v2/pay/closeorder': {
    post(options: CloseOrderV2Request): Promise<WechatpayResponse<CloseOrderV2Reply, 200>>
  }
  'v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close': {
    post(options: RechargeCloseRequest): Promise<WechatpayResponse<EcommerceRecharge, 200>>
  }
}
