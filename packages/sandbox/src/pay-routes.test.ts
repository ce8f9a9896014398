// The payment lifecycle routes (place order, query, refund; v2 unifiedorder/orderquery/refundquery),
// driven with requests signed by ./testing's client-side signers and ./test-helpers, never by the
// routes' own code. Replies are verified with node:crypto (v3) and wechatpay-axios-plugin's
// Hash.sign (v2), and the REFUND.SUCCESS notification is verified and decrypted with node:crypto
// written here on purpose: independent oracles.
import { createDecipheriv, createPublicKey, verify } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Hash } from 'wechatpay-axios-plugin'
import type { Sandbox, SandboxOptions } from './start'
import { fieldsOf, replyVerifies, start, v3 } from './test-helpers'
import { signedV2Xml } from './testing/v2'

let sb: Sandbox
const extra: Sandbox[] = []
beforeEach(async () => {
  sb = await start()
})
afterEach(async () => {
  await sb.close()
  for (const other of extra.splice(0)) await other.close()
})

async function sandbox(options: SandboxOptions): Promise<Sandbox> {
  const other = await start(options)
  extra.push(other)
  return other
}

// nothing listens on the discard port: a delivery fails at once (retries stop when the sandbox closes)
const notify_url = 'http://127.0.0.1:9/wxpay/notify'

function jsapiBody(s: Sandbox, out_trade_no: string, total = 100, url = notify_url): Record<string, unknown> {
  return {
    appid: s.merchant.appid,
    mchid: s.merchant.mchid,
    description: 'Image形象店-深圳腾大-QQ公仔',
    out_trade_no,
    notify_url: url,
    amount: { total, currency: 'CNY' },
    payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
  }
}

const get = (s: Sandbox, target: string) => v3(s, target, undefined, { method: 'GET' })

