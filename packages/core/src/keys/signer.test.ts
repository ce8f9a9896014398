// `signer`: the merchant key held elsewhere. Here it lives in ANOTHER PROCESS (a node child that
// signs over IPC with node:crypto): the client never sees the PEM. The gateway verifies each
// request's Authorization with node:crypto; paySign is verified here with node:crypto too.
import { type ChildProcess, spawn } from 'node:child_process'
import { createPublicKey, verify, webcrypto } from 'node:crypto'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { type Gateway, startGateway } from '@wxpay/sandbox/testing'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { clientOptions, mchid, merchantSerial, platformSerial, secret } from '../../test/fixtures'
import { type TestKeys, testKeys } from '../../test/keys'
import { WechatpayValidationError } from '../errors'
import { Wechatpay } from '../node'

// The key holder: receives the PEM once, then answers { id, message } with { id, signature }.
const HOLDER = `
const { createSign } = require('node:crypto')
let key
process.on('message', (m) => {
  if (m.pem) { key = m.pem; return process.send({ ready: true }) }
  const signature = createSign('RSA-SHA256').update(Buffer.from(m.message, 'utf8')).sign(key, 'base64')
  process.send({ id: m.id, signature })
})
process.on('disconnect', () => process.exit(0))
`

let keys: TestKeys
let gateway: Gateway
let holder: ChildProcess
let signed = 0
const pending = new Map<number, (signature: string) => void>()

/** A signer that asks the other process. */
const remoteSigner = (message: string) =>
  new Promise<string>((resolve) => {
    const id = ++signed
    pending.set(id, resolve)
    holder.send({ id, message })
  })

beforeAll(async () => {
  keys = testKeys()
  gateway = await startGateway({
    mchid,
    merchantSerial,
    merchantPublicKey: keys.merchantPublicKey,
    platformSerial,
    platformKey: keys.platformKey,
    secret,
  })
  gateway.handler = () => ({ status: 200, body: '{"trade_state":"SUCCESS"}' })
  holder = spawn(process.execPath, ['-e', HOLDER], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const ready = new Promise((resolve) => holder.once('message', resolve))
  holder.on('message', (m: { id?: number; signature?: string }) => {
    if (m.id !== undefined) pending.get(m.id)?.(m.signature!)
  })
  holder.send({ pem: keys.merchantKey })
  await ready
})
afterAll(async () => {
  holder.disconnect()
  await gateway.close()
})
afterEach(() => {
  gateway.seen.length = 0
})

/** clientOptions without the private key. */
function options(signer: unknown) {
  const { privateKey: _, ...rest } = clientOptions(keys)
  return { ...rest, baseUrl: gateway.url, backupBaseUrl: false as const, signer: signer as never }
}

const query = (wxpay: Wechatpay) =>
  wxpay.v3.pay.transactions.id._transaction_id_.get({ transaction_id: '4200001', query: { mchid } })

describe('a signer in another process', () => {
  test('signs a v3 call: the gateway verifies the Authorization with node:crypto', async () => {
    const before = signed
    const wxpay = new Wechatpay(options(remoteSigner))
    const reply = await query(wxpay)
    expect(reply.data).toEqual({ trade_state: 'SUCCESS' })
    expect(signed).toBe(before + 1)
    expect(gateway.seen).toHaveLength(1)
    expect(gateway.seen[0]!.valid, gateway.seen[0]!.reason).toBe(true)
  })

  test('signs paySign.jsapi: node:crypto verifies the paySign', async () => {
    const wxpay = new Wechatpay(options(remoteSigner))
    const params = await wxpay.paySign.jsapi({ appId: 'wx2421b1c4370ec43b', prepayId: 'wx2014102720093955' })
    const message = `wx2421b1c4370ec43b\n${params.timeStamp}\n${params.nonceStr}\n${params.package}\n`
    const key = createPublicKey(keys.merchantPublicKey)
    expect(verify('sha256', Buffer.from(message), key, Buffer.from(params.paySign, 'base64'))).toBe(true)
    // and a paySign over another message does not verify (the oracle can fail)
    expect(verify('sha256', Buffer.from(`${message}x`), key, Buffer.from(params.paySign, 'base64'))).toBe(
      false,
    )
  })

  test('autoCertificates works with a signer (certificate mode, the sandbox)', async () => {
    let sb: Sandbox | undefined
    try {
      sb = await startSandbox({ platformMode: 'certificate' })
      const { privateKey, ...rest } = sb.clientOptions() as unknown as Record<string, unknown>
      expect(typeof privateKey).toBe('string')
      // a holder for the sandbox merchant's key
      const other = spawn(process.execPath, ['-e', HOLDER], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      })
      try {
        const waiting = new Map<number, (s: string) => void>()
        let n = 0
        other.on('message', (m: { id?: number; signature?: string }) => {
          if (m.id !== undefined) waiting.get(m.id)?.(m.signature!)
        })
        const ready = new Promise((resolve) => other.once('message', resolve))
        other.send({ pem: privateKey })
        await ready
        const signer = (message: string) =>
          new Promise<string>((resolve) => {
            const id = ++n
            waiting.set(id, resolve)
            other.send({ id, message })
          })
        const wxpay = new Wechatpay({
          ...rest,
          signer,
          backupBaseUrl: false,
          autoCertificates: true,
        } as never)
        sb.orders.create({ out_trade_no: 'SIGNER1' })
        const reply = await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.get({
          out_trade_no: 'SIGNER1',
          query: { mchid: sb.merchant.mchid },
        })
        expect(reply.data).toMatchObject({ out_trade_no: 'SIGNER1', trade_state: 'NOTPAY' })
        // the certificates were downloaded (signed by the signer too), then the call
        expect(sb.requests.map((r) => r.path)).toContain('/v3/certificates')
        expect(n).toBeGreaterThanOrEqual(2)
      } finally {
        other.disconnect()
      }
    } finally {
      await sb?.close()
    }
  })
})

