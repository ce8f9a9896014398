// APIv2 signs: the official vector from docs/protocol.md, node:crypto as an independent oracle, and
// wechatpay-axios-plugin's `Hash.sign` as a peer SDK on random field sets.
import { createHash, createHmac } from 'node:crypto'
import { type SeededInputs, seededInputs } from '@wxpay/sandbox/testing'
import { describe, expect, onTestFailed, test } from 'vitest'
import { Hash } from 'wechatpay-axios-plugin'
import { importHmacKey } from '../crypto/signature'
import { type SignType, signString, signV2, verifyV2 } from './sign'

// The official sample (pay.weixin.qq.com, "签名算法"), as checked in docs/protocol.md.
const KEY = '192006250b4c09247ec02edce69f6a2d'
const SAMPLE = {
  appid: 'wxd930ea5d5a258f4f',
  mch_id: '10000100',
  body: 'test',
  nonce_str: 'ibuaiVcKdpRxkhJA',
  device_info: '1000',
}
const SAMPLE_STRING =
  'appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA&key=192006250b4c09247ec02edce69f6a2d'
const SAMPLE_MD5 = '9A0A8659F005D6984697E2CA0A9CF3B7'
const SAMPLE_HMAC = '6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6'

const hmacKeyFor = (secret: string) => {
  let key: Promise<CryptoKey> | undefined
  return () => {
    key ??= importHmacKey(secret)
    return key
  }
}
const sampleHmacKey = hmacKeyFor(KEY)

/** node:crypto over an explicitly written string to sign: independent of `signString`. */
function nodeSign(text: string, secret: string, type: SignType): string {
  const hash = type === 'MD5' ? createHash('md5') : createHmac('sha256', secret)
  return hash.update(text, 'utf8').digest('hex').toUpperCase()
}

function shuffled<T>(items: T[], random: SeededInputs): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(i + 1)
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

describe('the official sample (docs/protocol.md)', () => {
  test('signString gives the documented string to sign', () => {
    expect(signString(SAMPLE, KEY)).toBe(SAMPLE_STRING)
  })

  test('the vector itself agrees with node:crypto over the documented string', () => {
    expect(nodeSign(SAMPLE_STRING, KEY, 'MD5')).toBe(SAMPLE_MD5)
    expect(nodeSign(SAMPLE_STRING, KEY, 'HMAC-SHA256')).toBe(SAMPLE_HMAC)
  })

  test('signV2 MD5 → 9A0A8659…', async () => {
    expect(await signV2(SAMPLE, KEY, 'MD5', sampleHmacKey)).toBe(SAMPLE_MD5)
  })

  test('signV2 HMAC-SHA256 → 6A9AE165…', async () => {
    expect(await signV2(SAMPLE, KEY, 'HMAC-SHA256', sampleHmacKey)).toBe(SAMPLE_HMAC)
  })

  test('MD5 never asks for the HMAC key', async () => {
    const noKey = () => Promise.reject(new Error('HMAC key requested for an MD5 sign'))
    expect(await signV2(SAMPLE, KEY, 'MD5', noKey)).toBe(SAMPLE_MD5)
  })

  test('the sign does not depend on key order', async () => {
    for (let round = 0; round < 10; round++) {
      const reordered = Object.fromEntries(shuffled(Object.entries(SAMPLE), seededInputs(onTestFailed)))
      expect(signString(reordered, KEY)).toBe(SAMPLE_STRING)
      expect(await signV2(reordered, KEY, 'MD5', sampleHmacKey)).toBe(SAMPLE_MD5)
      expect(await signV2(reordered, KEY, 'HMAC-SHA256', sampleHmacKey)).toBe(SAMPLE_HMAC)
    }
  })

  test('empty and undefined values and `sign` itself are dropped', async () => {
    const noisy = { attach: '', ...SAMPLE, sign: 'WHATEVER', detail: undefined, zz: '' }
    expect(signString(noisy, KEY)).toBe(SAMPLE_STRING)
    expect(await signV2(noisy, KEY, 'MD5', sampleHmacKey)).toBe(SAMPLE_MD5)
    expect(await signV2(noisy, KEY, 'HMAC-SHA256', sampleHmacKey)).toBe(SAMPLE_HMAC)
  })

  test('a value of whitespace or "0" is not empty: it is signed', () => {
    expect(signString({ ...SAMPLE, attach: ' ' }, KEY)).toContain('&attach= &')
    expect(signString({ ...SAMPLE, total_fee: '0' }, KEY)).toContain('&total_fee=0&')
  })

  test('sign_type, when present, is itself signed', async () => {
    const fields = { ...SAMPLE, sign_type: 'HMAC-SHA256' }
    const text =
      'appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA&sign_type=HMAC-SHA256&key=192006250b4c09247ec02edce69f6a2d'
    expect(signString(fields, KEY)).toBe(text)
    const sign = await signV2(fields, KEY, 'HMAC-SHA256', sampleHmacKey)
    expect(sign).toBe(nodeSign(text, KEY, 'HMAC-SHA256'))
    expect(sign).not.toBe(SAMPLE_HMAC)
    const md5 = await signV2({ ...SAMPLE, sign_type: 'MD5' }, KEY, 'MD5', sampleHmacKey)
    expect(md5).toBe(nodeSign(text.replace('HMAC-SHA256', 'MD5'), KEY, 'MD5'))
    expect(md5).not.toBe(SAMPLE_MD5)
  })
})

