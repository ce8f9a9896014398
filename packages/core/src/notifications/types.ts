import type { RechargeChannel, RechargeState } from '../endpoints/seeds'

/** A string enum that may grow: known values autocomplete, others still type-check. */
type OpenEnum<T extends string> = T | (string & {})

/**
 * The headers of an incoming request, as frameworks hand them over: a plain object (any case),
 * a Web `Headers`, or Node's `IncomingHttpHeaders` (a value may be an array when a header was sent
 * more than once: a `Wechatpay-*` header sent twice is refused).
 */
export type NotificationHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>

/**
 * The request body exactly as received: the raw bytes (`Uint8Array`, `Buffer`, `ArrayBuffer`), or
 * the text decoded from them. Never a parsed object: the signature covers the exact bytes.
 */
export type NotificationBody = Uint8Array | ArrayBuffer | string

/** What `notifications.parse` takes: the request's headers and raw body. */
export interface NotificationRequest {
  headers: NotificationHeaders
  body: NotificationBody
}

// ---------------------------------------------------------------------------------------------
// Decrypted resources

/** `resource` of `TRANSACTION.SUCCESS`: the paid order (merchant mode; partner mode adds `sp_*`/`sub_*`). */
export interface TransactionResource {
  /** 直连商户号 (merchant mode). */
  mchid?: string
  /** 应用ID (merchant mode). */
  appid?: string
  /** 服务商户号 / 子商户号 and their app ids (partner mode). */
  sp_mchid?: string
  sub_mchid?: string
  sp_appid?: string
  sub_appid?: string
  /** 商户订单号. */
  out_trade_no: string
  /** 微信支付订单号. */
  transaction_id: string
  trade_type: OpenEnum<'JSAPI' | 'NATIVE' | 'APP' | 'MICROPAY' | 'MWEB' | 'FACEPAY'>
  trade_state: OpenEnum<
    'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR' | 'ACCEPT'
  >
  trade_state_desc: string
  /** 付款银行, e.g. `CMC`, `OTHERS`. */
  bank_type: string
  /** The `attach` given when the order was placed. */
  attach?: string
  /** RFC 3339, e.g. `2018-06-08T10:34:56+08:00`. */
  success_time: string
  payer: { openid?: string; sp_openid?: string; sub_openid?: string }
  /** Amounts are integers in fen (分). */
  amount: { total: number; payer_total?: number; currency: OpenEnum<'CNY'>; payer_currency?: OpenEnum<'CNY'> }
  scene_info?: { device_id?: string }
  promotion_detail?: Array<{
    coupon_id: string
    name?: string
    scope?: OpenEnum<'GLOBAL' | 'SINGLE'>
    type?: OpenEnum<'CASH' | 'NOCASH'>
    amount: number
    stock_id?: string
    wechatpay_contribute?: number
    merchant_contribute?: number
    other_contribute?: number
    currency?: OpenEnum<'CNY'>
    goods_detail?: Array<{
      goods_id: string
      quantity: number
      unit_price: number
      discount_amount: number
      goods_remark?: string
    }>
  }>
}

/** `resource` of `REFUND.SUCCESS`, `REFUND.ABNORMAL` and `REFUND.CLOSED`. */
export interface RefundResource {
  /** 直连商户号 (merchant mode); partner mode has `sp_mchid` and `sub_mchid`. */
  mchid?: string
  sp_mchid?: string
  sub_mchid?: string
  transaction_id: string
  out_trade_no: string
  /** 微信支付退款单号. */
  refund_id: string
  /** 商户退款单号. */
  out_refund_no: string
  refund_status: OpenEnum<'SUCCESS' | 'CLOSED' | 'ABNORMAL' | 'PROCESSING'>
  /** RFC 3339; present when the refund succeeded. */
  success_time?: string
  /** 退款入账账户, e.g. `招商银行信用卡0403`, `支付用户零钱`. */
  user_received_account: string
  /** Amounts are integers in fen (分). */
  amount: { total: number; refund: number; payer_total: number; payer_refund: number }
  fund_source?: string
  refund_account?: OpenEnum<'REFUND_SOURCE_UNSETTLED_FUNDS' | 'REFUND_SOURCE_RECHARGE_FUNDS'>
  recv_account?: string
}

/** `resource` of `RECHARGE.SUCCESS` and `RECHARGE.CLOSED` (收付通 platform recharge). */
export interface RechargeResource {
  /** 平台商户号. */
  sp_mchid?: string
  /** 二级商户号. */
  sub_mchid?: string
  /** 商户充值单号. */
  out_recharge_no: string
  /** 微信支付充值单号. */
  recharge_id: string
  recharge_state: OpenEnum<RechargeState>
  recharge_state_desc?: string
  recharge_channel?: OpenEnum<RechargeChannel>
  account_type?: OpenEnum<'BASIC' | 'OPERATION' | 'FEES' | 'DEPOSIT'>
  recharge_scene?: string
  /** Amounts are integers in fen (分). */
  recharge_amount?: { amount: number; currency: OpenEnum<'CNY'> }
  remark?: string
  bank_transfer_info?: { memo?: string; bill_no?: string; bank_name?: string; bank_card_tail?: string }
  qr_recharge_info?: { employee_type?: string; openid?: string }
  /** RFC 3339 times. */
  accept_time?: string
  success_time?: string
  close_time?: string
}

