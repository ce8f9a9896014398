import { importOaepPublicKey } from '../crypto/oaep'
import type { KeyMaterial } from '../crypto/pem'
import { normalizeSerial } from '../crypto/x509'
import type { Bytes } from '../encoding'
import { WechatpayValidationError } from '../errors'

/** A WeChat Pay public key (`PUB_KEY_ID_…`, no expiry) or a platform certificate (hex serial, dated). */
export type PlatformKeyKind = 'publicKey' | 'certificate'

/** One platform key: imported once, for verification; for encryption on first use. */
export interface PlatformKey {
  /** Exactly as replies name it (`Wechatpay-Serial`): the `certs` key, or the listed `serial_no`. */
  serial: string
  kind: PlatformKeyKind
  /** Milliseconds; `-Infinity` for a public key. */
  notBefore: number
  /** Milliseconds; `Infinity` for a public key. */
  notAfter: number
  /** Modulus size, which bounds an OAEP plaintext. */
  bits: number
  /** The RSASSA-PKCS1-v1_5 SHA-256 key that verifies replies and notifications. */
  verify: Promise<CryptoKey>
  /** The SubjectPublicKeyInfo, imported again for RSA-OAEP the first time something is encrypted. */
  spki: Bytes
}

/**
 * The platform key of a parsed PEM (a `certs` entry, or a downloaded certificate): a certificate
 * carries its validity, a bare public key never expires.
 */
export function platformKey(serial: string, material: KeyMaterial, verify: Promise<CryptoKey>): PlatformKey {
  const { certificate } = material
  return {
    serial,
    kind: certificate ? 'certificate' : 'publicKey',
    notBefore: certificate ? certificate.notBefore.getTime() : Number.NEGATIVE_INFINITY,
    notAfter: certificate ? certificate.notAfter.getTime() : Number.POSITIVE_INFINITY,
    bits: material.bits,
    verify,
    spki: material.der,
  }
}

/** What a certificate download found: certificates, or "none" (404 `RESOURCE_NOT_EXISTS` with a public key). */
export type DownloadResult = PlatformKey[] | 'none'

/** Automatic certificates: how to download them and how often. */
export interface AutoRefresh {
  intervalMs: number
  download: () => Promise<DownloadResult>
  /**
   * An unknown serial refreshes at once the first time, then at most once per this many ms
   * (anyone can send a notification with a made-up serial). Default 60 000.
   */
  missIntervalMs?: number
  now?: () => number
}

/** The default refresh interval of `autoCertificates: true`: 12 hours. */
export const DEFAULT_REFRESH_MS = 12 * 60 * 60 * 1000
/** Unknown serials refresh at most once a minute after the first. */
export const MISS_REFRESH_MS = 60_000

/**
 * How a request names a key in `Wechatpay-Serial`: as filed, in upper case (WeChat Pay lists serials
 * and public key ids in upper case; `certs` accepts any case).
 */
export function wireSerial(key: PlatformKey): string {
  return key.serial.toUpperCase()
}

type Timer = ReturnType<typeof setTimeout> & { unref?: () => void }

/**
 * The client's one key store: serial → platform key with its kind and validity, shared by reply
 * verification, `notifications.parse` and `sensitive()`. Static `certs` (public keys and
 * certificates, both at once during a migration) stay for the client's life; downloaded
 * certificates replace each other as a whole, and only after a download verified.
 */
export class KeyStore {
  readonly #fixed: ReadonlyMap<string, PlatformKey>
  #downloaded: ReadonlyMap<string, PlatformKey> = new Map()
  #auto: (AutoRefresh & { missIntervalMs: number; now: () => number }) | undefined
  /** A download succeeded (or found none) at least once. */
  #loaded = false
  #loadedAt = Number.NEGATIVE_INFINITY
  #lastMissRefresh = Number.NEGATIVE_INFINITY
  #inflight: Promise<void> | undefined
  #timer: Timer | undefined
  #encrypt = new Map<PlatformKey, Promise<CryptoKey>>()
  /** The static imports joined once (the static keys never change), not on every call. */
  readonly #ready: Promise<void>
  /** True once every static key imported: {@link ready} need not be awaited any more. */
  #settled = false
  /** The first configured WeChat Pay public key, if any. */
  readonly publicKey: PlatformKey | undefined
  /** Downloads started, for tests and diagnostics. */
  downloads = 0