describe('string to sign', () => {
  test('keys sorted by byte order, case-sensitive (B < _ < a)', () => {
    expect(signString({ a: '1', _x: '2', B: '3', aa: '4', A: '5' }, 'k')).toBe('A=5&B=3&_x=2&a=1&aa=4&key=k')
  })

  test('values are raw: no URL-encoding, no escaping', () => {
    expect(signString({ body: 'a b&c=d/中文', attach: '<x>' }, 'k')).toBe(
      'attach=<x>&body=a b&c=d/中文&key=k',
    )
  })

  test('UTF-8 bytes are hashed (Chinese text)', async () => {
    const fields = { body: '腾讯充值中心-QQ会员充值', appid: 'wxd930ea5d5a258f4f' }
    const secret = 'a'.repeat(32)
    const text = `appid=wxd930ea5d5a258f4f&body=腾讯充值中心-QQ会员充值&key=${secret}`
    const key = hmacKeyFor(secret)
    expect(await signV2(fields, secret, 'MD5', key)).toBe(nodeSign(text, secret, 'MD5'))
    expect(await signV2(fields, secret, 'HMAC-SHA256', key)).toBe(nodeSign(text, secret, 'HMAC-SHA256'))
  })
})

describe('verifyV2', () => {
  const secret = 'Z8fH2kP4sQ9wX1cV7bN3mL6jT0rY5uE2'
  const key = hmacKeyFor(secret)
  const reply = {
    return_code: 'SUCCESS',
    return_msg: 'OK',
    appid: 'wx2421b1c4370ec43b',
    mch_id: '10000100',
    nonce_str: 'BFK89FC6rxKCOjLX',
    result_code: 'SUCCESS',
  }
  const signed = (fields: Record<string, string>, type: SignType) => ({
    ...fields,
    sign: nodeSign(signString(fields, secret), secret, type),
  })

  test.each(['MD5', 'HMAC-SHA256'] as const)('%s: a correctly signed reply verifies', async (type) => {
    expect(await verifyV2(signed(reply, type), secret, type, key)).toBe(true)
  })

  test.each(['MD5', 'HMAC-SHA256'] as const)(
    '%s: unknown extra fields are accepted (and signed)',
    async (type) => {
      const extra = { ...reply, brand_new_field: 'x', another_one: '中文' }
      const text = `another_one=中文&appid=wx2421b1c4370ec43b&brand_new_field=x&mch_id=10000100&nonce_str=BFK89FC6rxKCOjLX&result_code=SUCCESS&return_code=SUCCESS&return_msg=OK&key=${secret}`
      const fields = { ...extra, sign: nodeSign(text, secret, type) }
      expect(await verifyV2(fields, secret, type, key)).toBe(true)
      // A field added after signing is not ignored.
      expect(await verifyV2({ ...signed(reply, type), brand_new_field: 'x' }, secret, type, key)).toBe(false)
    },
  )

  test.each(['MD5', 'HMAC-SHA256'] as const)(
    '%s: every altered character of the sign fails',
    async (type) => {
      const good = signed(reply, type)
      for (let i = 0; i < good.sign.length; i++) {
        const c = good.sign[i] === 'A' ? 'B' : 'A'
        const sign = good.sign.slice(0, i) + c + good.sign.slice(i + 1)
        expect(await verifyV2({ ...good, sign }, secret, type, key)).toBe(false)
      }
    },
  )

  test.each(['MD5', 'HMAC-SHA256'] as const)('%s: truncated, extended or blank signs fail', async (type) => {
    const good = signed(reply, type)
    for (const sign of [good.sign.slice(0, -1), `${good.sign}0`, `${good.sign}${good.sign}`, '', ' ']) {
      expect(await verifyV2({ ...good, sign }, secret, type, key)).toBe(false)
    }
  })

  test.each(['MD5', 'HMAC-SHA256'] as const)('%s: a missing sign fails', async (type) => {
    expect(await verifyV2(reply, secret, type, key)).toBe(false)
  })

  test('the wrong sign type fails both ways', async () => {
    expect(await verifyV2(signed(reply, 'MD5'), secret, 'HMAC-SHA256', key)).toBe(false)
    expect(await verifyV2(signed(reply, 'HMAC-SHA256'), secret, 'MD5', key)).toBe(false)
  })

  test('an altered field value or another key fails', async () => {
    const good = signed(reply, 'MD5')
    expect(await verifyV2({ ...good, result_code: 'FAIL' }, secret, 'MD5', key)).toBe(false)
    const otherSecret = 'Y'.repeat(32)
    expect(await verifyV2(good, otherSecret, 'MD5', hmacKeyFor(otherSecret))).toBe(false)
    const hmac = signed(reply, 'HMAC-SHA256')
    expect(await verifyV2(hmac, otherSecret, 'HMAC-SHA256', hmacKeyFor(otherSecret))).toBe(false)
  })
})

