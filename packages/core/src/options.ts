import { importOaepPrivateKey } from './crypto/oaep'
import { type KeyMaterial, PemError, parsePrivateKey, parsePublicKey } from './crypto/pem'
import { importRsaKey } from './crypto/signature'
import { normalizeSerial } from './crypto/x509'
import { CERTIFICATE_ENDPOINTS } from './endpoints/catalogue/table'
import { WechatpayValidationError } from './errors'
import { type Anchor, notIssuedBy, parseAnchors } from './keys/anchor'
import { DEFAULT_REFRESH_MS, KeyStore, type PlatformKey, platformKey } from './keys/key-store'
import { checkSigner, keySigner, type Signer } from './keys/signer'
import { combineHooks, debugHooks, type Hooks } from './pipeline/hooks'
import { type RetryOptions, type RetryPolicy, retryPolicy } from './pipeline/retry'
import { storeProblem, type WechatpayStore } from './store'

/** Options of `new Wechatpay()`. Only `mchid` is always required; v3 needs `serial`, `privateKey`, `certs`; v2 needs `secret`. */
export interface WechatpayOptions {
  /** Merchant id (商户号), digits. */
  mchid: string
  /** Serial of the merchant API certificate (商户API证书序列号), sent as `serial_no` (v3). */
  serial?: string
  /**
   * Merchant API private key (`apiclient_key.pem`), PKCS#8 or PKCS#1 PEM, not encrypted, RSA of at
   * least 2048 bits (v3). One PEM block; a one-line PEM with literal `\n` is read as well.
   */
  privateKey?: string
  /**
   * Instead of `privateKey`: signs request signatures and pay-sign messages, so the key can stay
   * in a KMS or HSM. An async function `(message) => base64 signature` (RSASSA-PKCS1-v1_5 with
   * SHA-256 over the message's UTF-8 bytes), or a non-extractable private `CryptoKey`
   * (RSASSA-PKCS1-v1_5, SHA-256, usage `sign`). `decrypt()` still needs `privateKey`.
   */
  signer?: Signer | CryptoKey
  /**
   * Platform keys for verifying replies (v3): serial → PEM. Either WeChat Pay public keys
   * (`PUB_KEY_ID_…` → SPKI `PUBLIC KEY` PEM) or platform certificates (hex serial → X.509 PEM), or both.
   * A certificate must be filed under its own serial and be valid now; every key RSA ≥ 2048 bits.
   */
  certs?: Record<string, string>
  /** The APIv2 key (32 characters), for v2 signs. */
  secret?: string
  /**
   * The APIv3 key (APIv3密钥, 32 characters), for `notifications.parse` (AES-256-GCM). Checked at
   * construction; without it `parse` refuses with a `WechatpayValidationError` naming `apiv3Key`.
   */
  apiv3Key?: string
  /**
   * Platform certificate mode: download the certificates from `GET /v3/certificates` on first need
   * (decrypted with `apiv3Key`, trusted only once the reply verifies with the certificate it names),
   * refresh them every 12 hours or every `intervalMs`, and once more when a reply or notification
   * names an unknown serial. Needs `apiv3Key`, `serial` and `privateKey`; `certs` may still hold a
   * public key (a migration). Default off.
   */
  autoCertificates?: boolean | AutoCertificatesOptions
  /**
   * Trust anchor for downloaded platform certificates: WeChat Pay's root CA (`Tenpay.com Root CA`)
   * as PEM, or several (a bundle, or an array). When set, every certificate `/v3/certificates`
   * delivers must be issued by one of them (its sha256WithRSA signature verified with the anchor's
   * key, in plain Web Crypto) or the whole download is refused; a certificate in `certs` that is
   * not makes the first call reject with a `WechatpayValidationError` naming it. Default: none (the reply's own
   * signature and the APIv3 key are what the official SDKs check). See docs/going-live.md.
   */
  certificateAnchor?: string | readonly string[]
  /**
   * Shared state for many instances (`redisStore`, `postgresStore`, … of `@wxpay/store`): with
   * `autoCertificates`, one `/v3/certificates` download for the whole fleet, stored sealed and
   * signed, decrypted and verified again by every instance that reads it.
   */
  store?: WechatpayStore<unknown>
  /** Default `https://api.mch.weixin.qq.com/`. A path prefix is kept and signed. */
  baseUrl?: string
  /**
   * Re-sends a request once here after a connection-level failure. Defaults to
   * `https://api2.mch.weixin.qq.com/` when `baseUrl` is the default, else none; `false` disables.
   */
  backupBaseUrl?: string | false
  /** Milliseconds for a whole call, the backup attempt included. Default 10 000. */
  timeout?: number
  /** Use this `fetch` instead of the runtime's default transport (undici on Node, `fetch` elsewhere). */
  fetch?: typeof fetch
  /**
   * The merchant API certificate for the APIv2 endpoints that need mutual TLS (`v2/secapi/pay/refund`,
   * transfers, red packets, …): the PEM pair (`apiclient_cert.pem` + `apiclient_key.pem`) or the
   * PKCS#12 file (`apiclient_cert.p12`, whose passphrase is the mchid unless given). Used by the
   * Node.js transport for those endpoints only; on other runtimes pass a `fetch` that presents it.
   */
  clientCert?: ClientCertificate
  /**
   * Observers of every request the client makes (calls, uploads, downloads, certificate
   * downloads): `request`, `response`, `error`, one event per attempt. Synchronous; a hook that
   * throws is ignored. Events never hold a header value, a body or a key.
   */
  hooks?: Hooks
  /**
   * Prints one line per attempt (method, path template, status or error code, Request-ID, ms) to
   * `console.error`, or to the function given. Nothing else: no header, body or query.
   */
  debug?: boolean | ((line: string) => void)
  /**
   * Opt-in retries (default none): a number of retries, or `{ retries, minDelayMs, maxDelayMs }`.
   * Only GET requests and the endpoints keyed by an id the merchant chose (`out_trade_no`,
   * `out_refund_no`, …: docs/retry.md), when the request carries that id; only after a failure
   * before any reply, a 429 or a 5xx `SYSTEM_ERROR`; with exponential backoff and jitter,
   * `Retry-After` honoured, all within `timeout`.
   */
  retry?: number | RetryOptions
  /**
   * Node.js: send every request through this forward proxy (`http://user:pass@host:port`; HTTPS
   * through a CONNECT tunnel), the mutual-TLS endpoints included; `'env'` reads `HTTPS_PROXY`,
   * `HTTP_PROXY` and `NO_PROXY`. Other runtimes use their platform's network settings: refused there.
   */
  proxy?: string
  /** Node.js: milliseconds to open a connection (TCP and TLS), within `timeout`. Default 6 000. */
  connectTimeout?: number
  /**
   * Where the platform certificates are downloaded (`autoCertificates`, `certificates()`):
   * `'v3/certificates'` (mainland merchants, the default), `'v3/global/certificates'` (cross-border
   * merchants), `'hk/v3/certificates'` (HK wallet merchants). Relative to `baseUrl`.
   */
  certificatesEndpoint?: CertificatesEndpoint
}

