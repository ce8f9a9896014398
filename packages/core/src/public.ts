/**
 * The public surface shared by both entry points (index.ts for edge runtimes, node.ts for Node.js),
 * name by name; each entry adds only its `Wechatpay` class. src/public.test.ts pins the list.
 * @module
 */
export type { Wechatpay as WechatpayClient, WechatpayConstructor } from './client'
export type { Download, DownloadOptions } from './download'
export type { Endpoints } from './endpoints'
export type { PagePath } from './endpoints/catalogue/table'
export type {
  CloseOrderRequest,
  CloseOrderResponse,
  CloseOrderV2Reply,
  CloseOrderV2Request,
  EcommerceRecharge,
  RechargeChannel,
  RechargeCloseRequest,
  RechargeState,
} from './endpoints/seeds'
export {
  type TransportFailure,
  WechatpayApiError,
  WechatpayBusinessError,
  WechatpayError,
  WechatpaySignatureError,
  WechatpayTransportError,
  WechatpayValidationError,
} from './errors'
export { toHttpError, type WechatpayErrorBody } from './http-error'
export type { PlatformCertificate } from './keys/certificates'
export type { Sensitive } from './keys/sensitive'
export {
  acknowledge,
  DEFAULT_ONCE_WAIT_MS,
  MAX_NOTIFICATION_BYTES,
  type NotificationReply,
  type Notifications,
  type OnceEvent,
  type OnceOptions,
  onceKey,
} from './notifications'
export type {
  NotificationBody,
  NotificationEvent,
  NotificationHeaders,
  NotificationRequest,
  OtherEventType,
  OtherNotification,
  RechargeNotification,
  RechargeResource,
  RefundNotification,
  RefundResource,
  TransactionResource,
  TransactionSuccessNotification,
  TypedResources,
  V2Fields,
  V2Notification,
  V2RefundNotification,
  V2SignedNotification,
  WechatpayNotification,
} from './notifications/types'
export {
  type AutoCertificatesOptions,
  type CertificatesEndpoint,
  type ClientCertificate,
  DEFAULT_BACKUP_BASE_URL,
  DEFAULT_BASE_URL,
  DEFAULT_TIMEOUT,
  type WechatpayOptions,
} from './options'
export type {
  AppPayParams,
  AppPaySignInput,
  JsapiPayParams,
  MiniProgramPayParams,
  PaySign,
  PaySignInput,
  PaySignV2,
} from './pay-sign'
export type { ClaimState, SealedCertificates, WechatpayStore } from './store'
export type { CallOptions, LooseRequestOptions, Verb, WechatpayResponse } from './types/call'
export type { LooseNode, LooseVerb } from './types/chain'
export type { ReplyOf, RequestOf, VerbOf } from './types/endpoint-of'
export type { QueryValue } from './uri-template'
export type { PageUrl, PageUrlOptions } from './v2/page'
export type { SignType } from './v2/sign'
export type { Media } from './v3/multipart'
export { VERSION } from './version'
