import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { type Sandbox, startSandbox } from './start'
import { sharedKeys, start, v3 } from './test-helpers'

const started: Sandbox[] = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((sb) => sb.close()))
})
async function track(p: Promise<Sandbox>): Promise<Sandbox> {
  const sb = await p
  started.push(sb)
  return sb
}

describe('startSandbox', () => {
  it('generates fresh credentials in the documented formats', async () => {
    const sb = await track(startSandbox())
    expect(sb.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(sb.backupUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(sb.backupUrl).not.toBe(sb.url)
    expect(sb.merchant.mchid).toBe('1900000109')
    expect(sb.merchant.appid).toBe('wxd930ea5d5a258f4f')
    expect(sb.merchant.serial).toMatch(/^[0-9A-F]{40}$/)
    expect(sb.merchant.secret).toMatch(/^[0-9A-Za-z]{32}$/)
    expect(sb.merchant.privateKey).toContain('-----BEGIN PRIVATE KEY-----')
    expect(createPrivateKey(sb.merchant.privateKey).asymmetricKeyDetails?.modulusLength).toBe(2048)
    expect(sb.platform.serial).toMatch(/^PUB_KEY_ID_011900000109\d{8}\d{14}$/)
    expect(sb.platform.publicKey).toContain('-----BEGIN PUBLIC KEY-----')
    const other = await track(startSandbox())
    expect(other.merchant.privateKey).not.toBe(sb.merchant.privateKey)
    expect(other.platform.publicKey).not.toBe(sb.platform.publicKey)
  })

  it('clientOptions() holds exactly what a client needs, the platform key under its serial', async () => {
    const sb = await track(startSandbox())
    expect(sb.clientOptions()).toEqual({
      mchid: sb.merchant.mchid,
      serial: sb.merchant.serial,
      privateKey: sb.merchant.privateKey,
      secret: sb.merchant.secret,
      apiv3Key: sb.merchant.apiv3Key,
      certs: { [sb.platform.serial]: sb.platform.publicKey },
      baseUrl: sb.url,
      backupBaseUrl: sb.backupUrl,
    })
    // the public key in certs is the one the replies are signed with
    const spki = createPublicKey(sb.clientOptions().certs[sb.platform.serial]!)
    expect(spki.asymmetricKeyDetails?.modulusLength).toBe(2048)
    expect(sb.clientOptions()).not.toBe(sb.clientOptions())
  })

  it('uses fixed credentials, converting a PKCS#1 key to PKCS#8', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }) as string
    const keys = await sharedKeys()
    const sb = await track(
      startSandbox({
        merchant: {
          mchid: '1230000109',
          appid: 'wx1',
          serial: 'ABC',
          privateKey: pkcs1,
          secret: 's'.repeat(32),
        },
        platform: { serial: 'PUB_KEY_ID_X', privateKey: keys.platform.privateKey },
      }),
    )
    expect(sb.merchant).toMatchObject({
      mchid: '1230000109',
      appid: 'wx1',
      serial: 'ABC',
      secret: 's'.repeat(32),
    })
    expect(sb.merchant.privateKey).toContain('-----BEGIN PRIVATE KEY-----')
    expect(sb.platform).toMatchObject({
      serial: 'PUB_KEY_ID_X',
      publicKey: keys.platform.publicKey,
      mode: 'publicKey',
    })
    expect(sb.platform.certificates()).toEqual([])
    sb.orders.create({ out_trade_no: 'F1' })
    expect((await v3(sb, '/v3/pay/transactions/out-trade-no/F1/close', { mchid: '1230000109' })).status).toBe(
      204,
    )
    await expect(startSandbox({ platform: { publicKey: keys.platform.publicKey } })).rejects.toThrow(
      /privateKey/,
    )
  })

  it('listens on the given ports and host, and frees them on close', async () => {
    const probe = await track(start())
    const port = Number(new URL(probe.url).port)
    const backupPort = Number(new URL(probe.backupUrl).port)
    await probe.close()
    started.length = 0
    const sb = await track(start({ port, backupPort, host: '127.0.0.1' }))
    expect(sb.url).toBe(`http://127.0.0.1:${port}/`)
    expect(sb.backupUrl).toBe(`http://127.0.0.1:${backupPort}/`)
    await expect(start({ port })).rejects.toThrow(/EADDRINUSE/)
  })

  it('refuses a negative minCloseAgeSeconds', async () => {
    await expect(start({ minCloseAgeSeconds: -1 })).rejects.toThrow(TypeError)
  })
})

