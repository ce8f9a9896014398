import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Sandbox } from './start'
import { start, v2, v2ReplyVerifies, xmlOf } from './test-helpers'
import { v2Sign } from './v2-sign'

let sb: Sandbox
beforeEach(async () => {
  sb = await start()
})
afterEach(async () => {
  await sb.close()
})

describe('v2 close order: state rules', () => {
  it.each(['MD5', 'HMAC-SHA256'] as const)(
    'closes an unpaid order, reply signed with %s',
    async (signType) => {
      sb.orders.create({ out_trade_no: 'V1' })
      const res = await v2(sb, { out_trade_no: 'V1' }, { signType })
      expect(res.status).toBe(200)
      expect(res.fields).toMatchObject({
        return_code: 'SUCCESS',
        result_code: 'SUCCESS',
        appid: sb.merchant.appid,
        mch_id: sb.merchant.mchid,
      })
      expect(res.fields.nonce_str).toMatch(/^[0-9A-Za-z]{32}$/)
      expect(res.text).toContain('<return_code><![CDATA[SUCCESS]]></return_code>')
      expect(v2ReplyVerifies(sb, res.fields, signType)).toBe(true)
      expect(v2ReplyVerifies(sb, res.fields, signType === 'MD5' ? 'HMAC-SHA256' : 'MD5')).toBe(false)
      expect(sb.orders.get('V1')?.state).toBe('CLOSED')
    },
  )

  it.each([
    ['SUCCESS', 'ORDERPAID'],
    ['CLOSED', 'ORDERCLOSED'],
    ['USERPAYING', 'SYSTEMERROR'],
  ] as const)('answers a %s order with result_code FAIL %s, signed', async (state, errCode) => {
    sb.orders.create({ out_trade_no: 'V2', state })
    const res = await v2(sb, { out_trade_no: 'V2', sign_type: 'HMAC-SHA256' }, { signType: 'HMAC-SHA256' })
    expect(res.status).toBe(200)
    expect(res.fields).toMatchObject({ return_code: 'SUCCESS', result_code: 'FAIL', err_code: errCode })
    expect(res.fields.err_code_des).toBeTruthy()
    expect(v2ReplyVerifies(sb, res.fields, 'HMAC-SHA256')).toBe(true)
    expect(sb.orders.get('V2')?.state).toBe(state)
  })

  it('answers an unknown order with ORDERNOTEXIST', async () => {
    const res = await v2(sb, { out_trade_no: 'NOPE' })
    expect(res.fields).toMatchObject({
      return_code: 'SUCCESS',
      result_code: 'FAIL',
      err_code: 'ORDERNOTEXIST',
    })
    expect(v2ReplyVerifies(sb, res.fields)).toBe(true)
  })

  it('keeps a 28-digit out_trade_no byte for byte', async () => {
    sb.orders.create({ out_trade_no: '1217752501201407033233368018' })
    const res = await v2(sb, { out_trade_no: '1217752501201407033233368018' })
    expect(res.fields.result_code).toBe('SUCCESS')
    expect(sb.orders.get('1217752501201407033233368018')?.state).toBe('CLOSED')
  })

  it('applies the 5-minute rule when minCloseAgeSeconds is set: SYSTEMERROR', async () => {
    const young = await start({ minCloseAgeSeconds: 300 })
    try {
      young.orders.create({ out_trade_no: 'Y' })
      const res = await v2(young, { out_trade_no: 'Y' })
      expect(res.fields).toMatchObject({
        return_code: 'SUCCESS',
        result_code: 'FAIL',
        err_code: 'SYSTEMERROR',
      })
      expect(res.fields.err_code_des).toContain('5-minute')
      expect(young.orders.get('Y')?.state).toBe('NOTPAY')
      young.clock.advance(300)
      expect((await v2(young, { out_trade_no: 'Y' })).fields.result_code).toBe('SUCCESS')
    } finally {
      await young.close()
    }
  })
})