describe('v3 place order', () => {
  it('JSAPI answers a signed {prepay_id} and keeps a NOTPAY order with its notify_url and payer', async () => {
    const res = await v3(sb, '/v3/pay/transactions/jsapi', jsapiBody(sb, 'J1'))
    expect(res.status).toBe(200)
    expect(replyVerifies(sb, res)).toBe(true)
    const { prepay_id } = res.json() as { prepay_id: string }
    expect(prepay_id).toMatch(/^wx\d{14}[0-9a-z]{20}$/)
    expect(Object.keys(res.json() as object)).toEqual(['prepay_id'])
    expect(sb.orders.get('J1')).toMatchObject({
      state: 'NOTPAY',
      amount: 100,
      trade_type: 'JSAPI',
      notify_url,
      protocol: 'v3',
      prepay_id,
      payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
    })
  })

  it.each([
    ['native', 'NATIVE', /^weixin:\/\/wxpay\/bizpayurl\?pr=[0-9A-Za-z]{7}$/, 'code_url'],
    ['app', 'APP', /^wx\d{14}[0-9a-z]{20}$/, 'prepay_id'],
    ['h5', 'MWEB', /^https:\/\/wx\.tenpay\.com\/cgi-bin\/mmpayweb-bin\/checkmweb\?prepay_id=wx/, 'h5_url'],
  ] as const)('%s answers {%s}', async (channel, tradeType, pattern, field) => {
    const { payer: _, ...body } = jsapiBody(sb, `C-${channel}`)
    if (channel === 'h5') body.scene_info = { payer_client_ip: '127.0.0.1', h5_info: { type: 'Wap' } }
    const res = await v3(sb, `/v3/pay/transactions/${channel}`, body)
    expect(res.status).toBe(200)
    expect(replyVerifies(sb, res)).toBe(true)
    const json = res.json() as Record<string, string>
    expect(Object.keys(json)).toEqual([field])
    expect(json[field]).toMatch(pattern)
    expect(sb.orders.get(`C-${channel}`)?.trade_type).toBe(tradeType)
  })

  it.each([
    ['appid', (b: Record<string, unknown>) => delete b.appid],
    ['mchid', (b: Record<string, unknown>) => delete b.mchid],
    ['description', (b: Record<string, unknown>) => delete b.description],
    ['out_trade_no', (b: Record<string, unknown>) => delete b.out_trade_no],
    ['notify_url', (b: Record<string, unknown>) => delete b.notify_url],
    ['amount', (b: Record<string, unknown>) => delete b.amount],
    ['amount.total', (b: Record<string, unknown>) => (b.amount = { total: 0 })],
    ['amount.total', (b: Record<string, unknown>) => (b.amount = { total: 1.5 })],
    ['amount.currency', (b: Record<string, unknown>) => (b.amount = { total: 1, currency: 'USD' })],
    ['payer', (b: Record<string, unknown>) => delete b.payer],
    ['payer.openid', (b: Record<string, unknown>) => (b.payer = {})],
    ['notify_url', (b: Record<string, unknown>) => (b.notify_url = '/relative')],
    ['out_trade_no', (b: Record<string, unknown>) => (b.out_trade_no = 'has space')],
  ])('JSAPI without a valid %s: 400 PARAM_ERROR naming it, nothing kept', async (field, spoil) => {
    const body = jsapiBody(sb, 'BAD')
    spoil(body)
    const res = await v3(sb, '/v3/pay/transactions/jsapi', body)
    expect(res.status).toBe(400)
    expect(res.json()).toMatchObject({ code: 'PARAM_ERROR', detail: { field } })
    expect(sb.orders.get('BAD')).toBeUndefined()
  })

  it('H5 needs scene_info with payer_client_ip and h5_info.type', async () => {
    const { payer: _, ...body } = jsapiBody(sb, 'H')
    for (const [scene, field] of [
      [undefined, 'scene_info'],
      [{ h5_info: { type: 'Wap' } }, 'scene_info.payer_client_ip'],
      [{ payer_client_ip: '127.0.0.1' }, 'scene_info.h5_info'],
      [{ payer_client_ip: '127.0.0.1', h5_info: {} }, 'scene_info.h5_info.type'],
    ] as const) {
      const res = await v3(sb, '/v3/pay/transactions/h5', { ...body, scene_info: scene })
      expect(res.status).toBe(400)
      expect(res.json()).toMatchObject({ code: 'PARAM_ERROR', detail: { field } })
    }
  })

  it('refuses another merchant (INVALID_REQUEST), an unbound appid (APPID_MCHID_NOT_MATCH), a bad signature (SIGN_ERROR)', async () => {
    const other = await v3(sb, '/v3/pay/transactions/jsapi', { ...jsapiBody(sb, 'X'), mchid: '1230000109' })
    expect([other.status, (other.json() as { code: string }).code]).toEqual([400, 'INVALID_REQUEST'])
    const appid = await v3(sb, '/v3/pay/transactions/jsapi', {
      ...jsapiBody(sb, 'X'),
      appid: 'wx0000000000000000',
    })
    expect([appid.status, (appid.json() as { code: string }).code]).toEqual([400, 'APPID_MCHID_NOT_MATCH'])
    const unsigned = await v3(sb, '/v3/pay/transactions/jsapi', jsapiBody(sb, 'X'), {
      timestamp: Math.floor(sb.clock.now() / 1000) - 300,
    })
    expect([unsigned.status, (unsigned.json() as { code: string }).code]).toEqual([401, 'SIGN_ERROR'])
    expect(sb.orders.get('X')).toBeUndefined()
  })

  it('the same order placed again answers the same prepay_id; other parameters get 403 OUT_TRADE_NO_USED', async () => {
    const first = (await v3(sb, '/v3/pay/transactions/jsapi', jsapiBody(sb, 'D1'))).json()
    const again = await v3(sb, '/v3/pay/transactions/jsapi', jsapiBody(sb, 'D1'))
    expect(again.status).toBe(200)
    expect(again.json()).toEqual(first)
    const changed = await v3(sb, '/v3/pay/transactions/jsapi', jsapiBody(sb, 'D1', 101))
    expect(changed.status).toBe(403)
    expect((changed.json() as { code: string }).code).toBe('OUT_TRADE_NO_USED')
    expect(sb.orders.get('D1')?.amount).toBe(100)
  })

  it('placing a paid order again gets 400 ORDER_PAID, a closed one 400 ORDER_CLOSED', async () => {
    await v3(sb, '/v3/pay/transactions/jsapi', jsapiBody(sb, 'P1'))
    await sb.orders.pay('P1')
    const paid = await v3(sb, '/v3/pay/transactions/jsapi', jsapiBody(sb, 'P1'))
    expect([paid.status, (paid.json() as { code: string }).code]).toEqual([400, 'ORDER_PAID'])
    sb.orders.create({ out_trade_no: 'C1', state: 'CLOSED' })
    const closed = await v3(sb, '/v3/pay/transactions/jsapi', jsapiBody(sb, 'C1'))
    expect([closed.status, (closed.json() as { code: string }).code]).toEqual([400, 'ORDER_CLOSED'])
  })
})

