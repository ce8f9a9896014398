import { chainNode, NODE } from './chain'
import type { Download } from './download'
import { WechatpayValidationError } from './errors'
import { downloadCertificates, type PlatformCertificate, platformCertificates } from './keys/certificates'
import { decryptField, type Sensitive, sensitive } from './keys/sensitive'
import { sharedCertificates } from './keys/shared-certificates'
import { createNotifications, type Notifications } from './notifications'
import { type ClientCertConfig, type Config, validateOptions, type WechatpayOptions } from './options'
import { createPaySign, type PaySign } from './pay-sign'
import { type Context, createContext } from './pipeline/context'
import { checkSignal, checkTimeout } from './pipeline/send'
import { fetchTransport } from './transport/fetch'
import type { Transport } from './transport/types'
import type { EndpointTree } from './types/chain'
import { createPageUrl, type PageUrl } from './v2/page'

/**
 * The client: reach any endpoint by its URL, in three styles that build the same request.
 * Requests are signed and replies verified for you; v2 paths speak XML, v3 paths JSON.
 *
 * @example
 * ```ts
 * const wxpay = new Wechatpay({ mchid, serial, privateKey, certs: { [platformSerial]: publicKey }, secret })
 * await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({ out_trade_no: 'T1', json: { mchid } })
 * await wxpay.chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close').post({ out_trade_no: 'T1', json: { mchid } })
 * await wxpay['v3/pay/transactions/out-trade-no/{out_trade_no}/close'].post({ out_trade_no: 'T1', json: { mchid } })
 * ```
 */
export type Wechatpay = EndpointTree & RootMembers

/** The client's own members: never URL segments. */
export interface RootMembers {
  /**
   * Verifies and decodes what WeChat Pay POSTs to your `notify_url` (`parse` for APIv3 JSON,
   * `parseV2` for APIv2 XML); answer with `acknowledge`.
   */
  readonly notifications: Notifications
  /**
   * Marks a string to send encrypted, anywhere inside `json` (e.g. `name` of
   * `v3/profitsharing/receivers/add`). At send time it is encrypted with RSA-OAEP (SHA-1) under one
   * platform key (the WeChat Pay public key when configured, else the newest valid platform
   * certificate), before signing, and `Wechatpay-Serial` names that key. The marker never shows
   * its value: `String`, `JSON.stringify` and `util.inspect` give `[wxpay sensitive]`.
   *
   * @example
   * ```ts
   * await wxpay.v3.profitsharing.receivers.add.post({
   *   json: { appid, type: 'PERSONAL_OPENID', account: openid, name: wxpay.sensitive('张三'), relation_type: 'USER' },
   * })
   * ```
   */
  readonly sensitive: (value: string) => Sensitive
  /**
   * Decrypts a field WeChat Pay encrypted for you in a reply (RSA-OAEP SHA-1 under your merchant
   * API certificate), with `privateKey`. Rejects with `WechatpayValidationError` (`ciphertext`)
   * when it does not decrypt.
   */
  readonly decrypt: (ciphertext: string) => Promise<string>
  /**
   * Signs the parameters a front end hands to WeChat to open the payment sheet: `jsapi`
   * (`getBrandWCPayRequest`), `miniProgram` (`wx.requestPayment`), `app` (OpenSDK `PayReq`), with
   * the merchant private key (APIv3); `paySign.v2.*` with the APIv2 key (MD5 or HMAC-SHA256).
   *
   * @example
   * ```ts
   * const { data } = await wxpay.v3.pay.transactions.jsapi.post({ json: order })
   * const params = await wxpay.paySign.jsapi({ appId, prepayId: data.prepay_id })
   * // → { appId, timeStamp, nonceStr, package: 'prepay_id=…', signType: 'RSA', paySign }
   * ```
   */
  readonly paySign: PaySign
  /**
   * Downloads the file a bill reply points to and checks it against the reply's digest (SHA-1 or
   * SHA-256 over the uncompressed bytes; gzip is unpacked first). `download_url` must be on
   * `baseUrl` or `backupBaseUrl`, else nothing is sent. `download.stream` for files larger than memory.
   *
   * @example
   * ```ts
   * const { data } = await wxpay.v3.bill.tradebill.get({ query: { bill_date: '2026-11-29' } })
   * const csv = new TextDecoder().decode(await wxpay.download(data.download_url, data))
   * ```
   */
  readonly download: Download
  /**
   * The signed URL of a page endpoint (`v2/papay/entrustweb`, `v2/papay/partner/entrustweb`,
   * `v2/appauth/authindex`) for the user's browser; no request is sent.
   *
   * @example
   * ```ts
   * const url = await wxpay.pageUrl('v2/papay/entrustweb', { query: { appid, mch_id, plan_id, … } })
   * ```
   */
  readonly pageUrl: PageUrl
  /**
   * Downloads the platform certificates (`GET /v3/certificates`) and returns them as PEM with their
   * serial and validity, trusted exactly as `autoCertificates` trusts them: each decrypts with
   * `apiv3Key`, is the certificate of the serial it is listed under, and the reply verifies with
   * the certificate it names (or a key already in `certs`). Anything else rejects with
   * `WechatpaySignatureError`. Certificates not valid now are returned too (look at the dates);
   * only valid ones verify the reply. One request each call, nothing cached; the client's own key
   * store is not changed. Needs `serial`, `privateKey` and `apiv3Key` (else
   * `WechatpayValidationError` before any I/O). A merchant in public-key mode has no certificates:
   * 404 `RESOURCE_NOT_EXISTS` (`WechatpayApiError`), or `[]` when a public key is in `certs`.
   *
   * @example
   * ```ts
   * const certs = Object.fromEntries((await wxpay.certificates()).map((c) => [c.serial, c.pem]))
   * ```
   */
  readonly certificates: (options?: {
    signal?: AbortSignal
    timeout?: number
  }) => Promise<PlatformCertificate[]>
}

