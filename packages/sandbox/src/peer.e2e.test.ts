// The sandbox driven by wechatpay-axios-plugin, a peer SDK that works against the real gateway:
// it signs requests its own way and verifies our replies, so passing proves both directions.
import { generateKeyPairSync } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Wechatpay } from 'wechatpay-axios-plugin'
import type { Sandbox } from './start'
import { start } from './test-helpers'

interface PeerError {
  code?: string
  response?: { status: number; data: Record<string, unknown> }
}

function peer(sb: Sandbox, overrides: { privateKey?: string; secret?: string } = {}): Wechatpay {
  return new Wechatpay({
    mchid: sb.merchant.mchid,
    serial: sb.merchant.serial,
    privateKey: overrides.privateKey ?? sb.merchant.privateKey,
    certs: { [sb.platform.serial]: sb.platform.publicKey },
    secret: overrides.secret ?? sb.merchant.secret,
    // the v2 client wants merchant TLS material; closeorder does not use it
    merchant: {},
    baseURL: sb.url,
  })
}

async function failure(promise: Promise<unknown>): Promise<PeerError> {
  try {
    await promise
  } catch (err) {
    return err as PeerError
  }
  throw new Error('expected the peer call to fail')
}

const otherKey = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
}).privateKey

let sb: Sandbox
beforeEach(async () => {
  sb = await start()
})
afterEach(async () => {
  await sb.close()
})

describe('wechatpay-axios-plugin against the sandbox', () => {
  it('closes an order with APIv3 (204, reply signature verified by the peer)', async () => {
    sb.orders.create({ out_trade_no: 'peer-v3-1' })
    const res = await peer(sb)
      .chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close')
      .post({ mchid: sb.merchant.mchid }, { out_trade_no: 'peer-v3-1' })
    expect(res.status).toBe(204)
    expect(sb.orders.get('peer-v3-1')?.state).toBe('CLOSED')
  })

  it('closes a recharge with APIv3 (200 JSON, verified by the peer)', async () => {
    sb.recharges.create({ out_recharge_no: 'cz-peer', sub_mchid: '1900001121', amount: 5000 })
    const res = await peer(sb)
      .chain('v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close')
      .post(undefined, { out_recharge_no: 'cz-peer', params: { sub_mchid: '1900001121' } })
    expect(res.status).toBe(200)
    expect(res.data).toMatchObject({
      sp_mchid: sb.merchant.mchid,
      sub_mchid: '1900001121',
      out_recharge_no: 'cz-peer',
      recharge_state: 'CLOSED',
      recharge_amount: { amount: 5000, currency: 'CNY' },
    })
  })

  it.each(['MD5', 'HMAC-SHA256'])(
    'closes an order with APIv2, sign type %s (reply sign verified)',
    async (type) => {
      sb.orders.create({ out_trade_no: `peer-v2-${type}` })
      const res = await peer(sb)
        .chain('v2/pay/closeorder')
        .post({
          appid: sb.merchant.appid,
          mch_id: sb.merchant.mchid,
          out_trade_no: `peer-v2-${type}`,
          ...(type === 'MD5' ? {} : { sign_type: type }),
        })
      expect(res.data).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS' })
      expect((res.data as Record<string, string>).sign).toHaveLength(type === 'MD5' ? 32 : 64)
      expect(sb.orders.get(`peer-v2-${type}`)?.state).toBe('CLOSED')
    },
  )

  it('sees ORDERPAID from APIv2 for a paid order', async () => {
    sb.orders.create({ out_trade_no: 'peer-paid', state: 'SUCCESS' })
    const err = await failure(
      peer(sb).chain('v2/pay/closeorder').post({
        appid: sb.merchant.appid,
        mch_id: sb.merchant.mchid,
        out_trade_no: 'peer-paid',
      }),
    )
    expect(err.response?.data).toMatchObject({
      return_code: 'SUCCESS',
      result_code: 'FAIL',
      err_code: 'ORDERPAID',
    })
  })

  it('is refused with 401 SIGN_ERROR when it signs with another private key', async () => {
    sb.orders.create({ out_trade_no: 'peer-forged' })
    const forged = peer(sb, { privateKey: otherKey })
    const err = await failure(
      forged
        .chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close')
        .post({ mchid: sb.merchant.mchid }, { out_trade_no: 'peer-forged' }),
    )
    expect(err.response?.status).toBe(401)
    expect(err.response?.data).toMatchObject({ code: 'SIGN_ERROR' })
    const err2 = await failure(
      forged
        .chain('v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close')
        .post(undefined, {
          out_recharge_no: 'x',
          params: { sub_mchid: '1' },
        }),
    )
    expect(err2.response?.status).toBe(401)
    expect(sb.orders.get('peer-forged')?.state).toBe('NOTPAY')
  })

  it.each(['MD5', 'HMAC-SHA256'])(
    'is refused with return_code FAIL when it signs %s with another secret',
    async (type) => {
      sb.orders.create({ out_trade_no: 'peer-forged-v2' })
      const err = await failure(
        peer(sb, { secret: 'A'.repeat(32) })
          .chain('v2/pay/closeorder')
          .post({
            appid: sb.merchant.appid,
            mch_id: sb.merchant.mchid,
            out_trade_no: 'peer-forged-v2',
            ...(type === 'MD5' ? {} : { sign_type: type }),
          }),
      )
      expect(err.response?.data).toMatchObject({
        return_code: 'FAIL',
        return_msg: expect.stringMatching(/^SIGNERROR: .*stale credentials\?/),
      })
      expect(sb.orders.get('peer-forged-v2')?.state).toBe('NOTPAY')
    },
  )

  it.each([
    [{ badSignature: true }, 'EV3_RES_HEADER_SIGNATURE_DIGEST'],
    [{ signtestProbe: true }, 'EV3_RES_HEADER_SIGNATURE_DIGEST'],
    [{ clockSkewSeconds: { value: 400 } }, 'EV3_RES_HEADER_TIMESTAMP_OFFSET'],
  ])('rejects replies spoiled by fault %j', async (spec, code) => {
    await sb.faults.set(spec)
    sb.orders.create({ out_trade_no: 'peer-fault' })
    const err = await failure(
      peer(sb)
        .chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close')
        .post({ mchid: sb.merchant.mchid }, { out_trade_no: 'peer-fault' }),
    )
    expect(err.code).toBe(code)
  })

  it('rejects a v2 reply spoiled by badSignature', async () => {
    await sb.faults.set({ badSignature: { count: 1 } })
    sb.orders.create({ out_trade_no: 'peer-fault-v2' })
    const err = await failure(
      peer(sb).chain('v2/pay/closeorder').post({
        appid: sb.merchant.appid,
        mch_id: sb.merchant.mchid,
        out_trade_no: 'peer-fault-v2',
      }),
    )
    expect(err.code).toBe('EV2_RES_SIGNATURE_NOT_EQUAL')
  })
})
