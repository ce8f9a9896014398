import { createHash, createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { Hash } from 'wechatpay-axios-plugin'
import { v2Sign, v2SignEquals } from './v2-sign'

// the official sample of docs/protocol.md, "Test vectors (checked)"
const SAMPLE = {
  appid: 'wxd930ea5d5a258f4f',
  mch_id: '10000100',
  body: 'test',
  nonce_str: 'ibuaiVcKdpRxkhJA',
  device_info: '1000',
}
const KEY = '192006250b4c09247ec02edce69f6a2d'

describe('v2Sign', () => {
  it('matches the official MD5 vector', () => {
    expect(v2Sign(SAMPLE, KEY)).toBe('9A0A8659F005D6984697E2CA0A9CF3B7')
    expect(v2Sign(SAMPLE, KEY, 'MD5')).toBe('9A0A8659F005D6984697E2CA0A9CF3B7')
  })

  it('matches the official HMAC-SHA256 vector', () => {
    expect(v2Sign(SAMPLE, KEY, 'HMAC-SHA256')).toBe(
      '6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6',
    )
  })

  it('ignores sign and empty values, and agrees with wechatpay-axios-plugin', () => {
    const fields = { ...SAMPLE, sign: 'WHATEVER', empty: '', sign_type: 'HMAC-SHA256', Zeta: 'z' }
    expect(v2Sign(fields, KEY, 'HMAC-SHA256')).toBe(
      v2Sign({ ...SAMPLE, sign_type: 'HMAC-SHA256', Zeta: 'z' }, KEY, 'HMAC-SHA256'),
    )
    expect(v2Sign(fields, KEY, 'HMAC-SHA256')).toBe(Hash.sign('HMAC-SHA256', fields, KEY))
    expect(v2Sign(fields, KEY)).toBe(Hash.sign('MD5', fields, KEY))
  })

  it('with no field left signs `key=…` (the official WXPayUtil string), as the core does', () => {
    const text = `key=${KEY}`
    expect(v2Sign({ sign: 'X', attach: '' }, KEY)).toBe(
      createHash('md5').update(text).digest('hex').toUpperCase(),
    )
    expect(v2Sign({}, KEY, 'HMAC-SHA256')).toBe(
      createHmac('sha256', KEY).update(text).digest('hex').toUpperCase(),
    )
  })

  it('compares signs exactly', () => {
    expect(v2SignEquals('ABC', 'ABC')).toBe(true)
    expect(v2SignEquals('abc', 'ABC')).toBe(false)
    expect(v2SignEquals('AB', 'ABC')).toBe(false)
  })
})
