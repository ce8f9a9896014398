import type { SealedCertificates, WechatpayStore } from '../store'
import type { TransportResponse } from '../transport/types'
import { MAX_SKEW_SECONDS } from '../v3/verify'
import { type DownloadDeps, fetchCertificatesReply, trustCertificates } from './certificates'
import type { DownloadResult } from './key-store'

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })
const utf8 = new TextEncoder()
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** What a stored reply keeps of the headers: the signature's four and the request id. */
const KEPT = /^(wechatpay-(timestamp|nonce|signature|serial)|request-id)$/

/**
 * Where a fleet's certificates live in the store: one entry per merchant and gateway (a sandbox
 * and production never share one).
 */
export function certificatesScope(deps: DownloadDeps): string {
  const { mchid, baseUrl } = deps.config
  return `${mchid}@${baseUrl.host}${baseUrl.pathname}`
}

function seal(reply: TransportResponse): SealedCertificates | undefined {
  let body: string
  try {
    body = strictUtf8.decode(reply.body)
  } catch {
    return undefined // not text: not stored (it would not come back byte for byte)
  }
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(reply.headers)) if (KEPT.test(name)) headers[name] = value
  return { status: reply.status, headers, body }
}

function same(a: SealedCertificates | undefined, b: SealedCertificates | undefined): boolean {
  if (!a || !b) return a === b
  return a.status === b.status && a.body === b.body && JSON.stringify(a.headers) === JSON.stringify(b.headers)
}

/**
 * The key store's download when a `store` is shared by many instances: one `/v3/certificates`
 * download for the fleet. Each refresh first reads the store; an entry this instance has not used
 * yet, younger than the refresh interval, is decrypted and verified exactly as a download is (the
 * signature's timestamp checked as of its age), so a tampered or replaced entry is refused. Else
 * one instance takes the lock (its time-to-live: the client's timeout and 5 s more), downloads,
 * and stores the sealed, signed reply; the others wait for it and read it. A holder that never
 * stores (it failed or vanished) lets the next one take the lock; after the lock's time-to-live
 * an instance downloads on its own. A store that fails (down, unreachable) is treated as empty
 * and unlocked: each instance then downloads for itself, as without a store.
 */
export function sharedCertificates(deps: DownloadDeps, store: WechatpayStore<unknown>) {
  const scope = certificatesScope(deps)
  const lockName = `certificates:${scope}`
  const lockTtlMs = deps.config.timeout + 5_000
  const intervalMs = deps.config.autoCertificates?.intervalMs ?? Number.POSITIVE_INFINITY
  /** The entry this instance last used or refused: reading it again is no news. */
  let seen: SealedCertificates | undefined

  const fromStore = async (entry: SealedCertificates): Promise<DownloadResult | undefined> => {
    seen = entry
    try {
      const stamp = Number(entry.headers['wechatpay-timestamp'])
      const signedAt = stamp * 1000
      const age = Date.now() - signedAt
      // Stale (a refresh is due) or stamped in the future: not used, whatever its signature.
      if (!Number.isSafeInteger(stamp) || age >= intervalMs || age <= -MAX_SKEW_SECONDS * 1000)
        return undefined
      const reply: TransportResponse = {
        status: entry.status,
        headers: entry.headers,
        body: utf8.encode(entry.body),
      }
      const result = await trustCertificates(deps, reply, signedAt)
      return result === 'none' ? undefined : result.keys
    } catch {
      // Refused (a WechatpaySignatureError), or not an entry at all: either way the fleet
      // downloads again, and the genuine reply replaces it.
      return undefined
    }
  }

  const downloadAndStore = async (): Promise<DownloadResult> => {
    const reply = await fetchCertificatesReply(deps, 'autoCertificates')
    const result = await trustCertificates(deps, reply)
    if (result === 'none') return result
    const entry = seal(reply)
    if (entry) {
      seen = entry
      // A store that cannot take it costs the fleet downloads, not this instance its keys.
      await Promise.resolve()
        .then(() => store.putCertificates(scope, entry))
        .catch(() => {})
    }
    return result.keys
  }

  const news = async (): Promise<DownloadResult | undefined> => {
    // A store that cannot be read is an empty one: the store saves downloads, it never stops keys.
    const entry = await Promise.resolve()
      .then(() => store.getCertificates(scope))
      .catch(() => undefined)
    return entry && !same(entry, seen) ? fromStore(entry) : undefined
  }

  return async (): Promise<DownloadResult> => {
    const deadline = Date.now() + lockTtlMs
    let pause = 50
    for (;;) {
      const found = await news()
      if (found) return found
      // A store that cannot lock: download as if alone (at worst, one download per instance).
      if (
        await Promise.resolve()
          .then(() => store.lock(lockName, lockTtlMs))
          .catch(() => true)
      ) {
        try {
          // Someone may have stored a reply while this instance waited for the lock.
          return (await news()) ?? (await downloadAndStore())
        } finally {
          await Promise.resolve()
            .then(() => store.unlock(lockName))
            .catch(() => {})
        }
      }
      if (Date.now() >= deadline) return downloadAndStore()
      await sleep(pause)
      pause = Math.min(pause * 2, 500)
    }
  }
}
