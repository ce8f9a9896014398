import { generateKeyPairSync } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Sandbox } from './start'
import { authorization, replyVerifies, start, v3 } from './test-helpers'

const close = (no: string) => `/v3/pay/transactions/out-trade-no/${no}/close`
const closeRecharge = (no: string, sub?: string) =>
  `/v3/platsolution/ecommerce/recharges/out-recharge-no/${no}/close${sub === undefined ? '' : `?sub_mchid=${sub}`}`

let sb: Sandbox
beforeEach(async () => {
  sb = await start()
})
afterEach(async () => {
  await sb.close()
})

describe('v3 close order: state rules', () => {
  it('closes an unpaid order: 204, empty body, signed', async () => {
    sb.orders.create({ out_trade_no: 'T1' })
    const res = await v3(sb, close('T1'), { mchid: sb.merchant.mchid })
    expect(res.status).toBe(204)
    expect(res.text).toBe('')
    expect(res.headers.get('Wechatpay-Signature-Type')).toBe('WECHATPAY2-SHA256-RSA2048')
    expect(res.headers.get('Wechatpay-Nonce')).toMatch(/^[0-9A-Za-z]{32}$/)
    expect(res.headers.get('Wechatpay-Serial')).toMatch(/^PUB_KEY_ID_/)
    expect(res.headers.get('Request-ID')).toBeTruthy()
    expect(replyVerifies(sb, res)).toBe(true)
    expect(sb.orders.get('T1')).toMatchObject({ state: 'CLOSED', closed_at: expect.any(Number) })
  })

  it('closes a closed order again (re-entrant): 204', async () => {
    sb.orders.create({ out_trade_no: 'T2', state: 'CLOSED' })
    const res = await v3(sb, close('T2'), { mchid: sb.merchant.mchid })
    expect(res.status).toBe(204)
    expect(replyVerifies(sb, res)).toBe(true)
  })

  it('refuses a paid order: 400 ORDER_PAID, unsigned, state kept', async () => {
    sb.orders.create({ out_trade_no: 'T3', state: 'SUCCESS' })
    const res = await v3(sb, close('T3'), { mchid: sb.merchant.mchid })
    expect(res.status).toBe(400)
    expect(res.json()).toMatchObject({ code: 'ORDER_PAID' })
    expect(res.headers.get('Request-ID')).toBeTruthy()
    expect(res.headers.get('Wechatpay-Signature')).toBeNull()
    expect(sb.orders.get('T3')?.state).toBe('SUCCESS')
  })

  it('answers 202 USER_PAYING (signed) while the user pays', async () => {
    sb.orders.create({ out_trade_no: 'T4', state: 'USERPAYING' })
    const res = await v3(sb, close('T4'), { mchid: sb.merchant.mchid })
    expect(res.status).toBe(202)
    expect(res.json()).toMatchObject({ code: 'USER_PAYING' })
    expect(replyVerifies(sb, res)).toBe(true)
    expect(sb.orders.get('T4')?.state).toBe('USERPAYING')
  })

  it('answers 404 ORDER_NOT_EXIST for an unknown order', async () => {
    const res = await v3(sb, close('NOPE'), { mchid: sb.merchant.mchid })
    expect(res.status).toBe(404)
    expect(res.json()).toMatchObject({ code: 'ORDER_NOT_EXIST' })
  })

  it('applies the 5-minute rule when minCloseAgeSeconds is set: 403 RULE_LIMIT', async () => {
    const young = await start({ minCloseAgeSeconds: 300 })
    try {
      young.orders.create({ out_trade_no: 'Y1' })
      young.orders.create({ out_trade_no: 'OLD', created_at: young.clock.now() - 300_000 })
      const refused = await v3(young, close('Y1'), { mchid: young.merchant.mchid })
      expect(refused.status).toBe(403)
      expect(refused.json()).toMatchObject({ code: 'RULE_LIMIT' })
      expect(young.orders.get('Y1')?.state).toBe('NOTPAY')
      expect((await v3(young, close('OLD'), { mchid: young.merchant.mchid })).status).toBe(204)
      young.clock.advance(301)
      expect((await v3(young, close('Y1'), { mchid: young.merchant.mchid })).status).toBe(204)
    } finally {
      await young.close()
    }
  })
})