describe('other signers', () => {
  test('a non-extractable CryptoKey', async () => {
    const der = createPrivateDer(keys.merchantKey)
    const key = await webcrypto.subtle.importKey(
      'pkcs8',
      der,
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['sign'],
    )
    expect(key.extractable).toBe(false)
    const wxpay = new Wechatpay(options(key))
    await query(wxpay)
    expect(gateway.seen[0]!.valid, gateway.seen[0]!.reason).toBe(true)
  })

  test.each([
    ['throws', async () => Promise.reject(new Error('KMS unavailable'))],
    ['returns garbage', async () => 'not a signature'],
    ['returns a short base64', async () => Buffer.from('short').toString('base64')],
    ['returns a number', async () => 42 as unknown as string],
  ])('a signer that %s: WechatpayValidationError naming signer, nothing sent', async (_, signer) => {
    const wxpay = new Wechatpay(options(signer))
    const error = await query(wxpay).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatpayValidationError)
    expect((error as WechatpayValidationError).option).toBe('signer')
    expect(gateway.seen).toHaveLength(0)
    // paySign too
    const pay = await wxpay.paySign.jsapi({ appId: 'wx1', prepayId: 'p' }).catch((e: unknown) => e)
    expect((pay as WechatpayValidationError).option).toBe('signer')
  })

  test('signer and privateKey together are refused at construction', () => {
    expect(() => new Wechatpay({ ...clientOptions(keys), signer: remoteSigner })).toThrow(
      expect.objectContaining({ option: 'signer' }),
    )
  })

  test.each([
    ['a string', 'PEM'],
    ['an object', {}],
  ])('a signer that is %s is refused at construction', (_, signer) => {
    expect(() => new Wechatpay(options(signer))).toThrow(expect.objectContaining({ option: 'signer' }))
  })

  test('a public CryptoKey is refused', async () => {
    const pub = await webcrypto.subtle.importKey(
      'spki',
      createPublicKey(keys.merchantPublicKey).export({ type: 'spki', format: 'der' }),
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['verify'],
    )
    expect(() => new Wechatpay(options(pub))).toThrow(expect.objectContaining({ option: 'signer' }))
  })
})

function createPrivateDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
}