describe('peer oracle: wechatpay-axios-plugin Hash.sign on random field sets', () => {
  const ALPHABET = ['a', 'Z', '0', '9', ' ', '&', '=', '%', '+', '/', '中', '文', 'é', '😀', '<', ']']
  const randomValue = (random: SeededInputs) => {
    if (random.int(6) === 0) return ''
    let out = ''
    for (let i = random.int(1, 20); i > 0; i--) out += random.pick(ALPHABET)
    return out
  }
  // Keys that never look like array indices: JS objects would reorder those ahead of the others.
  const randomKey = (random: SeededInputs) => {
    const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_'
    let out = letters[random.int(letters.length)]!
    for (let i = random.int(0, 12); i > 0; i--)
      out += (letters + '0123456789')[random.int(letters.length + 10)]
    return out
  }

  test.each(['MD5', 'HMAC-SHA256'] as const)(
    '%s: 300 random field sets agree with the peer SDK',
    async (type) => {
      const random = seededInputs(onTestFailed)
      for (let round = 0; round < 300; round++) {
        const secret = random.bytes(24).toString('base64')
        const fields: Record<string, string> = {}
        for (let i = random.int(1, 12); i > 0; i--) fields[randomKey(random)] = randomValue(random)
        // Real messages always carry nonce_str; with nothing to sign the peer differs (see below).
        fields.nonce_str = random.bytes(12).toString('hex')
        if (random.int(3) === 0) fields.sign = 'IGNORED'
        const peer = Hash.sign(type, fields, secret)
        expect(await signV2(fields, secret, type, hmacKeyFor(secret))).toBe(peer)
        expect(await verifyV2({ ...fields, sign: peer }, secret, type, hmacKeyFor(secret))).toBe(true)
      }
    },
  )

  test('with no non-empty field the string is `key=…` (as the official WXPayUtil builds it), where the peer prepends `&`', () => {
    expect(signString({ a: '', sign: 'X' }, 'K')).toBe('key=K')
    expect(Hash.sign('MD5', { a: '' }, 'K')).toBe(nodeSign('&key=K', 'K', 'MD5'))
  })

  test('the peer SDK agrees with the official vector too', () => {
    expect(Hash.sign('MD5', SAMPLE, KEY)).toBe(SAMPLE_MD5)
    expect(Hash.sign('HMAC-SHA256', SAMPLE, KEY)).toBe(SAMPLE_HMAC)
  })
})
