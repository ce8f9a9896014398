import {
  type ClaimState,
  type SealedCertificates,
  type WechatpayStore,
  WechatpayValidationError,
} from '@wxpay/core'
import {
  DEFAULT_CLAIM_TTL_MS,
  DEFAULT_DONE_TTL_MS,
  milliseconds,
  type StoreOptions,
  sealedOrUndefined,
  token,
} from './options'

// Structural types of the Workers runtime, so that this module needs no @cloudflare/workers-types.

/** `DurableObjectState.storage`, as used here. */
interface DurableStorage {
  get<T>(key: string): Promise<T | undefined>
  put<T>(key: string, value: T): Promise<void>
  delete(key: string): Promise<boolean>
}

/** A Durable Object namespace binding (`env.WXPAY_STORE`), as used here. */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown
  get(id: never): { fetch(input: string, init?: RequestInit): Promise<Response> }
}

/** A KV namespace binding (`env.WXPAY_KV`), as used here. */
export interface KvNamespaceLike {
  get(key: string): Promise<string | null>
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>
  delete(key: string): Promise<void>
}

interface Held {
  state: 'held' | 'done'
  owner: string
  expires: number
}

type Operation =
  | { op: 'claim'; key: string; owner: string; ttlMs: number }
  | { op: 'complete'; key: string; doneTtlMs: number }
  | { op: 'release'; key: string; owner: string }
  | { op: 'lock'; name: string; owner: string; ttlMs: number }
  | { op: 'unlock'; name: string; owner: string }
  | { op: 'getCertificates'; scope: string }
  | { op: 'putCertificates'; scope: string; reply: SealedCertificates }

/**
 * The Durable Object that holds claims, locks and certificates for {@link durableObjectStore}.
 * Export it from your Worker and bind it (`durable_objects.bindings`, a `new_classes` migration).
 * A Durable Object runs one request at a time against its own storage, so each operation here is
 * atomic and strongly consistent, wherever the Worker runs.
 *
 * @example
 * ```ts
 * // worker.ts
 * export { WechatpayStoreObject } from '@wxpay/store/cloudflare'
 * // wrangler.toml
 * // [[durable_objects.bindings]]
 * // name = "WXPAY_STORE"
 * // class_name = "WechatpayStoreObject"
 * // [[migrations]]
 * // tag = "v1"
 * // new_classes = ["WechatpayStoreObject"]
 * ```
 */
export class WechatpayStoreObject {
  readonly #storage: DurableStorage

  constructor(state: { storage: DurableStorage }, _env?: unknown) {
    this.#storage = state.storage
  }