/** {@link WechatpayOptions.certificatesEndpoint}: the generated table's certificate endpoints. */
export type CertificatesEndpoint = 'v3/certificates' | 'v3/global/certificates' | 'hk/v3/certificates'

/** {@link WechatpayOptions.clientCert}: a PEM pair, or a PKCS#12 file and its passphrase. */
export type ClientCertificate =
  | {
      /** `apiclient_cert.pem`. */
      cert: string
      /** `apiclient_key.pem`. */
      key: string
      /** Trust these CA certificates (PEM) for the server instead of the system's: for test gateways. */
      ca?: string | string[]
    }
  | {
      /** `apiclient_cert.p12`, the bytes. */
      pfx: Uint8Array | ArrayBuffer
      /** Default: `mchid` (WeChat Pay issues the file with the merchant id as its password). */
      passphrase?: string
      /** Trust these CA certificates (PEM) for the server instead of the system's: for test gateways. */
      ca?: string | string[]
    }

/** The validated client certificate; the private key and passphrase stay in the config. */
export interface ClientCertConfig {
  cert?: string
  key?: string
  pfx?: Uint8Array
  passphrase?: string
  ca?: string[]
}

/** The object form of {@link WechatpayOptions.autoCertificates}. */
export interface AutoCertificatesOptions {
  /** Milliseconds between refreshes; default 43 200 000 (12 h), at least 1 000. */
  intervalMs?: number
}

