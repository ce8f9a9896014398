import { setMaxListeners } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createAdaptorServer } from '@hono/node-server'
import { createApp } from './app'
import { createClock, type SandboxClock } from './clock'
import { createRequestLog, type RequestLog, type SandboxContext } from './context'
import { FaultEngine, type PrimaryMode, type SandboxFaults } from './faults'
import { createKeys, type MerchantCredentials, type PlatformCredentials, type PlatformKeys } from './keys'
import { type KeysFromFile, loadOrCreateKeys } from './keys-file'
import { type UploadedMedia, uploadsOf } from './media-routes'
import { createMtlsMaterial, createMtlsServer } from './mtls'
import { ANSWER_DEADLINE_MS, type NotificationLog, Notifier } from './notify'
import { payAndNotify, settleAndNotify } from './notify-events'
import {
  createPlatformState,
  info,
  type PlatformCertificateInfo,
  type PlatformMode,
  type PlatformSigner,
  retire,
  rotate,
} from './platform'
import { createRefundStore, type SandboxRefunds } from './refunds'
import {
  createOrderStore,
  createRechargeStore,
  failOrder,
  type RechargeStore,
  type SandboxOrders,
} from './state'
import type { ProfitsharingReceiver } from './v3-key-routes'

/** Options of {@link startSandbox}; everything is optional. */
export interface SandboxOptions {
  /** Port of the primary listener; 0 (default) picks a free one. */
  port?: number
  /** Port of the backup listener (the stand-in for `api2.mch.weixin.qq.com`); 0 (default) picks one. */
  backupPort?: number
  /** Interface to bind; `127.0.0.1` (loopback) by default. */
  host?: string
  /** Fixed merchant credentials; anything missing is generated. */
  merchant?: Partial<MerchantCredentials>
  /** Fixed platform key pair and serial; anything missing is generated. */
  platform?: Partial<PlatformKeys>
  /** Refuse to close an order younger than this (sandbox clock); WeChat's rule is 300. Default 0. */
  minCloseAgeSeconds?: number
  /** Seed of the PRNG behind fault probabilities (default 1). */
  seed?: number
  /**
   * Keep the credentials in this JSON file across restarts: read them when it exists, else
   * generate them and create it (mode 0600). It holds private keys: keep it out of version
   * control. Not combinable with `merchant` / `platform`.
   */
  keysFile?: string
  /**
   * Multiplies every delay of the notification retry schedule (15 s … 6 h) and, unless
   * `notifyTimeoutMs` is given, the 5 s answer deadline: `0.001` turns the 24 h schedule into
   * 87 s. Default 1 (real time).
   */
  notifyTimeScale?: number
  /**
   * Real milliseconds a `notify_url` has to answer before the attempt counts as failed.
   * Default 5000 × `notifyTimeScale`; give it when scaling far down, so that a loaded machine
   * is not mistaken for a slow receiver.
   */
  notifyTimeoutMs?: number
  /**
   * `true` (default): a refund request is answered `PROCESSING`, as WeChat answers it, and the
   * refund succeeds right after (the next query says `SUCCESS`; `REFUND.SUCCESS` goes to its
   * `notify_url`). `false`: it stays `PROCESSING` until `sb.refunds.succeed()` (or `abnormal()`,
   * `close()`).
   */
  autoRefund?: boolean
  /**
   * How the merchant verifies WeChat Pay: `publicKey` (default: the WeChat Pay public key,
   * `/v3/certificates` answers 404 `RESOURCE_NOT_EXISTS`), `certificate` (platform certificates
   * served encrypted by `/v3/certificates`, which sign replies and notifications) or `both` (a
   * migration: both are valid, `platformSignWith` picks the signer).
   */
  platformMode?: PlatformMode
  /** In `both` mode, which key signs replies and notifications; default `certificate`. */
  platformSignWith?: PlatformSigner
  /**
   * Also start an HTTPS listener for the APIv2 endpoints that need the merchant's client
   * certificate (`POST /secapi/pay/refund` and every other one the catalogue marks: red packets,
   * 企业付款, v2 profit sharing, …), requiring one issued by a test CA made at start
   * (needs `openssl` on the PATH). See {@link Sandbox.mtls}. Default off.
   */
  mtls?: boolean
}