describe('v3 query', () => {
  it('an unpaid order: NOTPAY, no transaction_id, no payer', async () => {
    await v3(sb, '/v3/pay/transactions/jsapi', { ...jsapiBody(sb, 'Q1'), attach: 'a=1' })
    const res = await get(sb, `/v3/pay/transactions/out-trade-no/Q1?mchid=${sb.merchant.mchid}`)
    expect(res.status).toBe(200)
    expect(replyVerifies(sb, res)).toBe(true)
    expect(res.json()).toEqual({
      appid: sb.merchant.appid,
      mchid: sb.merchant.mchid,
      out_trade_no: 'Q1',
      trade_state: 'NOTPAY',
      trade_state_desc: '订单未支付',
      attach: 'a=1',
      amount: { total: 100, currency: 'CNY', payer_currency: 'CNY' },
    })
  })

  it('a paid order by out_trade_no and by transaction_id: the same Transaction', async () => {
    await v3(sb, '/v3/pay/transactions/jsapi', jsapiBody(sb, 'Q2', 888))
    const paid = await sb.orders.pay('Q2')
    const byNo = await get(sb, `/v3/pay/transactions/out-trade-no/Q2?mchid=${sb.merchant.mchid}`)
    const byId = await get(sb, `/v3/pay/transactions/id/${paid.transaction_id}?mchid=${sb.merchant.mchid}`)
    expect(replyVerifies(sb, byNo) && replyVerifies(sb, byId)).toBe(true)
    expect(byId.json()).toEqual(byNo.json())
    const tx = byNo.json() as Record<string, unknown>
    expect(tx).toMatchObject({
      out_trade_no: 'Q2',
      transaction_id: paid.transaction_id,
      trade_type: 'JSAPI',
      trade_state: 'SUCCESS',
      trade_state_desc: '支付成功',
      bank_type: 'OTHERS',
      payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
      amount: { total: 888, payer_total: 888, currency: 'CNY', payer_currency: 'CNY' },
    })
    expect(tx.success_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/)
  })

  it('404 ORDER_NOT_EXIST for an unknown order or transaction; 400 without mchid', async () => {
    const unknown = await get(sb, `/v3/pay/transactions/out-trade-no/NOPE?mchid=${sb.merchant.mchid}`)
    expect([unknown.status, (unknown.json() as { code: string }).code]).toEqual([404, 'ORDER_NOT_EXIST'])
    const id = await get(
      sb,
      `/v3/pay/transactions/id/4200000000000000000000000000?mchid=${sb.merchant.mchid}`,
    )
    expect([id.status, (id.json() as { code: string }).code]).toEqual([404, 'ORDER_NOT_EXIST'])
    sb.orders.create({ out_trade_no: 'Q3' })
    const noMchid = await get(sb, '/v3/pay/transactions/out-trade-no/Q3')
    expect(noMchid.status).toBe(400)
    expect(noMchid.json()).toMatchObject({
      code: 'PARAM_ERROR',
      detail: { field: 'mchid', location: 'query' },
    })
  })
})

