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

/**
 * A Redis client as this store uses it: an ioredis `Redis` or `Cluster` (it has `call`), or a
 * node-redis v4+ client from `createClient()` (it has `sendCommand`). Nothing else is touched.
 */
export type RedisClientLike =
  | { call(command: string, ...args: string[]): Promise<unknown> }
  | { sendCommand(args: string[]): Promise<unknown> }

/** Options of {@link redisStore}. */
export interface RedisStoreOptions extends StoreOptions {
  /** Prefix of every key this store writes. Default `wxpay:`. */
  prefix?: string
  /** How long a completed claim is remembered (later duplicates are recognised), ms. Default 30 days. */
  doneTtlMs?: number
}

type Send = (args: string[]) => Promise<unknown>

/** ioredis has `call(command, ...args)`; node-redis v4/v5 `sendCommand([command, ...args])`. */
function sender(client: unknown): Send {
  const c = client as Record<string, unknown> | null
  if (c && typeof c === 'object') {
    // node-redis clients also carry `isOpen`; ioredis ones a `status` string and `call`.
    if (typeof c.call === 'function' && !('isOpen' in c)) {
      const call = c.call as (command: string, ...args: string[]) => Promise<unknown>
      return ([command, ...args]) => call.call(client, command as string, ...args)
    }
    if (typeof c.sendCommand === 'function') {
      const send = c.sendCommand as (args: string[]) => Promise<unknown>
      return (args) => send.call(client, args)
    }
  }
  throw new WechatpayValidationError(
    'client',
    'must be an ioredis client (new Redis()) or a node-redis client (createClient(), connected)',
  )
}

/** Atomic: claimed when absent, duplicate when done, busy while held by someone. */
const CLAIM = `local v = redis.call('GET', KEYS[1])
if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 'claimed' end
if v == 'done' then return 'duplicate' end
return 'busy'`

/** Deletes the key only while it still holds this holder's token (not after it expired and moved on). */
const DELETE_OWN = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

const text = (value: unknown) =>
  typeof value === 'string' ? value : value instanceof Uint8Array ? new TextDecoder().decode(value) : value

/**
 * Shared state on Redis: claims are keys set atomically by a Lua script with a time-to-live
 * (`claimTtlMs`), completed claims are remembered for `doneTtlMs`, certificates are one key per
 * merchant, and the certificate download lock is `SET NX PX`. Works with ioredis (`Redis`,
 * `Cluster`: each script touches one key) and node-redis v4+ (`createClient()`; connect it first).
 *
 * @example
 * ```ts
 * import Redis from 'ioredis'
 * import { redisStore } from '@wxpay/store/redis'
 *
 * const store = redisStore(new Redis(process.env.REDIS_URL), { claimTtlMs: 600_000 })
 * const wxpay = new Wechatpay({ ...options, autoCertificates: true, store })
 * await wxpay.notifications.once(event, store, async () => { await markPaid(event) })
 * ```
 */
export function redisStore(client: RedisClientLike, options: RedisStoreOptions = {}): WechatpayStore {
  const send = sender(client)
  const claimTtlMs = milliseconds('claimTtlMs', options.claimTtlMs, DEFAULT_CLAIM_TTL_MS)
  const doneTtlMs = milliseconds('doneTtlMs', options.doneTtlMs, DEFAULT_DONE_TTL_MS)
  const prefix = options.prefix ?? 'wxpay:'
  if (typeof prefix !== 'string') throw new WechatpayValidationError('prefix', 'must be a string')
  const claimKey = (key: string) => `${prefix}claim:${key}`
  const lockKey = (name: string) => `${prefix}lock:${name}`
  const certificatesKey = (scope: string) => `${prefix}certificates:${scope}`
  /** This instance's tokens: a release or unlock only removes what this instance set. */
  const claims = new Map<string, string>()
  const locks = new Map<string, string>()

  return {
    claimTtlMs,
    async claim(key: string, ttlMs = claimTtlMs): Promise<ClaimState> {
      const mine = token()
      const state = text(await send(['EVAL', CLAIM, '1', claimKey(key), mine, String(ttlMs)]))
      if (state === 'claimed') claims.set(key, mine)
      if (state === 'claimed' || state === 'duplicate' || state === 'busy') return state
      throw new Error(`redisStore: unexpected reply to the claim script: ${String(state)}`)
    },
    async complete(key: string): Promise<void> {
      claims.delete(key)
      await send(['SET', claimKey(key), 'done', 'PX', String(doneTtlMs)])
    },
    async release(key: string): Promise<void> {
      const mine = claims.get(key)
      claims.delete(key)
      if (mine) await send(['EVAL', DELETE_OWN, '1', claimKey(key), mine])
    },
    async getCertificates(scope: string): Promise<SealedCertificates | undefined> {
      const value = text(await send(['GET', certificatesKey(scope)]))
      if (typeof value !== 'string') return undefined
      try {
        return sealedOrUndefined(JSON.parse(value))
      } catch {
        return undefined
      }
    },
    async putCertificates(scope: string, reply: SealedCertificates): Promise<void> {
      await send(['SET', certificatesKey(scope), JSON.stringify(reply)])
    },
    async lock(name: string, ttlMs: number): Promise<boolean> {
      const mine = token()
      const reply = text(await send(['SET', lockKey(name), mine, 'NX', 'PX', String(ttlMs)]))
      if (reply !== 'OK') return false
      locks.set(name, mine)
      return true
    },
    async unlock(name: string): Promise<void> {
      const mine = locks.get(name)
      locks.delete(name)
      if (mine) await send(['EVAL', DELETE_OWN, '1', lockKey(name), mine])
    },
  }
}
