// The key a notification is applied once under, and the `store` option's check at construction.
// notifications.once itself runs against every real engine in @wxpay/store's tests.
import { signedV2Xml } from '@wxpay/sandbox/testing'
import { describe, expect, test } from 'vitest'
import { Wechatpay, WechatpayValidationError } from '../node'
import type { WechatpayStore } from '../store'
import { onceKey } from './once'

const secret = 'abcdefghijklmnopqrstuvwxyz012345'
const mchid = '1230000109'

describe('onceKey', () => {
  test('an APIv3 event: its id', () => {
    expect(onceKey({ id: 'EV-1', event_type: 'TRANSACTION.SUCCESS' } as never)).toBe('v3:EV-1')
  })

  test('an APIv2 pay result, parsed from signed XML: its transaction_id', async () => {
    const wxpay = new Wechatpay({ mchid, secret })
    const xml = signedV2Xml(
      { return_code: 'SUCCESS', result_code: 'SUCCESS', out_trade_no: 'T1', transaction_id: '4200001' },
      secret,
    )
    expect(onceKey(await wxpay.notifications.parseV2(xml))).toBe('v2:pay:4200001')
  })

  test('an APIv2 refund: its refund_id and refund_status', () => {
    const refund = { kind: 'refund', data: {}, refund: { refund_id: '5030001', refund_status: 'SUCCESS' } }
    expect(onceKey(refund as never)).toBe('v2:refund:5030001:SUCCESS')
  })

  test('a string is the key itself; what has no id is a validation error naming event', () => {
    expect(onceKey('my-key')).toBe('my-key')
    for (const bad of ['', null, { kind: 'signed', data: {} }, { kind: 'refund', data: {}, refund: {} }, {}])
      expect(() => onceKey(bad as never)).toThrow(expect.objectContaining({ option: 'event' }))
  })
})

describe('the store option', () => {
  const store: WechatpayStore = {
    claimTtlMs: 1000,
    claim: async () => 'claimed',
    complete: async () => {},
    release: async () => {},
    getCertificates: async () => undefined,
    putCertificates: async () => {},
    lock: async () => true,
    unlock: async () => {},
  }

  test('a store constructs', () => {
    expect(() => new Wechatpay({ mchid, store })).not.toThrow()
  })

  test.each([
    ['not an object', 'redis://localhost'],
    ['a Redis client instead of a store', { get() {}, set() {} }],
    ['no claimTtlMs', { ...store, claimTtlMs: undefined }],
  ])('%s is a WechatpayValidationError naming store, at construction', (_, bad) => {
    let error: unknown
    try {
      new Wechatpay({ mchid, store: bad as never })
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(WechatpayValidationError)
    expect(error).toMatchObject({ option: 'store' })
  })
})