interface Delivery {
  headers: IncomingHttpHeaders
  raw: Buffer
}

async function receiver(): Promise<{ url: string; received: Delivery[]; close: () => Promise<void> }> {
  const received: Delivery[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({ headers: req.headers, raw: Buffer.concat(chunks) })
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/refund-notify`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/** Verifies a v3 notification with the platform key and decrypts its resource: node:crypto, here on purpose. */
function openNotification(s: Sandbox, d: Delivery): { envelope: Record<string, unknown>; resource: unknown } {
  const h = d.headers
  const message = Buffer.concat([
    Buffer.from(`${h['wechatpay-timestamp']}\n${h['wechatpay-nonce']}\n`),
    d.raw,
    Buffer.from('\n'),
  ])
  const ok = verify(
    'sha256',
    message,
    createPublicKey(s.platform.publicKey),
    Buffer.from(String(h['wechatpay-signature']), 'base64'),
  )
  expect(ok).toBe(true)
  const envelope = JSON.parse(d.raw.toString('utf8')) as Record<string, unknown>
  const r = envelope.resource as { ciphertext: string; nonce: string; associated_data: string }
  const all = Buffer.from(r.ciphertext, 'base64')
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(s.merchant.apiv3Key), Buffer.from(r.nonce))
  decipher.setAAD(Buffer.from(r.associated_data))
  decipher.setAuthTag(all.subarray(all.length - 16))
  const plain = Buffer.concat([decipher.update(all.subarray(0, all.length - 16)), decipher.final()])
  return { envelope, resource: JSON.parse(plain.toString('utf8')) }
}

const refundBody = (out_refund_no: string, refund: number, extra: Record<string, unknown> = {}) => ({
  out_trade_no: 'R',
  out_refund_no,
  amount: { refund, total: 1000, currency: 'CNY' },
  ...extra,
})

describe('v3 refund', () => {
  async function paidOrder(s: Sandbox, url = notify_url): Promise<string> {
    await v3(s, '/v3/pay/transactions/jsapi', jsapiBody(s, 'R', 1000, url))
    return (await s.orders.pay('R')).transaction_id as string
  }

  it('a partial refund: answered PROCESSING, SUCCESS right after (autoRefund), order REFUND, REFUND.SUCCESS delivered', async () => {
    const rx = await receiver()
    try {
      const transactionId = await paidOrder(sb, rx.url)
      const res = await v3(sb, '/v3/refund/domestic/refunds', refundBody('RF1', 300, { notify_url: rx.url }))
      expect(res.status).toBe(200)
      expect(replyVerifies(sb, res)).toBe(true)
      const created = res.json() as Record<string, unknown>
      expect(created).toMatchObject({
        out_refund_no: 'RF1',
        transaction_id: transactionId,
        out_trade_no: 'R',
        channel: 'ORIGINAL',
        user_received_account: '支付用户零钱',
        status: 'PROCESSING',
        funds_account: 'AVAILABLE',
        amount: {
          total: 1000,
          refund: 300,
          payer_total: 1000,
          payer_refund: 300,
          settlement_refund: 300,
          settlement_total: 1000,
          discount_refund: 0,
          currency: 'CNY',
        },
      })
      expect(created.refund_id).toMatch(/^50\d{27}$/)
      expect(created.success_time).toBeUndefined()
      expect(sb.orders.get('R')?.state).toBe('REFUND')

      const query = await get(sb, '/v3/refund/domestic/refunds/RF1')
      expect(replyVerifies(sb, query)).toBe(true)
      const queried = query.json() as Record<string, unknown>
      expect(queried).toMatchObject({ refund_id: created.refund_id, status: 'SUCCESS' })
      expect(queried.success_time).toMatch(/\+08:00$/)

      await sb.notifications.settled()
      // the payment's TRANSACTION.SUCCESS, then the refund's REFUND.SUCCESS
      expect(rx.received).toHaveLength(2)
      expect(openNotification(sb, rx.received[0] as Delivery).envelope.event_type).toBe('TRANSACTION.SUCCESS')
      const { envelope, resource } = openNotification(sb, rx.received[1] as Delivery)
      expect(envelope).toMatchObject({ event_type: 'REFUND.SUCCESS', resource_type: 'encrypt-resource' })
      expect(resource).toEqual({
        mchid: sb.merchant.mchid,
        out_trade_no: 'R',
        transaction_id: transactionId,
        out_refund_no: 'RF1',
        refund_id: created.refund_id,
        refund_status: 'SUCCESS',
        success_time: queried.success_time,
        user_received_account: '支付用户零钱',
        amount: { total: 1000, refund: 300, payer_total: 1000, payer_refund: 300 },
      })
      expect(sb.refunds.list('R').map((r) => r.status)).toEqual(['SUCCESS'])
    } finally {
      await rx.close()
    }
  })

  it('refunds by transaction_id up to the paid total, no further (400 INVALID_REQUEST)', async () => {
    const transaction_id = await paidOrder(sb)
    const body = (no: string, refund: number) => {
      const { out_trade_no: _, ...rest } = refundBody(no, refund, { transaction_id })
      return rest
    }
    expect((await v3(sb, '/v3/refund/domestic/refunds', body('A', 600))).status).toBe(200)
    const over = await v3(sb, '/v3/refund/domestic/refunds', body('B', 401))
    expect([over.status, (over.json() as { code: string }).code]).toEqual([400, 'INVALID_REQUEST'])
    expect((await v3(sb, '/v3/refund/domestic/refunds', body('C', 400))).status).toBe(200)
    expect(sb.refunds.list().map((r) => [r.out_refund_no, r.refund])).toEqual([
      ['A', 600],
      ['C', 400],
    ])
  })

  it('the same out_refund_no again answers the same refund; for another amount it is refused', async () => {
    await paidOrder(sb)
    const first = (await v3(sb, '/v3/refund/domestic/refunds', refundBody('S', 100))).json() as {
      refund_id: string
    }
    const again = await v3(sb, '/v3/refund/domestic/refunds', refundBody('S', 100))
    expect((again.json() as { refund_id: string }).refund_id).toBe(first.refund_id)
    expect(sb.refunds.list()).toHaveLength(1)
    const other = await v3(sb, '/v3/refund/domestic/refunds', refundBody('S', 200))
    expect(other.status).toBe(400)
  })

  it('an unpaid or unknown order cannot be refunded: 404 RESOURCE_NOT_EXISTS, nothing changes', async () => {
    await v3(sb, '/v3/pay/transactions/jsapi', jsapiBody(sb, 'R', 1000))
    const unpaid = await v3(sb, '/v3/refund/domestic/refunds', refundBody('U', 100))
    expect([unpaid.status, (unpaid.json() as { code: string }).code]).toEqual([404, 'RESOURCE_NOT_EXISTS'])
    expect(sb.orders.get('R')?.state).toBe('NOTPAY')
    const unknown = await v3(sb, '/v3/refund/domestic/refunds', {
      ...refundBody('U', 100),
      out_trade_no: 'NOPE',
    })
    expect(unknown.status).toBe(404)
    expect(sb.refunds.list()).toEqual([])
    const query = await get(sb, '/v3/refund/domestic/refunds/U')
    expect([query.status, (query.json() as { code: string }).code]).toEqual([404, 'RESOURCE_NOT_EXISTS'])
  })

  it.each([
    ['out_refund_no', { out_refund_no: undefined }],
    ['transaction_id', { out_trade_no: undefined }],
    ['amount', { amount: undefined }],
    ['amount.refund', { amount: { refund: 0, total: 1000, currency: 'CNY' } }],
    ['amount.currency', { amount: { refund: 1, total: 1000 } }],
  ])('refuses a request without a valid %s: 400 PARAM_ERROR', async (field, change) => {
    await paidOrder(sb)
    const res = await v3(sb, '/v3/refund/domestic/refunds', { ...refundBody('P', 100), ...change })
    expect(res.status).toBe(400)
    expect(res.json()).toMatchObject({ code: 'PARAM_ERROR', detail: { field } })
  })

  it('a wrong amount.total is refused: 400 INVALID_REQUEST', async () => {
    await paidOrder(sb)
    const res = await v3(sb, '/v3/refund/domestic/refunds', {
      ...refundBody('T', 100),
      amount: { refund: 100, total: 999, currency: 'CNY' },
    })
    expect([res.status, (res.json() as { code: string }).code]).toEqual([400, 'INVALID_REQUEST'])
  })

  it('with autoRefund false a refund stays PROCESSING until sb.refunds.succeed / close', async () => {
    const manual = await sandbox({ autoRefund: false })
    await paidOrder(manual)
    await v3(manual, '/v3/refund/domestic/refunds', refundBody('M1', 100))
    await v3(manual, '/v3/refund/domestic/refunds', refundBody('M2', 900))
    expect((await get(manual, '/v3/refund/domestic/refunds/M1')).json()).toMatchObject({
      status: 'PROCESSING',
    })
    // everything is taken: a third refund does not fit
    expect((await v3(manual, '/v3/refund/domestic/refunds', refundBody('M3', 1))).status).toBe(400)
    expect((await manual.refunds.succeed('M1')).status).toBe('SUCCESS')
    expect((await get(manual, '/v3/refund/domestic/refunds/M1')).json()).toMatchObject({ status: 'SUCCESS' })
    await expect(manual.refunds.succeed('M1')).rejects.toThrow(/only PROCESSING/)
    // a closed refund frees its amount
    expect((await manual.refunds.close('M2')).status).toBe('CLOSED')
    expect((await v3(manual, '/v3/refund/domestic/refunds', refundBody('M3', 900))).status).toBe(200)
  })
})

describe('control routes and faults', () => {
  it('GET /sandbox/refunds and POST /sandbox/refunds/:no/succeed settle a PROCESSING refund', async () => {
    const manual = await sandbox({ autoRefund: false })
    await v3(manual, '/v3/pay/transactions/jsapi', jsapiBody(manual, 'R', 1000))
    await manual.orders.pay('R')
    await v3(manual, '/v3/refund/domestic/refunds', refundBody('CR', 100))
    const list = await fetch(new URL('sandbox/refunds?out_trade_no=R', manual.url))
    expect(((await list.json()) as { status: string }[]).map((r) => r.status)).toEqual(['PROCESSING'])
    const settled = await fetch(new URL('sandbox/refunds/CR/succeed', manual.url), { method: 'POST' })
    expect(settled.status).toBe(200)
    expect(await settled.json()).toMatchObject({ out_refund_no: 'CR', status: 'SUCCESS' })
    const again = await fetch(new URL('sandbox/refunds/CR/succeed', manual.url), { method: 'POST' })
    expect(again.status).toBe(400)
    expect((await fetch(new URL('sandbox/refunds/NOPE', manual.url))).status).toBe(404)
  })

  it('a status fault answers instead of the place-order and refund routes: nothing changes', async () => {
    await sb.faults.set({ status: 503 })
    const placed = await v3(sb, '/v3/pay/transactions/jsapi', jsapiBody(sb, 'F1'))
    expect(placed.status).toBe(503)
    expect(sb.orders.get('F1')).toBeUndefined()
    await sb.faults.clear()
    await v3(sb, '/v3/pay/transactions/jsapi', jsapiBody(sb, 'F1'))
    await sb.orders.pay('F1')
    await sb.faults.set({ status: 500 })
    const refund = await v3(sb, '/v3/refund/domestic/refunds', {
      ...refundBody('F', 1),
      out_trade_no: 'F1',
      amount: { refund: 1, total: 100, currency: 'CNY' },
    })
    expect(refund.status).toBe(500)
    expect(sb.refunds.list()).toEqual([])
  })
})

/** A v2 request signed with ./testing's signer, posted to `path`. */
async function v2Post(
  s: Sandbox,
  path: string,
  fields: Record<string, string>,
  signType: 'MD5' | 'HMAC-SHA256' = 'MD5',
): Promise<Record<string, string>> {
  const all: Record<string, string> = {
    appid: s.merchant.appid,
    mch_id: s.merchant.mchid,
    nonce_str: 'ibuaiVcKdpRxkhJA',
    ...fields,
  }
  if (signType === 'HMAC-SHA256') all.sign_type = signType
  const res = await fetch(new URL(path, s.url), {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml' },
    body: signedV2Xml(all, s.merchant.secret, signType),
  })
  expect(res.status).toBe(200)
  const reply = fieldsOf(await res.text())
  if (reply.return_code === 'SUCCESS') {
    // the peer SDK's signer, an independent oracle
    expect(reply.sign).toBe(Hash.sign(signType, reply, s.merchant.secret))
  }
  return reply
}

const unified = (out_trade_no: string, trade_type: string, extra: Record<string, string> = {}) => ({
  body: '腾讯充值中心-QQ会员充值',
  out_trade_no,
  total_fee: '888',
  spbill_create_ip: '123.12.12.123',
  notify_url: 'https://merchant.example/v2/notify',
  trade_type,
  ...extra,
})

describe('v2 unifiedorder, orderquery, refundquery', () => {
  it.each([
    ['JSAPI', { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' }, undefined],
    ['NATIVE', { product_id: '12235413214070356458058' }, 'code_url'],
    ['APP', {}, undefined],
    ['MWEB', {}, 'mweb_url'],
  ] as const)('%s: prepay_id (and its URL), a v2 order, signed reply', async (tradeType, extra, url) => {
    const reply = await v2Post(
      sb,
      'pay/unifiedorder',
      unified(`U-${tradeType}`, tradeType, extra),
      'HMAC-SHA256',
    )
    expect(reply).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS', trade_type: tradeType })
    expect(reply.prepay_id).toMatch(/^wx\d{14}[0-9a-z]{20}$/)
    if (url) expect(reply[url]).toMatch(/^(weixin|https):\/\//)
    else expect(reply.code_url ?? reply.mweb_url).toBeUndefined()
    expect(sb.orders.get(`U-${tradeType}`)).toMatchObject({
      state: 'NOTPAY',
      amount: 888,
      protocol: 'v2',
      sign_type: 'HMAC-SHA256',
      prepay_id: reply.prepay_id,
    })
  })

  it('refuses what WeChat refuses: LACK_PARAMS, PARAM_ERROR, OUT_TRADE_NO_USED, ORDERPAID', async () => {
    const { body: _, ...noBody } = unified('E1', 'APP')
    expect((await v2Post(sb, 'pay/unifiedorder', noBody)).err_code).toBe('LACK_PARAMS')
    expect((await v2Post(sb, 'pay/unifiedorder', unified('E1', 'JSAPI'))).err_code).toBe('LACK_PARAMS')
    expect((await v2Post(sb, 'pay/unifiedorder', unified('E1', 'APP', { total_fee: '0' }))).err_code).toBe(
      'PARAM_ERROR',
    )
    expect((await v2Post(sb, 'pay/unifiedorder', unified('E1', 'FACEPAY'))).err_code).toBe('PARAM_ERROR')
    expect(sb.orders.get('E1')).toBeUndefined()
    const first = await v2Post(sb, 'pay/unifiedorder', unified('E1', 'APP'))
    expect((await v2Post(sb, 'pay/unifiedorder', unified('E1', 'APP'))).prepay_id).toBe(first.prepay_id)
    expect((await v2Post(sb, 'pay/unifiedorder', unified('E1', 'APP', { total_fee: '1' }))).err_code).toBe(
      'OUT_TRADE_NO_USED',
    )
    await sb.orders.pay('E1')
    expect((await v2Post(sb, 'pay/unifiedorder', unified('E1', 'APP'))).err_code).toBe('ORDERPAID')
  })

  it('a bad sign is refused before anything happens', async () => {
    const res = await fetch(new URL('pay/unifiedorder', sb.url), {
      method: 'POST',
      body: signedV2Xml(
        { appid: sb.merchant.appid, mch_id: sb.merchant.mchid, nonce_str: 'n', ...unified('S1', 'APP') },
        'k'.repeat(32),
      ),
    })
    expect(fieldsOf(await res.text())).toMatchObject({ return_code: 'FAIL' })
    expect(sb.orders.get('S1')).toBeUndefined()
  })

  it('orderquery: NOTPAY, then SUCCESS with transaction_id (by either number); ORDERNOTEXIST', async () => {
    await v2Post(sb, 'pay/unifiedorder', unified('O1', 'NATIVE'))
    const notpay = await v2Post(sb, 'pay/orderquery', { out_trade_no: 'O1' })
    expect(notpay).toMatchObject({
      result_code: 'SUCCESS',
      trade_state: 'NOTPAY',
      out_trade_no: 'O1',
      total_fee: '888',
    })
    expect(notpay.transaction_id).toBeUndefined()
    const paid = await sb.orders.pay('O1')
    const byNo = await v2Post(sb, 'pay/orderquery', { out_trade_no: 'O1' })
    const byId = await v2Post(
      sb,
      'pay/orderquery',
      { transaction_id: paid.transaction_id as string },
      'HMAC-SHA256',
    )
    for (const r of [byNo, byId]) {
      expect(r).toMatchObject({
        trade_state: 'SUCCESS',
        trade_state_desc: '支付成功',
        transaction_id: paid.transaction_id,
        trade_type: 'NATIVE',
        total_fee: '888',
        cash_fee: '888',
        openid: paid.payer?.openid,
      })
      expect(r.time_end).toMatch(/^\d{14}$/)
    }
    expect((await v2Post(sb, 'pay/orderquery', { out_trade_no: 'NOPE' })).err_code).toBe('ORDERNOTEXIST')
  })

  it('refundquery: refund_status_$n of each refund of an order, by out_trade_no or out_refund_no; REFUNDNOTEXIST', async () => {
    await v2Post(sb, 'pay/unifiedorder', unified('R', 'APP', { total_fee: '1000' }))
    await sb.orders.pay('R')
    expect((await v2Post(sb, 'pay/refundquery', { out_trade_no: 'R' })).err_code).toBe('REFUNDNOTEXIST')
    await v3(sb, '/v3/refund/domestic/refunds', refundBody('Q1', 100))
    await v3(sb, '/v3/refund/domestic/refunds', refundBody('Q2', 250))
    const all = await v2Post(sb, 'pay/refundquery', { out_trade_no: 'R' })
    expect(all).toMatchObject({
      result_code: 'SUCCESS',
      out_trade_no: 'R',
      total_fee: '1000',
      refund_count: '2',
      out_refund_no_0: 'Q1',
      refund_fee_0: '100',
      refund_status_0: 'SUCCESS',
      out_refund_no_1: 'Q2',
      refund_fee_1: '250',
      refund_status_1: 'SUCCESS',
      refund_recv_accout_0: '支付用户零钱',
    })
    expect(all.refund_success_time_0).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)
    const one = await v2Post(sb, 'pay/refundquery', { out_refund_no: 'Q2' })
    expect(one).toMatchObject({
      refund_count: '1',
      out_refund_no_0: 'Q2',
      refund_id_0: sb.refunds.get('Q2')?.refund_id,
    })
    expect((await v2Post(sb, 'pay/refundquery', {})).err_code).toBe('LACK_PARAMS')
  })
})