  constructor(fixed: Iterable<PlatformKey>) {
    this.#fixed = new Map([...fixed].map((key) => [normalizeSerial(key.serial), key]))
    this.publicKey = [...this.#fixed.values()].find((key) => key.kind === 'publicKey')
    this.#ready = Promise.all([...this.#fixed.values()].map((key) => key.verify)).then(() => {
      this.#settled = true
    })
    // Awaited by every call; a refused import must not also surface as an unhandled rejection.
    this.#ready.catch(() => undefined)
  }

  /** Turns automatic certificates on (once, by the client, which owns the transport). */
  enableAuto(auto: AutoRefresh): void {
    this.#auto = {
      ...auto,
      missIntervalMs: auto.missIntervalMs ?? MISS_REFRESH_MS,
      now: auto.now ?? Date.now,
    }
  }

  /** Whether replies can be verified at all: static keys, or certificates to download. */
  get configured(): boolean {
    return this.#fixed.size > 0 || this.#auto !== undefined
  }

  /** Every trusted key now: the static ones, then the downloaded ones. */
  all(): PlatformKey[] {
    return [...this.#fixed.values(), ...this.#downloaded.values()]
  }

  /** Waits for the static imports, so that a key Web Crypto refused surfaces before any I/O. */
  ready(): Promise<void> {
    return this.#ready
  }

  /** Whether the static imports all succeeded already (then {@link ready} resolves at once). */
  get isReady(): boolean {
    return this.#settled
  }

  /**
   * The serial {@link headerSerial} answers when it needs no download: the public key's, else the
   * first configured certificate's; `undefined` when only downloaded certificates could answer.
   */
  get fixedHeaderSerial(): string | undefined {
    const fixed = this.publicKey ?? this.#fixed.values().next().value
    return fixed && wireSerial(fixed)
  }

  /**
   * The key filed under `serial`, without downloading anything. Serials compare as
   * {@link normalizeSerial} writes them (any case, leading zeros ignored), the spellings `certs`
   * accepts, so a key filed as `00ab…` is found when a reply names it `AB…`.
   */
  lookup(serial: string): PlatformKey | undefined {
    const id = normalizeSerial(serial)
    return this.#fixed.get(id) ?? this.#downloaded.get(id)
  }

  /**
   * The verification key of `serial`. With automatic certificates, the first need downloads them;
   * an unknown serial afterwards refreshes once (single-flight, rate-limited) before giving up.
   */
  async resolve(serial: string): Promise<CryptoKey | undefined> {
    const found = this.lookup(serial)
    if (found) {
      this.#refreshIfStale()
      return found.verify
    }
    const auto = this.#auto
    if (!auto) return undefined
    if (this.#inflight) {
      await this.#inflight.catch(() => {})
    } else {
      // Anyone can send a notification with a made-up serial: misses download at most once per
      // missIntervalMs, whether or not a download ever succeeded (a failing one is not retried
      // for every forged request either).
      const now = auto.now()
      if (now - this.#lastMissRefresh < auto.missIntervalMs) return undefined
      this.#lastMissRefresh = now
      if (this.#loaded) await this.refresh().catch(() => {})
      else await this.refresh() // the first download: why it failed is the caller's error
    }
    return this.lookup(serial)?.verify
  }

  /**
   * The `Wechatpay-Serial` of an ordinary request: the public key when configured, else the first
   * static key, else (downloading on first need) the newest valid downloaded certificate.
   */
  async headerSerial(): Promise<string | undefined> {
    const fixed = this.publicKey ?? this.#fixed.values().next().value
    if (fixed) return wireSerial(fixed)
    if (!this.#auto) return undefined
    await this.#ensureLoaded()
    const newest = this.#newestCertificate()
    return newest && wireSerial(newest)
  }

  /**
   * The one key sensitive fields are encrypted with: the public key when configured, else the
   * currently valid certificate with the newest notBefore (downloading on first need).
   */
  async encryptionKey(): Promise<{ key: PlatformKey; encrypt: Promise<CryptoKey> }> {
    let key = this.publicKey
    if (!key) {
      if (this.#auto) await this.#ensureLoaded()
      key = this.#newestCertificate()
    }
    if (!key)
      throw new WechatpayValidationError(
        'certs',
        'sensitive() needs a WeChat Pay public key (PUB_KEY_ID_…) or a currently valid platform certificate (certs or autoCertificates)',
      )
    let encrypt = this.#encrypt.get(key)
    if (!encrypt) {
      encrypt = importOaepPublicKey(key.spki)
      this.#encrypt.set(key, encrypt)
    }
    return { key, encrypt }
  }

  /** Downloads the certificates now: single-flight; a failure keeps the set held so far. */
  refresh(): Promise<void> {
    const auto = this.#auto
    if (!auto) return Promise.resolve()
    this.#inflight ??= (async () => {
      this.downloads++
      try {
        const result = await auto.download()
        this.#downloaded =
          result === 'none' ? new Map() : new Map(result.map((key) => [normalizeSerial(key.serial), key]))
        this.#loaded = true
        this.#loadedAt = auto.now()
      } finally {
        this.#inflight = undefined
        if (this.#loaded) this.#schedule()
      }
    })()
    return this.#inflight
  }

  /** Stops the refresh timer (a client normally never needs this: the timer never holds a process). */
  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
  }

  async #ensureLoaded(): Promise<void> {
    if (!this.#loaded) await this.refresh()
    else this.#refreshIfStale()
  }

  #newestCertificate(): PlatformKey | undefined {
    const now = this.#auto?.now() ?? Date.now()
    let best: PlatformKey | undefined
    for (const key of this.all()) {
      if (key.kind !== 'certificate' || key.notBefore > now || key.notAfter < now) continue
      if (!best || key.notBefore > best.notBefore) best = key
    }
    return best
  }

  /** Where timers do not run between requests (edge isolates), a stale set refreshes on use. */
  #refreshIfStale(): void {
    const auto = this.#auto
    if (!auto || !this.#loaded || this.#inflight) return
    if (auto.now() - this.#loadedAt >= auto.intervalMs) this.refresh().catch(() => {})
  }

  /** The next periodic refresh; `unref` so that a forgotten client never keeps Node running. */
  #schedule(): void {
    const auto = this.#auto
    if (!auto) return
    this.stop()
    const timer: Timer = setTimeout(() => {
      this.#timer = undefined
      this.refresh().catch(() => {})
    }, auto.intervalMs)
    timer.unref?.()
    this.#timer = timer
  }
}