export const DEFAULT_BASE_URL = 'https://api.mch.weixin.qq.com/'
export const DEFAULT_BACKUP_BASE_URL = 'https://api2.mch.weixin.qq.com/'
export const DEFAULT_TIMEOUT = 10_000
/** The largest delay a timer takes (2^31 − 1 ms, about 24.8 days); a larger one fires at once. */
export const MAX_TIMEOUT = 2_147_483_647

/**
 * The one rule of every duration in milliseconds (the client's `timeout` and `connectTimeout`, a
 * call's, a download's, `certificates()`'s): positive, finite, at most {@link MAX_TIMEOUT}.
 */
export function checkTimeout(value: unknown, option = 'timeout'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMEOUT)
    fail(option, `must be a positive number of milliseconds, at most ${MAX_TIMEOUT}`)
  return value
}

/** Validated configuration. Secrets live here and nowhere else; this object is never exposed. */
export interface Config {
  mchid: string
  serial: string | undefined
  /** Signs with the merchant private key (`privateKey` imported, or the user's `signer`). */
  signer: Signer | undefined
  /** The merchant private key imported for RSA-OAEP decryption (`decrypt()`), on first use. */
  decryptionKey: (() => Promise<CryptoKey>) | undefined
  /** Serial → platform key: the static `certs` now, downloaded certificates once `autoCertificates` runs. */
  keys: KeyStore
  /** Refresh interval when `autoCertificates` is on. */
  autoCertificates: { intervalMs: number } | undefined
  /** CA certificates that must have issued every downloaded platform certificate. */
  certificateAnchor: readonly Anchor[] | undefined
  /** The shared store of the certificates, if any. */
  store: WechatpayStore<unknown> | undefined
  secret: string | undefined
  /** The APIv3 key's 32 bytes. */
  apiv3Key: Uint8Array<ArrayBuffer> | undefined
  baseUrl: URL
  backupBaseUrl: URL | undefined
  timeout: number
  fetch: typeof fetch | undefined
  clientCert: ClientCertConfig | undefined
  hooks: Hooks | undefined
  retry: RetryPolicy
  /** A proxy URL, or `env` (Node.js transports only). */
  proxy: string | undefined
  connectTimeout: number
  certificatesEndpoint: CertificatesEndpoint
}

export const DEFAULT_CONNECT_TIMEOUT = 6_000

const SERIAL = /^[0-9A-Za-z_]{1,64}$/

function fail(option: string, message: string): never {
  throw new WechatpayValidationError(option, message)
}

function checkString(option: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value === '') fail(option, 'must be a non-empty string')
}

function parseUrl(option: string, value: string): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    fail(option, 'is not an absolute URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(option, 'must be an http(s) URL')
  if (url.search || url.hash || url.username || url.password)
    fail(option, 'must not have a query, fragment or credentials')
  if (!url.pathname.endsWith('/')) url.pathname += '/'
  return url
}

/** A key import that failed must not become an unhandled rejection before the first call. */
function quietly<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {})
  return promise
}

/** Parses a key PEM; what is wrong with it is reported under `option`, never quoting the PEM. */
function parseKey(option: string, parse: () => KeyMaterial): KeyMaterial {
  try {
    return parse()
  } catch (err) {
    if (err instanceof PemError) fail(option, err.message)
    throw err
  }
}

/**
 * Starts the Web Crypto import of a checked key. The synchronous checks (crypto/rsa.ts) are meant
 * to let through only keys that import; should a runtime still refuse one, the promise rejects with
 * a `WechatpayValidationError` naming `option`, which the first call that needs keys throws.
 */
function importKey(option: string, material: KeyMaterial): Promise<CryptoKey> {
  return quietly(
    importRsaKey(material).catch(() => {
      throw new WechatpayValidationError(option, 'Web Crypto could not import this RSA key')
    }),
  )
}

