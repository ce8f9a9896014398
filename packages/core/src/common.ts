export type { WechatpayConstructor } from './client'
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
export { DEFAULT_BACKUP_BASE_URL, DEFAULT_BASE_URL, DEFAULT_TIMEOUT, type WechatpayOptions } from './options'
export { fetchTransport } from './transport/fetch'
export type { Transport, TransportRequest, TransportResponse } from './transport/types'
export type * from './types'
export type { QueryValue } from './uri-template'
export type { SignType } from './v2/sign'
export { buildXml, parseXml } from './v2/xml'
export { VERSION } from './version'