/** The mutual-TLS listener of a sandbox started with `mtls: true`. */
export interface SandboxMtls {
  /** `https://127.0.0.1:PORT/`: the `baseUrl` of a client calling the certificate endpoints. */
  url: string
  /** The test CA (PEM): the server's certificate chains to it (pass it as `clientCert.ca`). */
  ca: string
  /** A merchant client certificate issued by that CA: `{ cert, key }` PEM, as `clientCert` takes it. */
  clientCert: { cert: string; key: string }
}

/** The platform side of a running sandbox: its public key, its certificates, and their rotation. */
export interface SandboxPlatform extends PlatformCredentials {
  /** How the merchant verifies WeChat Pay (the `platformMode` option). */
  readonly mode: PlatformMode
  /** The certificates `/v3/certificates` serves now, oldest first (none in `publicKey` mode). */
  certificates(): PlatformCertificateInfo[]
  /**
   * Issues a new certificate: served beside the old ones, and signing replies and notifications
   * from now on (`certificate` and `both` modes).
   */
  rotate(): Promise<PlatformCertificateInfo>
  /** Stops serving the old certificates (all but the newest), or the one named. */
  retire(serial?: string): void
  /** In `both` mode, switches the signing key. */
  signWith(signer: PlatformSigner): void
  /**
   * The sandbox's own root CA (PEM), which issues its platform certificates: the client's
   * `certificateAnchor` (set by `clientOptions()`); none in `publicKey` mode.
   */
  readonly rootCertificate: string | undefined
}

/** A running sandbox: its URLs, credentials and the handles to drive it. */
export interface Sandbox {
  /** Base URL of the primary listener, with a trailing slash, e.g. `http://127.0.0.1:41234/`. */
  url: string
  /** Base URL of the backup listener, for failover. */
  backupUrl: string
  /** Merchant credentials to configure a client with. */
  merchant: MerchantCredentials
  /** Platform serial and public key to verify replies with; certificates and their rotation. */
  platform: SandboxPlatform
  /** Seed, read and pay orders. */
  orders: SandboxOrders
  /** Seed and read recharges. */
  recharges: RechargeStore
  /** Read refunds; settle the `PROCESSING` ones (`succeed`, `abnormal`, `close`). */
  refunds: SandboxRefunds
  /** Inject faults. */
  faults: SandboxFaults
  /** Move sandbox time. */
  clock: SandboxClock
  /** Every request seen on a business path, oldest first. */
  requests: RequestLog
  /** Receivers added with `POST /v3/profitsharing/receivers/add`, with their `name` decrypted. */
  receivers: ProfitsharingReceiver[]
  /**
   * Every notification delivery attempt, oldest first; `settled()` waits until none is pending.
   * @example
   * ```ts
   * await sb.orders.pay('T1')
   * await sb.notifications.settled()
   * sb.notifications.filter((a) => a.ok) // the acknowledged deliveries
   * ```
   */
  notifications: NotificationLog
  /**
   * Options for a client pointed at this sandbox, named as `new Wechatpay()` of `@wxpay/core`
   * takes them: the merchant's credentials, `certs` holding the platform key, `baseUrl`, and the
   * backup listener as `backupBaseUrl`.
   * @example
   * ```ts
   * const wxpay = new Wechatpay(sb.clientOptions())
   * const noFailover = new Wechatpay({ ...sb.clientOptions(), backupBaseUrl: false })
   * ```
   */
  clientOptions(): SandboxClientOptions
  /** With the `mtls` option: the HTTPS listener for the v2 certificate endpoints and its test PKI. */
  mtls?: SandboxMtls
  /** Files received by the upload endpoints (`/v3/merchant/media/upload`, …), oldest first. */
  uploads: UploadedMedia[]
  /** Stops both listeners, dropping open connections. */
  close(): Promise<void>
  /** With the `keysFile` option: where the credentials came from, and whether this start created the file. */
  keysFile?: { path: string; created: boolean; warning?: string }
}