describe('state seeding', () => {
  it('creates, overwrites and reads orders and recharges', async () => {
    const sb = await track(start())
    const order = sb.orders.create({ out_trade_no: 'O1' })
    expect(order).toEqual({
      out_trade_no: 'O1',
      state: 'NOTPAY',
      created_at: expect.any(Number),
      amount: 100,
      trade_type: 'JSAPI',
      protocol: 'v3',
    })
    expect(sb.orders.create({ out_trade_no: 'O1', state: 'SUCCESS', created_at: 5 })).toEqual({
      out_trade_no: 'O1',
      state: 'SUCCESS',
      created_at: 5,
      amount: 100,
      trade_type: 'JSAPI',
      protocol: 'v3',
    })
    expect(sb.orders.get('O1')?.state).toBe('SUCCESS')
    expect(sb.orders.get('nope')).toBeUndefined()
    const got = sb.orders.get('O1')!
    got.state = 'CLOSED'
    expect(sb.orders.get('O1')?.state).toBe('SUCCESS') // copies out, not the live record
    const recharge = sb.recharges.create({ out_recharge_no: 'cz', sub_mchid: '1900001121' })
    expect(recharge).toMatchObject({ state: 'RECHARGING', amount: 100, sub_mchid: '1900001121' })
    expect(recharge.recharge_id).toMatch(/^\d{28}$/)
    expect(() => sb.orders.create({ out_trade_no: 'O2', state: 'PAID' as never })).toThrow(/state/)
    expect(() => sb.recharges.create({ out_recharge_no: 'c', sub_mchid: '1', amount: 1.5 })).toThrow(/amount/)
    expect(() => sb.recharges.create({ out_recharge_no: 'c', sub_mchid: '' })).toThrow(/sub_mchid/)
  })
})

describe('/sandbox routes', () => {
  const call = async (sb: Sandbox, method: string, path: string, body?: unknown) => {
    const res = await fetch(new URL(`sandbox/${path}`, sb.url), {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : undefined }
  }

  it('seed and read orders and recharges', async () => {
    const sb = await track(start())
    expect(await call(sb, 'POST', 'orders', { out_trade_no: 'H1', state: 'USERPAYING' })).toMatchObject({
      status: 201,
      body: { out_trade_no: 'H1', state: 'USERPAYING' },
    })
    expect((await call(sb, 'GET', 'orders/H1')).body.state).toBe('USERPAYING')
    expect((await call(sb, 'GET', 'orders/none')).status).toBe(404)
    expect((await call(sb, 'POST', 'orders', { state: 'NOTPAY' })).status).toBe(400)
    expect((await call(sb, 'POST', 'orders', 'x')).status).toBe(400)
    const bad = await fetch(new URL('sandbox/orders', sb.url), { method: 'POST', body: '{' })
    expect(bad.status).toBe(400)
    expect(
      await call(sb, 'POST', 'recharges', { out_recharge_no: 'cz', sub_mchid: '1900001121', amount: 7 }),
    ).toMatchObject({ status: 201, body: { amount: 7, state: 'RECHARGING' } })
    expect((await call(sb, 'GET', 'recharges/cz')).body.sub_mchid).toBe('1900001121')
    expect((await call(sb, 'GET', 'recharges/none')).status).toBe(404)
    expect(sb.orders.get('H1')?.state).toBe('USERPAYING')
  })

  it('moves the clock', async () => {
    const sb = await track(start())
    const { body } = await call(sb, 'POST', 'clock', { advanceSeconds: 600 })
    expect(body.nowMs - Date.now()).toBeGreaterThan(590_000)
    await call(sb, 'POST', 'clock', { nowMs: 1_700_000_000_000 })
    expect(Math.abs(sb.clock.now() - 1_700_000_000_000)).toBeLessThan(1000)
    expect((await call(sb, 'GET', 'clock')).body.nowMs).toBeLessThan(1_700_000_010_000)
    await call(sb, 'POST', 'clock', { reset: true })
    expect(Math.abs(sb.clock.now() - Date.now())).toBeLessThan(1000)
    expect((await call(sb, 'POST', 'clock', { advanceSeconds: '1' })).status).toBe(400)
  })

  it('expose the request log and the credentials', async () => {
    const sb = await track(start())
    sb.orders.create({ out_trade_no: 'Q1' })
    await v3(sb, '/v3/pay/transactions/out-trade-no/Q1/close', { mchid: sb.merchant.mchid })
    await v3(sb, '/v3/platsolution/ecommerce/recharges/out-recharge-no/c/close?sub_mchid=1', undefined, {
      base: sb.backupUrl,
    })
    await call(sb, 'GET', 'clock')
    expect(sb.requests).toEqual([
      {
        listener: 'primary',
        method: 'POST',
        path: '/v3/pay/transactions/out-trade-no/Q1/close',
        target: '/v3/pay/transactions/out-trade-no/Q1/close',
        at: expect.any(Number),
      },
      {
        listener: 'backup',
        method: 'POST',
        path: '/v3/platsolution/ecommerce/recharges/out-recharge-no/c/close',
        target: '/v3/platsolution/ecommerce/recharges/out-recharge-no/c/close?sub_mchid=1',
        at: expect.any(Number),
      },
    ])
    expect((await call(sb, 'GET', 'requests')).body).toHaveLength(2)
    expect((await call(sb, 'DELETE', 'requests')).status).toBe(204)
    expect(sb.requests).toHaveLength(0)
    await v3(sb, '/v3/pay/transactions/out-trade-no/Q1/close', { mchid: sb.merchant.mchid })
    sb.requests.clear()
    expect(sb.requests).toEqual([])
    const creds = (await call(sb, 'GET', 'credentials')).body
    expect(creds).toEqual({
      url: sb.url,
      backupUrl: sb.backupUrl,
      merchant: sb.merchant,
      platform: {
        serial: sb.platform.serial,
        publicKey: sb.platform.publicKey,
        mode: 'publicKey',
        certificates: [],
      },
    })
    expect(createPublicKey(creds.platform.publicKey).asymmetricKeyType).toBe('rsa')
  })
})