// ---------------------------------------------------------------------------------------------
// Events

/** Event types whose `resource` is typed. */
export interface TypedResources {
  'TRANSACTION.SUCCESS': TransactionResource
  'REFUND.SUCCESS': RefundResource
  'REFUND.ABNORMAL': RefundResource
  'REFUND.CLOSED': RefundResource
  'RECHARGE.SUCCESS': RechargeResource
  'RECHARGE.CLOSED': RechargeResource
}

/**
 * Other event types WeChat Pay documents, whose `resource` is passed through as `unknown`. They
 * are listed (rather than typed `string`) so that comparing `event_type` narrows the union; an
 * event type missing here still passes through at run time: compare it as `event.event_type as string`.
 */
export type OtherEventType =
  | 'ABNORMAL_FUND_PROCESSING.TRANSFER.SUCCESS'
  | 'APPLYMENT_STATE.APPROVED'
  | 'BLOCKRECORD.CHANGE'
  | 'BLOCKSUBMISSION.CHANGE'
  | 'BRAND_MEMBER_CARD_SP.POINT_EXCHANGE_COUPON'
  | 'BRAND_MEMBER_CARD_SP.SYNC_USER_POINT'
  | 'BRAND_MEMBER_CARD_SP.USER_CARD.CREATE'
  | 'BRAND_MEMBER_CARD_SP.USER_CARD.DELETE'
  | 'BUDGET.CLOSED'
  | 'BUDGET.FINISHED'
  | 'BUDGET.LOCKED'
  | 'COMPLAINT.CREATE'
  | 'COMPLAINT.STATE_CHANGE'
  | 'COUPON.SEND'
  | 'COUPON.USE'
  | 'CREDIT_REPAYMENT.DEDUCTION_PAY'
  | 'CREDIT_REPAYMENT.SIGN_CONTRACT'
  | 'CREDIT_REPAYMENT.TERMINATE_CONTRACT'
  | 'CROSS_BORDER_PAY.GET_MCH_INFO'
  | 'CROSS_BORDER_PAY.PUSH_ORDER_INFO'
  | 'DELIVERY_PLAN.CHANGE'
  | 'DELIVERY_PLAN_STATE.DELIVER'
  | 'DISCOUNT_CARD.AGREEMENT_ENDED'
  | 'DISCOUNT_CARD.GET_CARD'
  | 'DISCOUNT_CARD.SETTLEMENT'
  | 'DISCOUNT_CARD.USER_ACCEPTED'
  | 'DISCOUNT_CARD.USER_PAID'
  | 'ECOMMERCE_ENTRUST.SIGN'
  | 'ECOMMERCE_ENTRUST.TERMINATE'
  | 'EDU_SCHOOL_PAY.USER_DEBT_STATE_UPDATE'
  | 'ENTRUST.RELEASE'
  | 'ENTRUST.SIGN'
  | 'ENTRUST.SIGNING'
  | 'ENTRUST.TERMINATE'
  | 'ENTRUST.TERMINATE_INQUIRY'
  | 'ENTRUST.TERMINATE_RETENTION'
  | 'FACEPAY.USER_STATE_CHANGE'
  | 'FAPIAO.CARD_DISCARDED'
  | 'FAPIAO.CARD_INSERTED'
  | 'FAPIAO.ISSUED'
  | 'FAPIAO.REVERSED'
  | 'FAPIAO.USER_APPLIED'
  | 'HIRE_POWER_BANK.RECEIVE_INSURANCE'
  | 'INSURANCE_ENTRUST.RENEW'
  | 'INSURANCE_ENTRUST.SIGN'
  | 'INSURANCE_ENTRUST.TERMINATE'
  | 'INSURANCE_POLICY_MANAGEMENT.GRANTED'
  | 'MALL_AUTH.ACTIVATE_CARD'
  | 'MALL_REFUND.SUCCESS'
  | 'MALL_TRANSACTION.SUCCESS'
  | 'MANAGERECORD.CHANGE'
  | 'MCHTRANSFER.AUTHORIZATION.CLOSED'
  | 'MCHTRANSFER.AUTHORIZATION.CONFIRMED'
  | 'MCHTRANSFER.BATCH.CLOSED'
  | 'MCHTRANSFER.BATCH.FINISHED'
  | 'MCHTRANSFER.BILL.FINISHED'
  | 'MCHTRANSFER.QQWALLETBILL.FINISHED'
  | 'MCHWITHDRAW.CHANGE'
  | 'MEDICAL_INSURANCE.SUCCESS'
  | 'MEMBERCARD.ACCEPT_CARD'
  | 'MEMBERCARD.ACTIVATE_CARD'
  | 'MEMBERCARD.USERCARD_MANAGE'
  | 'MEMBERCARDSP.USER_CARD.CREATE'
  | 'MEMBERCARDSP.USER_CARD.DELETE'
  | 'MERCHANT_NOTIFY.NOTIFY'
  | 'PAPAY.SIGN'
  | 'PAPAY.TERMINATE'
  | 'PARKING_FEE.QUERY_TRANS_INFO'
  | 'PAYSCORE.BIND_SERVICE_ACCOUNT'
  | 'PAYSCORE.MCH_PREPAY'
  | 'PAYSCORE.USER_ACCEPTED'
  | 'PAYSCORE.USER_CANCEL_SIGN_PLAN'
  | 'PAYSCORE.USER_CLOSE_SERVICE'
  | 'PAYSCORE.USER_CONFIRM'
  | 'PAYSCORE.USER_OPEN_SERVICE'
  | 'PAYSCORE.USER_PAID'
  | 'PAYSCORE.USER_SIGN_PLAN'
  | 'PRODUCT_COUPON_SP.IMAGE_GENERATION'
  | 'PRODUCT_COUPON_SP.SEND'
  | 'PROFITSHARING'
  | 'PROFITSHARING.RETURN'
  | 'PROFITSHARING.SUCCESS'
  | 'PROFITSHARING_RETURN'
  | 'RECHARGE.FUND_RETURNED'
  | 'RISKTRADE.IDENTIFICATION'
  | 'SECURITY_ECHO.SUCCESS'
  | 'SETTLEMENT.SUCCESS'
  | 'TRANSACTION.FAIL'
  | 'TRANSACTION.INDUSTRY_FAILED'
  | 'TRANSACTION.INDUSTRY_SUCCESS'
  | 'TRANSACTION.PAY_BACK'
  | 'VEHICLE.ENTRANCE_STATE_CHANGE'
  | 'VEHICLE.USER_STATE_CHANGE'
  | 'VIOLATION.APPEAL'
  | 'VIOLATION.INTERCEPT'
  | 'VIOLATION.PUNISH'
  | 'WEBIZPAY.AUTHORIZED'
  | 'WEBIZPAY.PAYMENTREFUNDSUCCESS'
  | 'WEBIZPAY.PAYMENTSUCCESS'
  | 'WEBIZPAY.QUOTACARDEXPIRED'
  | 'WEBIZPAY.REVOKED'

