import { nonce as makeNonce } from '../encoding'
import { WechatpayValidationError } from '../errors'
import type { Config } from '../options'
import { type SignType, signV2 } from '../v2/sign'

/**
 * Client-side payment parameters: what a page, a mini program or an app hands to WeChat to open
 * the payment sheet, signed here on the server. APIv3 (`jsapi`, `miniProgram`, `app`) signs with
 * the merchant API private key (SHA256withRSA, the same signer as requests); `v2` signs with the
 * APIv2 key (MD5 or HMAC-SHA256, the same signer as APIv2 requests).
 */
export interface PaySign {
  /** JSAPI (`WeixinJSBridge.invoke('getBrandWCPayRequest', …)`): `prepay_id` from `v3/pay/transactions/jsapi`. */
  jsapi(input: PaySignInput): Promise<JsapiPayParams>
  /**
   * Mini program (`wx.requestPayment(…)`): the same signature (its first line is the mini
   * program's AppID), without `appId` in the result, since `wx.requestPayment` takes none.
   */
  miniProgram(input: PaySignInput): Promise<MiniProgramPayParams>
  /** APP (OpenSDK `PayReq`): the bare `prepay_id` is signed; `partnerid` defaults to the client's `mchid`. */
  app(input: AppPaySignInput): Promise<AppPayParams>
  /** APIv2 variants, for a `prepay_id` from `v2/pay/unifiedorder`. */
  readonly v2: PaySignV2
}

/** APIv2 variants: `signType` must be the one `unifiedorder` was called with (default MD5). */
export interface PaySignV2 {
  jsapi(input: PaySignInput & { signType?: SignType }): Promise<JsapiPayParams<SignType>>
  miniProgram(input: PaySignInput & { signType?: SignType }): Promise<MiniProgramPayParams<SignType>>
  app(input: AppPaySignInput & { signType?: SignType }): Promise<AppPayParams>
}

/** What every pay-sign takes. `timeStamp` (Unix seconds) and `nonceStr` are generated unless given. */
export interface PaySignInput {
  /** The AppID the order was placed with (公众号, 小程序 or 移动应用 AppID). */
  appId: string
  /** `prepay_id` of the order (without `prepay_id=`). */
  prepayId: string
  /** Unix seconds as a string; default now. */
  timeStamp?: string
  /** Up to 32 letters and digits; default 32 random ones. */
  nonceStr?: string
}

export interface AppPaySignInput extends PaySignInput {
  /** `partnerid`: the merchant id the order belongs to; default the client's `mchid`. */
  partnerId?: string
}

/** The object `getBrandWCPayRequest` takes (JSAPI). */
export interface JsapiPayParams<S extends string = 'RSA'> {
  appId: string
  timeStamp: string
  nonceStr: string
  /** `prepay_id=…` */
  package: string
  signType: S
  paySign: string
}

/** The object `wx.requestPayment` takes (mini program). */
export type MiniProgramPayParams<S extends string = 'RSA'> = Omit<JsapiPayParams<S>, 'appId'>

/** The OpenSDK `PayReq` fields (APP), named as the APIv2 APP parameters are. */
export interface AppPayParams {
  appid: string
  partnerid: string
  prepayid: string
  /** Always `Sign=WXPay`. */
  package: 'Sign=WXPay'
  noncestr: string
  timestamp: string
  sign: string
}

function text(option: string, value: unknown, pattern: RegExp, what: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) throw new WechatpayValidationError(option, what)
  return value
}