describe('v3 close order: request checks', () => {
  beforeEach(() => {
    sb.orders.create({ out_trade_no: 'C1' })
  })
  afterEach(() => sb.clock.reset())

  /**
   * Moves sandbox time to the start of a whole second and returns it: a request sent now reaches
   * the gateway within that same second, so an offset from it is exactly the offset the gateway
   * computes (otherwise a second boundary crossed in flight turns +300 into 299).
   */
  const atSecondStart = () => {
    const second = Math.floor(Date.now() / 1000)
    sb.clock.set(second * 1000)
    return second
  }

  it.each([-301, -300, 300, 301])('refuses a timestamp %i s off: 401 SIGN_ERROR', async (offset) => {
    const timestamp = atSecondStart() + offset
    const res = await v3(sb, close('C1'), { mchid: sb.merchant.mchid }, { timestamp })
    expect(res.status).toBe(401)
    expect(res.json()).toMatchObject({ code: 'SIGN_ERROR' })
    expect(res.headers.get('Request-ID')).toBeTruthy()
    expect(sb.orders.get('C1')?.state).toBe('NOTPAY')
  })

  it.each([-299, 299])('accepts a timestamp %i s off', async (offset) => {
    const timestamp = atSecondStart() + offset
    const res = await v3(sb, close('C1'), { mchid: sb.merchant.mchid }, { timestamp })
    expect(res.status).toBe(204)
  })

  it('judges the window by the sandbox clock', async () => {
    const timestamp = Math.floor(Date.now() / 1000)
    sb.clock.advance(301)
    expect((await v3(sb, close('C1'), { mchid: sb.merchant.mchid }, { timestamp })).status).toBe(401)
    sb.clock.reset()
    expect((await v3(sb, close('C1'), { mchid: sb.merchant.mchid }, { timestamp })).status).toBe(204)
  })

  it.each([
    ['another mchid in Authorization', { mchid: '1900000110' }],
    ['another serial_no', { serial: 'A'.repeat(40) }],
    [
      'another private key',
      {
        privateKey: generateKeyPairSync('rsa', {
          modulusLength: 2048,
          privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
          publicKeyEncoding: { type: 'spki', format: 'pem' },
        }).privateKey,
      },
    ],
  ])('refuses %s: 401 SIGN_ERROR', async (_, options) => {
    const res = await v3(sb, close('C1'), { mchid: sb.merchant.mchid }, options)
    expect(res.status).toBe(401)
    expect(res.json()).toMatchObject({ code: 'SIGN_ERROR', message: expect.any(String) })
  })

  it('refuses a missing Authorization header and a body changed after signing', async () => {
    const url = new URL(close('C1').slice(1), sb.url)
    const bare = await fetch(url, { method: 'POST', body: JSON.stringify({ mchid: sb.merchant.mchid }) })
    expect(bare.status).toBe(401)
    const signed = await v3(sb, close('C1'), { mchid: sb.merchant.mchid })
    expect(signed.status).toBe(204)
    sb.orders.create({ out_trade_no: 'C1' })
    const auth = authorization(sb, 'POST', close('C1'), JSON.stringify({ mchid: sb.merchant.mchid }))
    const tampered = await fetch(url, {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ mchid: sb.merchant.mchid, x: 1 }),
    })
    expect(tampered.status).toBe(401)
  })

  it('verifies over the raw request target as sent (percent-encoding included)', async () => {
    sb.orders.create({ out_trade_no: 'A|B*1' })
    const target = close('A%7CB*1')
    const res = await v3(sb, target, { mchid: sb.merchant.mchid })
    expect(res.status).toBe(204)
    expect(sb.orders.get('A|B*1')?.state).toBe('CLOSED')
  })

  it('answers 400 PARAM_ERROR for malformed JSON and a missing mchid', async () => {
    const malformed = await v3(sb, close('C1'), undefined, { rawBody: '{"mchid":' })
    expect(malformed.status).toBe(400)
    expect(malformed.json()).toMatchObject({ code: 'PARAM_ERROR' })
    const empty = await v3(sb, close('C1'))
    expect(empty.status).toBe(400)
    expect(empty.json()).toMatchObject({ code: 'PARAM_ERROR' })
    const missing = await v3(sb, close('C1'), { appid: 'x' })
    expect(missing.status).toBe(400)
    expect(missing.json()).toMatchObject({ code: 'PARAM_ERROR', detail: { field: 'mchid' } })
    const wrongType = await v3(sb, close('C1'), { mchid: 1900000109 })
    expect(wrongType.json()).toMatchObject({ code: 'PARAM_ERROR' })
    expect(sb.orders.get('C1')?.state).toBe('NOTPAY')
  })

  it('answers 400 INVALID_REQUEST for another mchid in the body', async () => {
    const res = await v3(sb, close('C1'), { mchid: '1900000110' })
    expect(res.status).toBe(400)
    expect(res.json()).toMatchObject({ code: 'INVALID_REQUEST' })
  })

  it('answers 400 PARAM_ERROR for an out_trade_no that is too long or has other characters', async () => {
    expect((await v3(sb, close('X'.repeat(33)), { mchid: sb.merchant.mchid })).json()).toMatchObject({
      code: 'PARAM_ERROR',
    })
    expect((await v3(sb, close('a.b'), { mchid: sb.merchant.mchid })).status).toBe(400)
  })

  it('answers unknown paths with 404 in the error shape', async () => {
    const res = await v3(sb, '/v3/pay/no-such-route/1', undefined, { method: 'GET' })
    expect(res.status).toBe(404)
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND' })
  })
})