/**
 * A platform certificate must be filed under its own serial (replies name their key by serial)
 * and be valid now; a `PUB_KEY_ID_…` entry is a WeChat Pay public key, never a certificate.
 */
function checkCertificate(option: string, id: string, material: KeyMaterial, now: number): void {
  const certificate = material.certificate
  if (!certificate) return
  const { serial: own, notBefore, notAfter } = certificate
  if (id.startsWith('PUB_KEY_ID_'))
    fail(
      option,
      `is a certificate (serial ${own}), but a PUB_KEY_ID_… entry is a WeChat Pay public key ("PUBLIC KEY" PEM, pub_key.pem); file a platform certificate under its serial`,
    )
  if (normalizeSerial(id) !== own)
    fail(option, `is the certificate with serial ${own}; file it under that serial, which replies name it by`)
  if (notAfter.getTime() < now)
    fail(
      option,
      `the certificate expired on ${notAfter.toISOString()} (notAfter); use the current platform certificate or the WeChat Pay public key`,
    )
  if (notBefore.getTime() > now)
    fail(option, `the certificate is not valid before ${notBefore.toISOString()} (notBefore)`)
}

/** Validates options synchronously, so that a misconfiguration fails at construction. */
export function validateOptions(options: WechatpayOptions): Config {
  if (!options || typeof options !== 'object') fail('options', 'must be an object')
  const { mchid, serial, privateKey, certs, secret } = options
  checkString('mchid', mchid)
  if (!/^\d{1,32}$/.test(mchid)) fail('mchid', 'must be the digits of a merchant id')

  if (serial !== undefined) {
    checkString('serial', serial)
    if (!SERIAL.test(serial)) fail('serial', 'must be a certificate serial (letters and digits)')
  }

  let signer: Signer | undefined
  let decryptionKey: (() => Promise<CryptoKey>) | undefined
  if (privateKey !== undefined) {
    checkString('privateKey', privateKey)
    const material = parseKey('privateKey', () => parsePrivateKey(privateKey))
    signer = keySigner(importKey('privateKey', material))
    let oaep: Promise<CryptoKey> | undefined
    decryptionKey = () => {
      oaep ??= importOaepPrivateKey(material.der).catch(() => {
        throw new WechatpayValidationError(
          'privateKey',
          'Web Crypto could not import this RSA key for RSA-OAEP',
        )
      })
      return oaep
    }
  }

  if (options.signer !== undefined) {
    if (privateKey !== undefined)
      fail('signer', 'give either privateKey or signer, not both (decrypt() needs privateKey)')
    signer = checkSigner(options.signer)
  }

  const keys: PlatformKey[] = []
  const now = Date.now()
  const certificateAnchor =
    options.certificateAnchor === undefined
      ? undefined
      : parseAnchors('certificateAnchor', options.certificateAnchor, now)
  if (certs !== undefined) {
    if (!certs || typeof certs !== 'object' || Array.isArray(certs))
      fail('certs', 'must be an object of serial → PEM')
    for (const [index, [id, pem]] of Object.entries(certs).entries()) {
      // The bad key is described, never echoed: it may be a PEM given on the wrong side.
      if (!SERIAL.test(id)) {
        const swapped = id.includes('-----BEGIN') ? ' (a PEM: are serial and PEM swapped?)' : ''
        fail('certs', `key number ${index + 1} (${id.length} characters) is not a serial${swapped}`)
      }
      if (serial !== undefined && normalizeSerial(id) === normalizeSerial(serial)) {
        fail(
          'certs',
          `holds the merchant serial ${id}: certs are WeChat Pay's platform keys (PUB_KEY_ID_… or platform certificate serials), not your own`,
        )
      }
      const option = `certs[${JSON.stringify(id)}]`
      // Serials are looked up in any spelling (keys/key-store.ts): two spellings of one are one key.
      if (keys.some((key) => normalizeSerial(key.serial) === normalizeSerial(id)))
        fail(
          option,
          'names the same serial as another entry (serials compare in any case, leading zeros ignored)',
        )
      checkString(option, pem)
      const material = parseKey(option, () => parsePublicKey(pem))
      checkCertificate(option, id, material, now)
      // With an anchor, a certificate in certs must chain to it too; a refusal surfaces, naming
      // the entry, when the first call awaits the keys (before anything is sent).
      const verify =
        material.certificate && certificateAnchor
          ? quietly(
              notIssuedBy(pem, certificateAnchor).then((why) => {
                if (why) throw new WechatpayValidationError(option, why)
                return importKey(option, material)
              }),
            )
          : importKey(option, material)
      keys.push(platformKey(id, material, verify))
    }
  }

  let apiv3Key: Uint8Array<ArrayBuffer> | undefined
  if (options.apiv3Key !== undefined) {
    checkString('apiv3Key', options.apiv3Key)
    const { length } = options.apiv3Key
    // 32 printable ASCII characters are 32 bytes: the AES-256 key. The value is never echoed.
    if (length !== 32) fail('apiv3Key', `the APIv3 key has 32 characters, this one has ${length}`)
    if (!/^[\x20-\x7e]{32}$/.test(options.apiv3Key))
      fail('apiv3Key', 'the APIv3 key is 32 printable ASCII characters (letters and digits)')
    apiv3Key = new TextEncoder().encode(options.apiv3Key)
  }

  let autoCertificates: { intervalMs: number } | undefined
  const auto = options.autoCertificates
  if (auto !== undefined && auto !== false) {
    if (auto !== true && (!auto || typeof auto !== 'object' || Array.isArray(auto)))
      fail('autoCertificates', 'must be true, false or { intervalMs }')
    const intervalMs = auto === true || auto.intervalMs === undefined ? DEFAULT_REFRESH_MS : auto.intervalMs
    if (
      typeof intervalMs !== 'number' ||
      !Number.isFinite(intervalMs) ||
      intervalMs < 1000 ||
      intervalMs > MAX_TIMEOUT
    )
      fail('autoCertificates', `intervalMs must be a number of milliseconds from 1000 to ${MAX_TIMEOUT}`)
    if (!apiv3Key)
      fail('autoCertificates', 'needs apiv3Key: the certificates come encrypted with the APIv3 key')
    if (!signer || serial === undefined)
      fail('autoCertificates', 'needs serial and privateKey: the certificate download is a signed APIv3 call')
    autoCertificates = { intervalMs }
  }

  if (options.store !== undefined) {
    const problem = storeProblem(options.store)
    if (problem) fail('store', problem)
  }

  if (secret !== undefined) {
    checkString('secret', secret)
    if (secret.length !== 32) fail('secret', `the APIv2 key has 32 characters, this one has ${secret.length}`)
  }

  const baseUrl = parseUrl('baseUrl', options.baseUrl ?? DEFAULT_BASE_URL)
  let backupBaseUrl: URL | undefined
  if (options.backupBaseUrl === undefined) {
    backupBaseUrl = baseUrl.href === DEFAULT_BASE_URL ? new URL(DEFAULT_BACKUP_BASE_URL) : undefined
  } else if (options.backupBaseUrl !== false) {
    checkString('backupBaseUrl', options.backupBaseUrl)
    backupBaseUrl = parseUrl('backupBaseUrl', options.backupBaseUrl)
    // The signature covers the path, so the very same signed request only fits the same path prefix.
    if (backupBaseUrl.pathname !== baseUrl.pathname)
      fail('backupBaseUrl', 'must have the same path as baseUrl')
  }

  const timeout = checkTimeout(options.timeout ?? DEFAULT_TIMEOUT, 'timeout')
  if (options.fetch !== undefined && typeof options.fetch !== 'function') fail('fetch', 'must be a function')
  const clientCert = options.clientCert === undefined ? undefined : checkClientCert(options.clientCert, mchid)

  const hookSets: Hooks[] = []
  if (options.hooks !== undefined) {
    const hooks = options.hooks
    if (!hooks || typeof hooks !== 'object' || Array.isArray(hooks))
      fail('hooks', 'must be { request, response, error } of functions')
    for (const name of Object.keys(hooks)) {
      if (name !== 'request' && name !== 'response' && name !== 'error')
        fail(`hooks.${name}`, 'is not a hook: request, response or error')
      const hook = hooks[name]
      if (hook !== undefined && typeof hook !== 'function') fail(`hooks.${name}`, 'must be a function')
    }
    hookSets.push(hooks)
  }
  const debug = options.debug
  if (debug !== undefined && typeof debug !== 'boolean' && typeof debug !== 'function')
    fail('debug', 'must be true, false or a function (line) => void')
  if (debug) hookSets.push(debugHooks(typeof debug === 'function' ? debug : (line) => console.error(line)))

  let proxy: string | undefined
  if (options.proxy !== undefined) {
    checkString('proxy', options.proxy)
    proxy = options.proxy
    if (proxy !== 'env') {
      let url: URL
      try {
        url = new URL(proxy)
      } catch {
        fail('proxy', "is not a URL (http://host:port), nor 'env'")
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') fail('proxy', 'must be an http(s) URL')
    }
  }
  const connectTimeout = checkTimeout(options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT, 'connectTimeout')

  return {
    mchid,
    serial,
    signer,
    decryptionKey,
    keys: new KeyStore(keys),
    autoCertificates,
    certificateAnchor,
    store: options.store,
    secret,
    apiv3Key,
    baseUrl,
    backupBaseUrl,
    timeout,
    fetch: options.fetch,
    clientCert,
    hooks: combineHooks(hookSets),
    retry: retryPolicy(options.retry),
    proxy,
    connectTimeout,
    certificatesEndpoint: checkCertificatesEndpoint(options.certificatesEndpoint),
  }
}

function checkCertificatesEndpoint(value: unknown): CertificatesEndpoint {
  if (value === undefined) return 'v3/certificates'
  if (typeof value !== 'string' || !CERTIFICATE_ENDPOINTS.includes(value))
    fail('certificatesEndpoint', `must be one of ${CERTIFICATE_ENDPOINTS.map((e) => `'${e}'`).join(', ')}`)
  return value as CertificatesEndpoint
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/
const PEM_KEY =
  /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/

/** Shape checks only (portable); the Node.js transport loads it, and says what OpenSSL thinks of it. */
function checkClientCert(value: unknown, mchid: string): ClientCertConfig {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    fail('clientCert', 'must be { cert, key } (PEM) or { pfx, passphrase } (PKCS#12)')
  const given = value as Record<string, unknown>
  let ca: string[] | undefined
  if (given.ca !== undefined) {
    ca = Array.isArray(given.ca) ? given.ca : [given.ca]
    if (ca.length === 0 || !ca.every((c) => typeof c === 'string' && PEM_CERT.test(c)))
      fail('clientCert.ca', 'must be one or more CA certificates (PEM)')
  }
  if (given.pfx !== undefined) {
    if (given.cert !== undefined || given.key !== undefined)
      fail('clientCert', 'give either { cert, key } or { pfx, passphrase }, not both')
    const pfx =
      given.pfx instanceof Uint8Array
        ? new Uint8Array(given.pfx)
        : given.pfx instanceof ArrayBuffer
          ? new Uint8Array(given.pfx.slice(0))
          : fail('clientCert.pfx', 'must be the bytes of the .p12 file (a Uint8Array or Buffer)')
    if (pfx.length === 0) fail('clientCert.pfx', 'is empty')
    if (given.passphrase !== undefined && typeof given.passphrase !== 'string')
      fail('clientCert.passphrase', 'must be a string')
    return { pfx, passphrase: (given.passphrase as string | undefined) ?? mchid, ...(ca ? { ca } : {}) }
  }
  if (typeof given.cert !== 'string' || !PEM_CERT.test(given.cert))
    fail('clientCert.cert', 'must be the merchant API certificate, PEM (apiclient_cert.pem)')
  if (typeof given.key !== 'string' || !PEM_KEY.test(given.key))
    fail('clientCert.key', 'must be the merchant API private key, PEM (apiclient_key.pem)')
  return { cert: given.cert, key: given.key, ...(ca ? { ca } : {}) }
}