/** Checks the input; every value is one line of the signed message or one `k=v` pair. */
function common(input: PaySignInput) {
  if (!input || typeof input !== 'object') throw new WechatpayValidationError('paySign', 'takes an object')
  const appId = text('appId', input.appId, /^[\w-]{1,64}$/, 'must be an AppID (letters, digits, _ and -)')
  const prepayId = text(
    'prepayId',
    input.prepayId,
    /^[\w-]{1,128}$/,
    'must be a prepay_id, without "prepay_id="',
  )
  const timeStamp =
    input.timeStamp === undefined
      ? String(Math.floor(Date.now() / 1000))
      : text('timeStamp', input.timeStamp, /^\d{1,12}$/, 'must be Unix seconds as a string of digits')
  const nonceStr =
    input.nonceStr === undefined
      ? makeNonce()
      : text('nonceStr', input.nonceStr, /^[0-9A-Za-z]{1,32}$/, 'must be 1 to 32 letters and digits')
  return { appId, prepayId, timeStamp, nonceStr }
}

async function rsa(config: Config, lines: string[]): Promise<string> {
  if (!config.signer)
    throw new WechatpayValidationError(
      'privateKey',
      'APIv3 pay-sign needs the merchant private key (or a signer)',
    )
  return config.signer(`${lines.join('\n')}\n`)
}

function partner(config: Config, input: AppPaySignInput): string {
  return input.partnerId === undefined
    ? config.mchid
    : text('partnerId', input.partnerId, /^\d{1,32}$/, 'must be the digits of a merchant id')
}

function signTypeOf(value: unknown): SignType {
  if (value === undefined) return 'MD5'
  if (value !== 'MD5' && value !== 'HMAC-SHA256')
    throw new WechatpayValidationError(
      'signType',
      'must be MD5 or HMAC-SHA256 (the sign type of unifiedorder)',
    )
  return value
}

/** The `paySign` member of a client. */
export function createPaySign(config: Config, hmacKey: () => Promise<CryptoKey>): PaySign {
  const v2 = (fields: Record<string, string>, signType: SignType) => {
    if (!config.secret) throw new WechatpayValidationError('secret', 'APIv2 pay-sign needs the APIv2 key')
    return signV2(fields, config.secret, signType, hmacKey)
  }
  const jsapi = async (input: PaySignInput): Promise<JsapiPayParams> => {
    const { appId, prepayId, timeStamp, nonceStr } = common(input)
    const pkg = `prepay_id=${prepayId}`
    const paySign = await rsa(config, [appId, timeStamp, nonceStr, pkg])
    return { appId, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign }
  }
  const jsapiV2 = async (
    input: PaySignInput & { signType?: SignType },
  ): Promise<JsapiPayParams<SignType>> => {
    const { appId, prepayId, timeStamp, nonceStr } = common(input)
    const signType = signTypeOf(input.signType)
    const fields = { appId, timeStamp, nonceStr, package: `prepay_id=${prepayId}`, signType }
    return { ...fields, paySign: await v2(fields, signType) }
  }
  const withoutAppId = <S extends string>({
    appId: _,
    ...rest
  }: JsapiPayParams<S>): MiniProgramPayParams<S> => rest
  return {
    jsapi,
    miniProgram: async (input) => withoutAppId(await jsapi(input)),
    async app(input) {
      const { appId, prepayId, timeStamp, nonceStr } = common(input)
      const partnerid = partner(config, input)
      const sign = await rsa(config, [appId, timeStamp, nonceStr, prepayId])
      return {
        appid: appId,
        partnerid,
        prepayid: prepayId,
        package: 'Sign=WXPay',
        noncestr: nonceStr,
        timestamp: timeStamp,
        sign,
      }
    },
    v2: {
      jsapi: jsapiV2,
      miniProgram: async (input) => withoutAppId(await jsapiV2(input)),
      async app(input) {
        const { appId, prepayId, timeStamp, nonceStr } = common(input)
        const fields = {
          appid: appId,
          partnerid: partner(config, input),
          prepayid: prepayId,
          package: 'Sign=WXPay' as const,
          noncestr: nonceStr,
          timestamp: timeStamp,
        }
        // No signType goes to the app: the sign type is the one unifiedorder used (MD5 by default).
        return { ...fields, sign: await v2(fields, signTypeOf(input.signType)) }
      },
    },
  }
}