/**
 * The transport of the APIv2 certificate endpoints: `clientCert` on the Node transport; else the
 * given `fetch`, which is then responsible for presenting the certificate (a Workers mTLS binding).
 */
function certificateTransport(
  config: Config,
  transport: Transport,
  clientCertTransport: ((clientCert: ClientCertConfig, config: Config) => Transport) | undefined,
): { transport?: Transport; missing?: string } {
  if (config.clientCert) {
    if (clientCertTransport) return { transport: clientCertTransport(config.clientCert, config) }
    if (config.fetch) return { transport }
    throw new WechatpayValidationError(
      'clientCert',
      "this runtime's fetch cannot present a client certificate: pass a `fetch` that does (e.g. the fetch of a Cloudflare Workers mTLS certificate binding), or run on Node.js",
    )
  }
  if (config.fetch) return { transport }
  return clientCertTransport
    ? {}
    : {
        missing:
          'on this runtime, pass a `fetch` that presents the merchant API certificate (e.g. the fetch of a Cloudflare Workers mTLS certificate binding)',
      }
}

export interface WechatpayConstructor {
  /** Validates the options (a bad one throws `WechatpayValidationError` naming it) and imports the keys. */
  new (options: WechatpayOptions): Wechatpay
  readonly prototype: Wechatpay
}

/** Builds the `Wechatpay` class of an entry point, with that entry's default transport. */
export function createWechatpayClass(
  defaultTransport: (config: Config) => Transport,
  clientCertTransport?: (clientCert: ClientCertConfig, config: Config) => Transport,
): WechatpayConstructor {
  // A constructor that returns the chain's root proxy; its target carries the prototype so that
  // `instanceof Wechatpay` holds, and nothing else: the configuration lives in a closure.
  function Wechatpay(this: object, options: WechatpayOptions) {
    if (!new.target) throw new TypeError("Class constructor Wechatpay cannot be invoked without 'new'")
    const config = validateOptions(options)
    if (config.proxy && (config.fetch || !clientCertTransport))
      throw new WechatpayValidationError(
        'proxy',
        config.fetch
          ? 'applies to the built-in Node.js transport; a `fetch` of your own sends through its own proxy (a dispatcher or agent of its own)'
          : 'is for Node.js; on this runtime requests follow the platform’s network settings',
      )
    const transport = config.fetch ? fetchTransport(config.fetch) : defaultTransport(config)
    const context = createContext(
      config,
      transport,
      certificateTransport(config, transport, clientCertTransport),
    )
    const { apiv3Key } = context
    if (config.autoCertificates) {
      const deps = { config, door: context.door, store: config.keys, apiv3Key }
      config.keys.enableAuto({
        intervalMs: config.autoCertificates.intervalMs,
        // With a shared `store`: one download for the fleet (keys/shared-certificates.ts).
        download: config.store ? sharedCertificates(deps, config.store) : () => downloadCertificates(deps),
      })
    }
    const members = new Map<string, unknown>([
      ['notifications', createNotifications(config, context)],
      ['sensitive', sensitive],
      ['decrypt', (ciphertext: string) => decryptField(config.decryptionKey, ciphertext)],
      ['paySign', createPaySign(config, context.hmacKey)],
      ['download', lazyDownload(context)],
      ['pageUrl', createPageUrl(config, context.hmacKey)],
      [
        'certificates',
        async (call: { signal?: AbortSignal; timeout?: number } = {}) => {
          if (!config.serial)
            throw new WechatpayValidationError('serial', 'is needed to download the platform certificates')
          if (!config.signer)
            throw new WechatpayValidationError(
              'privateKey',
              'is needed to download the platform certificates',
            )
          if (!config.apiv3Key)
            throw new WechatpayValidationError('apiv3Key', 'is needed to download the platform certificates')
          if (!call || typeof call !== 'object')
            throw new WechatpayValidationError('options', 'must be { signal, timeout }')
          const timeout = call.timeout === undefined ? undefined : checkTimeout(call.timeout)
          const signal = checkSignal(call.signal)
          return platformCertificates(
            { config, door: context.door, store: config.keys, apiv3Key },
            { signal, timeout },
          )
        },
      ],
    ])
    return chainNode(context, '', Object.create(new.target.prototype), members)
  }
  Wechatpay.prototype = Object.create(NODE)
  return Wechatpay as unknown as WechatpayConstructor
}

/**
 * `wxpay.download`: the downloader (digest checks, gunzip, SHA-1/SHA-256) is imported on the first
 * download, so a client that never downloads a bill (most Workers) does not load it.
 */
function lazyDownload(context: Context): Download {
  let loaded: Promise<Download> | undefined
  const load = () =>
    (loaded ??= import('./download').then(
      (module) => module.createDownload(context),
      (err: unknown) => {
        loaded = undefined
        throw err
      },
    ))
  const download = async (...args: Parameters<Download>) => (await load())(...args)
  download.stream = async (...args: Parameters<Download['stream']>) => (await load()).stream(...args)
  return download
}