/** What {@link Sandbox.clientOptions} returns: plain data, so this package needs no client. */
export interface SandboxClientOptions {
  mchid: string
  serial: string
  privateKey: string
  secret: string
  /** The APIv3 key, which decrypts notification resources. */
  apiv3Key: string
  /** The WeChat Pay public key by its id; empty in `certificate` mode. */
  certs: Record<string, string>
  /** Set in `certificate` and `both` modes: the client downloads the certificates itself. */
  autoCertificates?: true
  /** Set in `certificate` and `both` modes: the sandbox's root CA, which issued its certificates. */
  certificateAnchor?: string
  baseUrl: string
  backupBaseUrl: string
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err)
    server.once('error', onError)
    server.listen(port, host, () => {
      server.off('error', onError)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

function shut(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve()
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}

function urlOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/`
}

/**
 * Starts a local WeChat Pay gateway: a primary and a backup listener sharing one state.
 *
 * @example
 * ```ts
 * import { startSandbox } from '@wxpay/sandbox'
 * const sb = await startSandbox()
 * sb.orders.create({ out_trade_no: 'T1' })
 * const wxpay = new Wechatpay(sb.clientOptions()) // from @wxpay/core
 * await sb.close()
 * ```
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1'
  if (options.autoRefund !== undefined && typeof options.autoRefund !== 'boolean') {
    throw new TypeError('autoRefund must be true or false')
  }
  const minCloseAgeSeconds = options.minCloseAgeSeconds ?? 0
  if (!(Number.isFinite(minCloseAgeSeconds) && minCloseAgeSeconds >= 0)) {
    throw new TypeError('minCloseAgeSeconds must be a non-negative number of seconds')
  }
  const notifyTimeScale = options.notifyTimeScale ?? 1
  if (!(Number.isFinite(notifyTimeScale) && notifyTimeScale >= 0)) {
    throw new TypeError('notifyTimeScale must be a non-negative finite number')
  }
  const notifyTimeoutMs = options.notifyTimeoutMs ?? ANSWER_DEADLINE_MS * notifyTimeScale
  if (!(Number.isFinite(notifyTimeoutMs) && notifyTimeoutMs > 0)) {
    throw new TypeError('notifyTimeoutMs must be a positive number of milliseconds')
  }
  let fromFile: KeysFromFile | undefined
  if (options.keysFile !== undefined) {
    if (options.merchant || options.platform) {
      throw new TypeError(
        'keysFile holds the merchant and platform credentials: give keysFile or merchant/platform, not both',
      )
    }
    fromFile = await loadOrCreateKeys(options.keysFile)
  }
  const keys = fromFile?.keys ?? (await createKeys(options.merchant, options.platform))
  const platformState = await createPlatformState(
    options.platformMode ?? 'publicKey',
    options.platformSignWith,
  )
  const clock = createClock()
  const closing = new AbortController()
  // Every request delayed by latencyMs listens on this signal: more than 10 at once is normal.
  setMaxListeners(0, closing.signal)
  let primary: Server | undefined
  let primaryPort = options.port ?? 0
  // primaryDown transitions are serialised: close and re-listen must not interleave
  let transition = Promise.resolve()
  const onPrimary = (mode: PrimaryMode): Promise<void> => {
    transition = transition.then(async () => {
      if (!primary || closing.signal.aborted) return
      if (mode === 'down') await shut(primary)
      else {
        if (!primary.listening) await listen(primary, primaryPort, host)
        // a counted/probable outage must meet fresh connections, not reused keep-alive ones
        if (mode === 'flaky') primary.closeAllConnections()
      }
    })
    return transition
  }
  const faults = new FaultEngine(options.seed ?? 1, onPrimary)
  const notifier = new Notifier({
    clock,
    faults,
    closing: closing.signal,
    timeScale: notifyTimeScale,
    timeoutMs: notifyTimeoutMs,
  })
  const ctx: SandboxContext = {
    keys,
    clock,
    orders: createOrderStore(clock),
    recharges: createRechargeStore(clock),
    refunds: createRefundStore(),
    autoRefund: options.autoRefund ?? true,
    faults,
    requests: createRequestLog(),
    minCloseAgeSeconds,
    closing: closing.signal,
    urls: { url: '', backupUrl: '' },
    notifier,
    platform: platformState,
    receivers: [],
  }
  primary = createAdaptorServer({ fetch: createApp(ctx, 'primary').fetch }) as Server
  const backup = createAdaptorServer({ fetch: createApp(ctx, 'backup').fetch }) as Server
  primary.on('connection', (socket) => {
    if (faults.primaryMode() === 'flaky' && faults.draw('primaryDown')) socket.resetAndDestroy()
  })
  primaryPort = await listen(primary, primaryPort, host)
  let backupPort: number
  try {
    backupPort = await listen(backup, options.backupPort ?? 0, host)
  } catch (err) {
    await shut(primary)
    throw err
  }
  let mtls: { server: Server; info: SandboxMtls } | undefined
  if (options.mtls) {
    try {
      const material = createMtlsMaterial(keys.merchant.mchid)
      const mtlsServer = createMtlsServer(ctx, material) as unknown as Server
      const mtlsPort = await listen(mtlsServer, 0, host)
      mtls = {
        server: mtlsServer,
        info: {
          url: urlOf(host, mtlsPort).replace(/^http:/, 'https:'),
          ca: material.ca,
          clientCert: material.clientCert,
        },
      }
    } catch (err) {
      await Promise.all([shut(primary), shut(backup)])
      throw err
    }
  }
  ctx.urls.url = urlOf(host, primaryPort)
  ctx.urls.backupUrl = urlOf(host, backupPort)
  const server = primary
  return {
    ...(fromFile && options.keysFile !== undefined
      ? {
          keysFile: {
            path: options.keysFile,
            created: fromFile.created,
            ...(fromFile.warning ? { warning: fromFile.warning } : {}),
          },
        }
      : {}),
    url: ctx.urls.url,
    backupUrl: ctx.urls.backupUrl,
    ...(mtls ? { mtls: mtls.info } : {}),
    uploads: uploadsOf(ctx),
    merchant: { ...keys.merchant },
    platform: {
      serial: keys.platform.serial,
      publicKey: keys.platform.publicKey,
      mode: platformState.mode,
      rootCertificate: platformState.root?.certificate,
      certificates: () => platformState.certificates.map(info),
      rotate: () => rotate(platformState),
      retire: (serial) => retire(platformState, serial),
      signWith: (signer) => {
        if (platformState.mode !== 'both') throw new TypeError('signWith() is for platformMode both')
        if (signer !== 'publicKey' && signer !== 'certificate')
          throw new TypeError('signWith takes publicKey or certificate')
        platformState.signWith = signer
      },
    },
    orders: {
      create: (input) => ctx.orders.create(input),
      get: (no) => ctx.orders.get(no),
      pay: (no, input) => payAndNotify(ctx, no, input),
      fail: (no) => failOrder(ctx.orders.map, no),
    },
    recharges: { create: (input) => ctx.recharges.create(input), get: (no) => ctx.recharges.get(no) },
    refunds: {
      get: (no) => ctx.refunds.get(no),
      list: (outTradeNo) => ctx.refunds.list(outTradeNo),
      succeed: (no) => settleAndNotify(ctx, no, 'SUCCESS'),
      abnormal: (no) => settleAndNotify(ctx, no, 'ABNORMAL'),
      close: (no) => settleAndNotify(ctx, no, 'CLOSED'),
    },
    faults,
    clock,
    requests: ctx.requests,
    receivers: ctx.receivers,
    notifications: notifier.log,
    clientOptions: () => ({
      mchid: keys.merchant.mchid,
      serial: keys.merchant.serial,
      privateKey: keys.merchant.privateKey,
      secret: keys.merchant.secret,
      apiv3Key: keys.merchant.apiv3Key,
      certs: platformState.mode === 'certificate' ? {} : { [keys.platform.serial]: keys.platform.publicKey },
      ...(platformState.root
        ? { autoCertificates: true as const, certificateAnchor: platformState.root.certificate }
        : {}),
      baseUrl: ctx.urls.url,
      backupBaseUrl: ctx.urls.backupUrl,
    }),
    async close() {
      closing.abort()
      // retries stop and requests in flight are dropped: nothing of the sandbox outlives close()
      await notifier.settled()
      await transition
      await Promise.all([shut(server), shut(backup), ...(mtls ? [shut(mtls.server)] : [])])
    },
  }
}