/** A verified, decrypted APIv3 notification of one event type. */
export interface NotificationEvent<E extends string, R> {
  /** 通知ID: the same id when WeChat Pay re-sends it (deduplicate on it). */
  id: string
  /** RFC 3339, e.g. `2015-05-20T13:29:35+08:00`. */
  create_time: string
  event_type: E
  /** `encrypt-resource`. */
  resource_type: string
  /** 回调摘要, e.g. `支付成功`; WeChat Pay's schema marks it optional. */
  summary?: string
  /** `resource.original_type` of the envelope, e.g. `transaction`, `refund`, `recharge`. */
  original_type?: string
  /** The decrypted resource. */
  resource: R
}

/** `TRANSACTION.SUCCESS`: the order is paid. */
export type TransactionSuccessNotification = NotificationEvent<'TRANSACTION.SUCCESS', TransactionResource>
/** `REFUND.SUCCESS`, `REFUND.ABNORMAL`, `REFUND.CLOSED`: a refund reached a final state. */
export type RefundNotification = NotificationEvent<
  'REFUND.SUCCESS' | 'REFUND.ABNORMAL' | 'REFUND.CLOSED',
  RefundResource
>
/** `RECHARGE.SUCCESS`, `RECHARGE.CLOSED`: a platform recharge reached a final state. */
export type RechargeNotification = NotificationEvent<'RECHARGE.SUCCESS' | 'RECHARGE.CLOSED', RechargeResource>
/** Any other event: the resource is decrypted JSON, not typed. */
export type OtherNotification = NotificationEvent<OtherEventType, unknown>

/**
 * What `notifications.parse` resolves to: a union discriminated by `event_type`.
 *
 * @example
 * ```ts
 * const event = await wxpay.notifications.parse({ headers, body })
 * if (event.event_type === 'TRANSACTION.SUCCESS') markPaid(event.resource.out_trade_no, event.resource.amount.total)
 * ```
 */
export type WechatpayNotification =
  | TransactionSuccessNotification
  | RefundNotification
  | RechargeNotification
  | OtherNotification

// ---------------------------------------------------------------------------------------------
// APIv2

/** The fields of an APIv2 XML document; every value is a string. */
export type V2Fields = Readonly<Record<string, string>>

/** An APIv2 notification whose `sign` verified (a pay result, …): `data` holds every field. */
export interface V2SignedNotification {
  kind: 'signed'
  data: V2Fields
}

/**
 * An APIv2 refund notification: no `sign`; `req_info` decrypted (AES-256-ECB with the MD5 of the
 * APIv2 key). `data` is the envelope as received (`return_code`, `appid`, `mch_id`, `nonce_str`,
 * `req_info` still encrypted); `refund` holds the decrypted fields (`out_refund_no`, `refund_status`, …).
 */
export interface V2RefundNotification {
  kind: 'refund'
  data: V2Fields
  refund: V2Fields
}

/** What `notifications.parseV2` resolves to. */
export type V2Notification = V2SignedNotification | V2RefundNotification
