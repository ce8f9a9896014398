import { generateKeyPairSync } from 'node:crypto'
import { Wechatpay, WechatpayValidationError } from '@wxpay/core'
import { beforeEach, describe, expect, test } from 'vitest'
import { __clearClientCache, __clientCacheStats, clientFor, MAX_CACHED_CLIENTS } from './client-cache'

// v2-only configurations: no keys to generate, and the core still validates them fully
const options = (extra: Record<string, unknown> = {}) => ({
  mchid: '1900000109',
  secret: 'Z8fH2kP4sQ9wX1cV7bN3mL6jT0rY5uE2',
  baseUrl: 'http://127.0.0.1:9/',
  ...extra,
})

beforeEach(() => __clearClientCache())

describe('clientFor', () => {
  test('the same configuration (a new, equal object) gets the same client', () => {
    const a = clientFor(options())
    const b = clientFor(options())
    expect(a.client).toBeInstanceOf(Wechatpay)
    expect(b.client).toBe(a.client)
    expect(__clientCacheStats()).toMatchObject({ size: 1, constructed: expect.any(Number) })
  })

  test('any difference makes another client, `fetch` included (by identity)', () => {
    const f1 = (() => {}) as unknown as typeof fetch
    const f2 = (() => {}) as unknown as typeof fetch
    const clients = [
      clientFor(options()).client,
      clientFor(options({ timeout: 1 })).client,
      clientFor(options({ fetch: f1 })).client,
      clientFor(options({ fetch: f2 })).client,
      // the APIv3 key decrypts notifications: two keys must never share a client
      clientFor(options({ apiv3Key: 'A'.repeat(32) })).client,
      clientFor(options({ apiv3Key: 'B'.repeat(32) })).client,
    ]
    expect(new Set(clients).size).toBe(6)
    expect(clientFor(options({ fetch: f1 })).client).toBe(clients[2])
  })

  test('autoCertificates compares by value: a new { intervalMs } object per request is the same client', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const auto = (autoCertificates: unknown) =>
      clientFor(
        options({
          serial: '3775B6A45ACD588826D15E583A95F5DD00000001',
          privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
          apiv3Key: 'A'.repeat(32),
          autoCertificates,
        }),
      ).client
    const a = auto({ intervalMs: 5000 })
    expect(a).toBeInstanceOf(Wechatpay)
    expect(auto({ intervalMs: 5000 })).toBe(a)
    expect(new Set([a, auto({ intervalMs: 6000 }), auto(true), auto(undefined)]).size).toBe(4)
  })

  test('certs in another order are another configuration (the core sends the first serial)', () => {
    const a = clientFor(options({ certs: { A: 'x', B: 'y' } }))
    const b = clientFor(options({ certs: { B: 'y', A: 'x' } }))
    expect(b).not.toBe(a)
    expect(clientFor(options({ certs: { A: 'x', B: 'y' } }))).toBe(a)
  })

  test('a rejected configuration is cached: validated once', () => {
    const before = __clientCacheStats().constructed
    const bad = () => clientFor(options({ secret: 'short' }))
    const first = bad()
    expect(first.error).toBeInstanceOf(WechatpayValidationError)
    expect(first.error?.option).toBe('secret')
    expect(bad().error).toBe(first.error)
    expect(__clientCacheStats().constructed - before).toBe(1)
  })

  test(`keeps at most ${MAX_CACHED_CLIENTS}, evicting the least recently used`, () => {
    const first = clientFor(options({ timeout: 1 })).client
    const second = clientFor(options({ timeout: 2 })).client
    for (let t = 3; t <= MAX_CACHED_CLIENTS; t++) clientFor(options({ timeout: t }))
    clientFor(options({ timeout: 1 })) // touch the first: now the second is the oldest
    clientFor(options({ timeout: 999 }))
    expect(__clientCacheStats().size).toBe(MAX_CACHED_CLIENTS)
    expect(clientFor(options({ timeout: 1 })).client).toBe(first)
    expect(clientFor(options({ timeout: 2 })).client).not.toBe(second)
  })
})