describe('v3 close recharge', () => {
  it('closes a RECHARGING recharge: 200 with the full reply, signed', async () => {
    const created = sb.recharges.create({ out_recharge_no: 'cz1', sub_mchid: '1900001121', amount: 2500 })
    sb.clock.advance(60)
    const res = await v3(sb, closeRecharge('cz1', '1900001121'))
    expect(res.status).toBe(200)
    expect(replyVerifies(sb, res)).toBe(true)
    expect(res.headers.get('Content-Type')).toContain('application/json')
    const body = res.json() as Record<string, unknown>
    expect(body).toEqual({
      sp_mchid: sb.merchant.mchid,
      sub_mchid: '1900001121',
      recharge_id: created.recharge_id,
      out_recharge_no: 'cz1',
      account_type: 'DEPOSIT',
      recharge_state: 'CLOSED',
      recharge_scene: 'ECOMMERCE_DEPOSIT',
      recharge_amount: { amount: 2500, currency: 'CNY' },
      accept_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/),
      close_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/),
    })
    expect(
      Date.parse(body.close_time as string) - Date.parse(body.accept_time as string),
    ).toBeGreaterThanOrEqual(59_000)
    expect(sb.recharges.get('cz1')).toMatchObject({ state: 'CLOSED', closed_at: expect.any(Number) })
  })

  it('closes a closed recharge again with the same reply', async () => {
    sb.recharges.create({ out_recharge_no: 'cz2', sub_mchid: '1900001121' })
    const first = await v3(sb, closeRecharge('cz2', '1900001121'))
    const again = await v3(sb, closeRecharge('cz2', '1900001121'))
    expect(again.status).toBe(200)
    expect(again.json()).toEqual(first.json())
    expect(replyVerifies(sb, again)).toBe(true)
  })

  it('refuses a SUCCESS recharge: 400 INVALID_REQUEST', async () => {
    sb.recharges.create({ out_recharge_no: 'cz3', sub_mchid: '1900001121', state: 'SUCCESS' })
    const res = await v3(sb, closeRecharge('cz3', '1900001121'))
    expect(res.status).toBe(400)
    expect(res.json()).toMatchObject({ code: 'INVALID_REQUEST' })
    expect(sb.recharges.get('cz3')?.state).toBe('SUCCESS')
  })

  it('answers 404 ORDER_NOT_EXIST for an unknown recharge or another sub_mchid', async () => {
    sb.recharges.create({ out_recharge_no: 'cz4', sub_mchid: '1900001121' })
    const other = await v3(sb, closeRecharge('cz4', '1900009999'))
    expect(other.status).toBe(404)
    expect(other.json()).toMatchObject({ code: 'ORDER_NOT_EXIST' })
    expect(sb.recharges.get('cz4')?.state).toBe('RECHARGING')
    expect((await v3(sb, closeRecharge('nope', '1900001121'))).status).toBe(404)
  })

  it('answers 400 PARAM_ERROR without sub_mchid', async () => {
    sb.recharges.create({ out_recharge_no: 'cz5', sub_mchid: '1900001121' })
    for (const target of [closeRecharge('cz5'), closeRecharge('cz5', '')]) {
      const res = await v3(sb, target)
      expect(res.status).toBe(400)
      expect(res.json()).toMatchObject({ code: 'PARAM_ERROR', detail: { field: 'sub_mchid' } })
    }
  })

  it('signs the query into the request: a changed sub_mchid is refused', async () => {
    sb.recharges.create({ out_recharge_no: 'cz6', sub_mchid: '1900001121' })
    const auth = authorization(sb, 'POST', closeRecharge('cz6', '1900001122'), '')
    const res = await fetch(new URL(closeRecharge('cz6', '1900001121').slice(1), sb.url), {
      method: 'POST',
      headers: { Authorization: auth },
    })
    expect(res.status).toBe(401)
  })
})