  async fetch(request: Request): Promise<Response> {
    const operation = (await request.json()) as Operation
    return Response.json({ result: (await this.#run(operation)) ?? null })
  }

  async #run(o: Operation): Promise<unknown> {
    const storage = this.#storage
    const now = Date.now()
    switch (o.op) {
      case 'claim': {
        const entry = await storage.get<Held>(`claim:${o.key}`)
        if (entry && entry.expires > now) return entry.state === 'done' ? 'duplicate' : 'busy'
        await storage.put<Held>(`claim:${o.key}`, { state: 'held', owner: o.owner, expires: now + o.ttlMs })
        return 'claimed'
      }
      case 'complete':
        await storage.put<Held>(`claim:${o.key}`, { state: 'done', owner: '', expires: now + o.doneTtlMs })
        return undefined
      case 'release': {
        const entry = await storage.get<Held>(`claim:${o.key}`)
        if (entry?.state === 'held' && entry.owner === o.owner) await storage.delete(`claim:${o.key}`)
        return undefined
      }
      case 'lock': {
        const entry = await storage.get<Held>(`lock:${o.name}`)
        if (entry && entry.expires > now) return false
        await storage.put<Held>(`lock:${o.name}`, { state: 'held', owner: o.owner, expires: now + o.ttlMs })
        return true
      }
      case 'unlock': {
        const entry = await storage.get<Held>(`lock:${o.name}`)
        if (entry?.owner === o.owner) await storage.delete(`lock:${o.name}`)
        return undefined
      }
      case 'getCertificates':
        return storage.get<SealedCertificates>(`certificates:${o.scope}`)
      case 'putCertificates':
        await storage.put(`certificates:${o.scope}`, o.reply)
        return undefined
    }
  }
}

/** Options of {@link durableObjectStore}. */
export interface DurableObjectStoreOptions extends StoreOptions {
  /** The name of the one object that holds this store (`idFromName`). Default `wxpay`. */
  name?: string
  /** How long a completed claim is remembered, ms. Default 30 days. */
  doneTtlMs?: number
}

/**
 * Shared state in a Durable Object ({@link WechatpayStoreObject}): claims, the certificate lock and
 * the sealed certificates, all strongly consistent. Every isolate of every Worker that binds the
 * same namespace shares them.
 *
 * @example
 * ```ts
 * import { durableObjectStore } from '@wxpay/store/cloudflare'
 * app.post('/notify', async (c) => {
 *   const store = durableObjectStore(c.env.WXPAY_STORE)
 *   const event = await wxpay.notifications.parse({ headers: c.req.raw.headers, body: await c.req.arrayBuffer() })
 *   await wxpay.notifications.once(event, store, () => markPaid(event))
 *   return c.body(null, 204)
 * })
 * ```
 */
export function durableObjectStore(
  namespace: DurableObjectNamespaceLike,
  options: DurableObjectStoreOptions = {},
): WechatpayStore {
  if (!namespace || typeof namespace.idFromName !== 'function' || typeof namespace.get !== 'function')
    throw new WechatpayValidationError('namespace', 'must be a Durable Object namespace binding')
  const claimTtlMs = milliseconds('claimTtlMs', options.claimTtlMs, DEFAULT_CLAIM_TTL_MS)
  const doneTtlMs = milliseconds('doneTtlMs', options.doneTtlMs, DEFAULT_DONE_TTL_MS)
  const stub = namespace.get(namespace.idFromName(options.name ?? 'wxpay') as never)
  const claims = new Map<string, string>()
  const locks = new Map<string, string>()
  const call = async (operation: Operation): Promise<unknown> => {
    const response = await stub.fetch('https://wxpay-store/', {
      method: 'POST',
      body: JSON.stringify(operation),
    })
    if (!response.ok) throw new Error(`durableObjectStore: the object answered ${response.status}`)
    return ((await response.json()) as { result: unknown }).result
  }
  return {
    claimTtlMs,
    async claim(key: string, ttlMs = claimTtlMs): Promise<ClaimState> {
      const owner = token()
      const state = (await call({ op: 'claim', key, owner, ttlMs })) as ClaimState
      if (state === 'claimed') claims.set(key, owner)
      return state
    },
    async complete(key: string) {
      claims.delete(key)
      await call({ op: 'complete', key, doneTtlMs })
    },
    async release(key: string) {
      const owner = claims.get(key)
      claims.delete(key)
      if (owner) await call({ op: 'release', key, owner })
    },
    async getCertificates(scope: string) {
      return sealedOrUndefined(await call({ op: 'getCertificates', scope }))
    },
    async putCertificates(scope: string, reply: SealedCertificates) {
      await call({ op: 'putCertificates', scope, reply })
    },
    async lock(name: string, ttlMs: number) {
      const owner = token()
      const taken = (await call({ op: 'lock', name, owner, ttlMs })) === true
      if (taken) locks.set(name, owner)
      return taken
    },
    async unlock(name: string) {
      const owner = locks.get(name)
      locks.delete(name)
      if (owner) await call({ op: 'unlock', name, owner })
    },
  }
}

/** Options of {@link kvCertificatesStore}. */
export interface KvStoreOptions {
  /** Prefix of the keys written. Default `wxpay:`. */
  prefix?: string
}

/**
 * Certificates only, in Workers KV. KV is eventually consistent (a write can take 60 s or more to
 * reach other locations) and has no atomic write, so its lock is best effort: it cuts the
 * fleet's downloads, it cannot promise one. Verification is unaffected (every instance decrypts
 * and verifies what it reads). Claims need strong consistency: `claim` here throws; use
 * {@link durableObjectStore} for `notifications.once`.
 *
 * @example
 * ```ts
 * const wxpay = new Wechatpay({ ...options, autoCertificates: true, store: kvCertificatesStore(env.WXPAY_KV) })
 * ```
 */
export function kvCertificatesStore(kv: KvNamespaceLike, options: KvStoreOptions = {}): WechatpayStore {
  if (!kv || typeof kv.get !== 'function' || typeof kv.put !== 'function')
    throw new WechatpayValidationError('kv', 'must be a KV namespace binding')
  const prefix = options.prefix ?? 'wxpay:'
  const noClaims = async (): Promise<never> => {
    throw new WechatpayValidationError(
      'store',
      'KV is eventually consistent and cannot hold claims: use durableObjectStore for notifications.once',
    )
  }
  const locks = new Map<string, string>()
  return {
    claimTtlMs: DEFAULT_CLAIM_TTL_MS,
    claim: noClaims,
    complete: noClaims,
    release: noClaims,
    async getCertificates(scope: string) {
      const value = await kv.get(`${prefix}certificates:${scope}`)
      if (value === null) return undefined
      try {
        return sealedOrUndefined(JSON.parse(value))
      } catch {
        return undefined
      }
    },
    async putCertificates(scope: string, reply: SealedCertificates) {
      await kv.put(`${prefix}certificates:${scope}`, JSON.stringify(reply))
    },
    async lock(name: string, ttlMs: number) {
      const key = `${prefix}lock:${name}`
      if ((await kv.get(key)) !== null) return false
      const owner = token()
      // KV's smallest expirationTtl is 60 s.
      await kv.put(key, owner, { expirationTtl: Math.max(60, Math.ceil(ttlMs / 1000)) })
      locks.set(name, owner)
      return true
    },
    async unlock(name: string) {
      const key = `${prefix}lock:${name}`
      const owner = locks.get(name)
      locks.delete(name)
      if (owner && (await kv.get(key)) === owner) await kv.delete(key)
    },
  }
}