describe('v2 close order: request checks (return_code FAIL, unsigned)', () => {
  beforeEach(() => {
    sb.orders.create({ out_trade_no: 'R1' })
  })

  const refused = (res: { status: number; fields: Record<string, string> }, msg: string) => {
    expect(res.status).toBe(200)
    // a sign that is well-formed but wrong also says why (`SIGNERROR: … stale credentials? …`)
    expect(res.fields).toEqual({
      return_code: 'FAIL',
      return_msg: expect.stringMatching(new RegExp(`^${msg}(:|$)`)),
    })
    expect(sb.orders.get('R1')?.state).toBe('NOTPAY')
  }

  it.each(['MD5', 'HMAC-SHA256'] as const)('refuses a %s sign made with another secret', async (signType) => {
    refused(await v2(sb, { out_trade_no: 'R1' }, { signType, secret: 'B'.repeat(32) }), 'SIGNERROR')
  })

  it('refuses a missing sign, a lowercase sign, an unknown sign_type, and a sign of the other type', async () => {
    const base = { appid: sb.merchant.appid, mch_id: sb.merchant.mchid, nonce_str: 'n1', out_trade_no: 'R1' }
    refused(await v2(sb, {}, { raw: xmlOf(base) }), 'SIGNERROR')
    const lower = v2Sign(base, sb.merchant.secret).toLowerCase()
    refused(await v2(sb, {}, { raw: xmlOf({ ...base, sign: lower }) }), 'SIGNERROR')
    const sha1 = { ...base, sign_type: 'SHA1' }
    refused(
      await v2(sb, {}, { raw: xmlOf({ ...sha1, sign: v2Sign(sha1, sb.merchant.secret) }) }),
      'SIGNERROR',
    )
    const hmac = { ...base, sign_type: 'HMAC-SHA256' }
    refused(
      await v2(sb, {}, { raw: xmlOf({ ...hmac, sign: v2Sign(hmac, sb.merchant.secret, 'MD5') }) }),
      'SIGNERROR',
    )
  })

  it('says a sign made with another APIv2 key may come from stale credentials, without the key', async () => {
    const res = await v2(sb, { out_trade_no: 'R1' }, { secret: 'B'.repeat(32) })
    expect(res.fields.return_msg).toMatch(
      /^SIGNERROR: the sign does not verify with this sandbox's APIv2 key/,
    )
    expect(res.fields.return_msg).toContain('stale credentials? The sandbox makes new keys on every start')
    expect(res.fields.return_msg).toContain('--keys-file')
    expect(res.fields.return_msg).not.toContain(sb.merchant.secret)
  })

  it('refuses a field changed after signing', async () => {
    const base = { appid: sb.merchant.appid, mch_id: sb.merchant.mchid, nonce_str: 'n1', out_trade_no: 'R2' }
    const sign = v2Sign(base, sb.merchant.secret)
    refused(await v2(sb, {}, { raw: xmlOf({ ...base, out_trade_no: 'R1', sign }) }), 'SIGNERROR')
  })

  it('accepts and signs over unknown extra fields', async () => {
    const res = await v2(sb, { out_trade_no: 'R1', extra_field: 'x' })
    expect(res.fields.result_code).toBe('SUCCESS')
  })

  it('refuses another mch_id or appid', async () => {
    refused(await v2(sb, { out_trade_no: 'R1', mch_id: '1900000110' }), 'MCH_NOT_EXISTS')
    refused(await v2(sb, { out_trade_no: 'R1', appid: 'wx0000000000000000' }), 'APPID_MCHID_NOT_MATCH')
  })

  it('refuses a missing out_trade_no or nonce_str, or a nonce over 32 characters', async () => {
    refused(await v2(sb, {}), 'PARAM_ERROR')
    refused(await v2(sb, { out_trade_no: 'R1', nonce_str: 'n'.repeat(33) }), 'PARAM_ERROR')
    const noNonce = { appid: sb.merchant.appid, mch_id: sb.merchant.mchid, out_trade_no: 'R1' }
    refused(
      await v2(sb, {}, { raw: xmlOf({ ...noNonce, sign: v2Sign(noNonce, sb.merchant.secret) }) }),
      'PARAM_ERROR',
    )
  })

  it.each([
    ['malformed XML', '<xml><out_trade_no>R1</xml>'],
    ['JSON', '{"out_trade_no":"R1"}'],
    ['an empty body', ''],
    [
      'a DOCTYPE',
      '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><a>&x;</a></xml>',
    ],
    ['nested elements', '<xml><out_trade_no><a>R1</a></out_trade_no></xml>'],
  ])('refuses %s with XML_FORMAT_ERROR', async (_, raw) => {
    refused(await v2(sb, {}, { raw }), 'XML_FORMAT_ERROR')
  })

  it('refuses a body over 1 MiB with XML_FORMAT_ERROR', async () => {
    const raw = `<xml><out_trade_no>R1</out_trade_no><pad>${'x'.repeat(1024 * 1024)}</pad></xml>`
    refused(await v2(sb, {}, { raw }), 'XML_FORMAT_ERROR')
  })

  it('refuses GET with REQUIRE_POST_METHOD', async () => {
    const res = await fetch(new URL('pay/closeorder', sb.url))
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('REQUIRE_POST_METHOD')
  })
})
