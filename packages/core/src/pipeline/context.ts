import { importAesGcmKey } from '../crypto/aes-gcm'
import { importHmacKey } from '../crypto/signature'
import { WechatpayValidationError } from '../errors'
import type { Config } from '../options'
import type { Transport } from '../transport/types'
import type { Door } from './send'

/** Everything a request needs besides its options: the validated config and the door. */
export interface Context {
  config: Config
  door: Door
  hmacKey: () => Promise<CryptoKey>
  /**
   * The APIv3 key as an AES-256-GCM key, imported on first use (notifications, certificate downloads);
   * a failed import is retried next time rather than cached. Only called where `config.apiv3Key` is set.
   */
  apiv3Key: () => Promise<CryptoKey>
  /** Why there is no mutual-TLS transport, for the validation error of a call that needs one. */
  certMissing: string
}

export function createContext(
  config: Config,
  transport: Transport,
  cert: { transport?: Transport | undefined; missing?: string } = {},
): Context {
  let hmac: Promise<CryptoKey> | undefined
  let aes: Promise<CryptoKey> | undefined
  return {
    config,
    door: {
      transport,
      certTransport: cert.transport,
      bases: config,
      timeout: config.timeout,
      hooks: config.hooks,
      retry: config.retry,
    },
    certMissing:
      cert.missing ??
      'set clientCert: the merchant API certificate as { cert, key } PEM (apiclient_cert.pem, apiclient_key.pem) or { pfx, passphrase } (apiclient_cert.p12)',
    hmacKey: () => {
      if (!config.secret) throw new WechatpayValidationError('secret', 'HMAC-SHA256 needs the APIv2 key')
      hmac ??= importHmacKey(config.secret)
      return hmac
    },
    apiv3Key: () => {
      aes ??= importAesGcmKey(config.apiv3Key!).catch((err: unknown) => {
        aes = undefined
        throw err
      })
      return aes
    },
  }
}
