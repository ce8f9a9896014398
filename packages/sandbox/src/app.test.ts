// Every fault kind, end to end over HTTP, on the business routes of both listeners.
import { request } from 'node:http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Sandbox } from './start'
import { authorization, replyVerifies, start, v2, v2ReplyVerifies, v3 } from './test-helpers'

const close = (no: string) => `/v3/pay/transactions/out-trade-no/${no}/close`

let sb: Sandbox
beforeEach(async () => {
  sb = await start()
})
afterEach(async () => {
  await sb.close()
})

async function closeOrder(no: string, base?: string) {
  sb.orders.create({ out_trade_no: no })
  return v3(sb, close(no), { mchid: sb.merchant.mchid }, base ? { base } : {})
}

describe('faults', () => {
  it('latencyMs delays the reply (v3 and v2), for `count` requests', async () => {
    await sb.faults.set({ latencyMs: { value: 600, count: 2 } })
    // Only lower bounds: an injected delay cannot be shortened by a loaded machine. That the
    // third request is not delayed shows in the count (no upper bound on time: benchmarks measure).
    let t = performance.now()
    expect((await closeOrder('L1')).status).toBe(204)
    expect(performance.now() - t).toBeGreaterThanOrEqual(590)
    expect(sb.faults.current().latencyMs).toEqual({ value: 600, count: 1 })
    sb.orders.create({ out_trade_no: 'L2' })
    t = performance.now()
    expect((await v2(sb, { out_trade_no: 'L2' })).fields.result_code).toBe('SUCCESS')
    expect(performance.now() - t).toBeGreaterThanOrEqual(590)
    expect(sb.faults.current().latencyMs).toBeUndefined()
    expect((await closeOrder('L3')).status).toBe(204)
  })

  it('many requests delayed at once raise no MaxListenersExceededWarning', async () => {
    const warnings: string[] = []
    const onWarning = (warning: Error) => warnings.push(warning.name)
    process.on('warning', onWarning)
    try {
      await sb.faults.set({ latencyMs: 50 })
      const replies = await Promise.all(Array.from({ length: 16 }, (_, i) => closeOrder(`ML${i}`)))
      expect(replies.map((r) => r.status)).toEqual(Array(16).fill(204))
      await new Promise((resolve) => setImmediate(resolve))
      expect(warnings).not.toContain('MaxListenersExceededWarning')
    } finally {
      process.off('warning', onWarning)
    }
  })

  it.each([
    [500, 'SYSTEM_ERROR'],
    [503, 'SERVICE_UNAVAILABLE'],
    [502, 'SERVICE_UNAVAILABLE'],
    [429, 'FREQUENCY_LIMITED'],
  ])('status %i answers in the error shape without touching state', async (status, code) => {
    await sb.faults.set({ status: { value: status, count: 1 } })
    const res = await closeOrder('S1')
    expect(res.status).toBe(status)
    expect(res.json()).toMatchObject({ code, message: expect.any(String) })
    expect(res.headers.get('Request-ID')).toBeTruthy()
    expect(sb.orders.get('S1')?.state).toBe('NOTPAY')
    expect((await closeOrder('S1')).status).toBe(204)
  })

  it('status applies to v2 as XML with return_code FAIL', async () => {
    await sb.faults.set({ status: 503 })
    sb.orders.create({ out_trade_no: 'S2' })
    const res = await v2(sb, { out_trade_no: 'S2' })
    expect(res.status).toBe(503)
    expect(res.fields).toEqual({ return_code: 'FAIL', return_msg: 'SERVICE_UNAVAILABLE' })
  })

  it('resetConnection destroys the socket without a reply (v3 and v2)', async () => {
    await sb.faults.set({ resetConnection: { count: 2 } })
    await expect(closeOrder('X1')).rejects.toThrow()
    sb.orders.create({ out_trade_no: 'X2' })
    await expect(v2(sb, { out_trade_no: 'X2' })).rejects.toThrow()
    expect(sb.orders.get('X1')?.state).toBe('NOTPAY')
    expect((await closeOrder('X1')).status).toBe(204)
  })

  it('badSignature signs with a well-formed wrong signature (v3 and v2)', async () => {
    await sb.faults.set({ badSignature: { count: 2 } })
    const res = await closeOrder('B1')
    expect(res.status).toBe(204)
    const signature = res.headers.get('Wechatpay-Signature')!
    expect(Buffer.from(signature, 'base64')).toHaveLength(256)
    expect(replyVerifies(sb, res)).toBe(false)
    sb.orders.create({ out_trade_no: 'B2' })
    const res2 = await v2(sb, { out_trade_no: 'B2' })
    expect(res2.fields.sign).toMatch(/^[0-9A-F]{32}$/)
    expect(v2ReplyVerifies(sb, res2.fields)).toBe(false)
    expect(replyVerifies(sb, await closeOrder('B3'))).toBe(true)
  })

  it('badSignature is only spent on signed replies', async () => {
    await sb.faults.set({ badSignature: { count: 1 } })
    expect((await v3(sb, close('missing'), { mchid: sb.merchant.mchid })).status).toBe(404)
    expect(replyVerifies(sb, await closeOrder('B4'))).toBe(false)
  })

  it('signtestProbe sends WECHATPAY/SIGNTEST/ + base64 garbage', async () => {
    await sb.faults.set({ signtestProbe: { count: 1 } })
    const res = await closeOrder('P1')
    expect(res.headers.get('Wechatpay-Signature')).toMatch(/^WECHATPAY\/SIGNTEST\/[A-Za-z0-9+/]+=*$/)
    expect(replyVerifies(sb, res)).toBe(false)
    expect(replyVerifies(sb, await closeOrder('P2'))).toBe(true)
  })

  it.each([400, -400])('clockSkewSeconds %i skews the signed reply timestamp', async (skew) => {
    await sb.faults.set({ clockSkewSeconds: { value: skew } })
    const res = await closeOrder('K1')
    const ts = Number(res.headers.get('Wechatpay-Timestamp'))
    expect(ts - Math.floor(sb.clock.now() / 1000)).toBeGreaterThanOrEqual(skew - 1)
    expect(ts - Math.floor(sb.clock.now() / 1000)).toBeLessThanOrEqual(skew + 1)
    expect(replyVerifies(sb, res)).toBe(true) // a valid signature over a skewed timestamp
  })

  it('reply timestamps follow the sandbox clock', async () => {
    sb.clock.advance(3600)
    const res = await closeOrder('K2')
    expect(Number(res.headers.get('Wechatpay-Timestamp'))).toBeGreaterThan(Date.now() / 1000 + 3500)
  })

  it('probabilities are seeded: the same seed gives the same sequence of faults', async () => {
    const run = async () => {
      sb.faults.seed(2024)
      await sb.faults.set({ status: { value: 503, probability: 0.5 } })
      const statuses: number[] = []
      for (let i = 0; i < 16; i++) statuses.push((await closeOrder(`R${i}`)).status)
      await sb.faults.clear()
      return statuses
    }
    const first = await run()
    expect(await run()).toEqual(first)
    expect(first).toContain(503)
    expect(first).toContain(204)
  })

  it('applies on the backup listener too, but never to /sandbox routes', async () => {
    await sb.faults.set({ status: 500, resetConnection: { probability: 0 } })
    expect((await closeOrder('F1', sb.backupUrl)).status).toBe(500)
    const ctl = await fetch(new URL('sandbox/orders', sb.url), {
      method: 'POST',
      body: JSON.stringify({ out_trade_no: 'F2' }),
    })
    expect(ctl.status).toBe(201)
  })

  it('faults can be set, read and cleared over HTTP, with a seed', async () => {
    const set = await fetch(new URL('sandbox/faults', sb.url), {
      method: 'POST',
      body: JSON.stringify({ seed: 9, status: { value: 429, count: 1 } }),
    })
    expect(await set.json()).toEqual({ status: { value: 429, count: 1 } })
    expect((await closeOrder('H1')).status).toBe(429)
    await sb.faults.set({ latencyMs: 1 })
    expect(await (await fetch(new URL('sandbox/faults', sb.url))).json()).toEqual({ latencyMs: { value: 1 } })
    expect((await fetch(new URL('sandbox/faults', sb.url), { method: 'DELETE' })).status).toBe(204)
    expect(sb.faults.current()).toEqual({})
    const bad = await fetch(new URL('sandbox/faults', sb.url), { method: 'POST', body: '{"bogus":1}' })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ code: 'PARAM_ERROR' })
  })
})

describe('primaryDown', () => {
  it('takes the primary listener down until cleared; the backup keeps serving', async () => {
    await sb.faults.set({ primaryDown: true })
    await expect(closeOrder('D1')).rejects.toThrow()
    const viaBackup = await closeOrder('D1', sb.backupUrl)
    expect(viaBackup.status).toBe(204)
    expect(replyVerifies(sb, viaBackup)).toBe(true)
    // the control routes stay reachable on the backup
    const cleared = await fetch(new URL('sandbox/faults', sb.backupUrl), { method: 'DELETE' })
    expect(cleared.status).toBe(204)
    expect((await closeOrder('D2')).status).toBe(204)
    expect(sb.requests.map((r) => r.listener)).toEqual(['backup', 'primary'])
  })

  it('refuses connections (ECONNREFUSED) while down', async () => {
    await sb.faults.set({ primaryDown: true })
    const err = await fetch(new URL('sandbox/clock', sb.url)).catch((e: unknown) => e)
    expect((err as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED')
    await sb.faults.set({ primaryDown: false })
    expect((await fetch(new URL('sandbox/clock', sb.url))).status).toBe(200)
  })

  it('with a count, resets the next N connections to the primary only', async () => {
    // a fresh connection per request: keep-alive would let one socket carry several requests
    const fresh = (base: string, no: string) => {
      sb.orders.create({ out_trade_no: no })
      return closeOrderFresh(sb, base, no)
    }
    await sb.faults.set({ primaryDown: { count: 2 } })
    await expect(fresh(sb.url, 'N1')).rejects.toThrow()
    expect(await fresh(sb.backupUrl, 'N1')).toBe(204)
    await expect(fresh(sb.url, 'N2')).rejects.toThrow()
    expect(await fresh(sb.url, 'N3')).toBe(204)
    expect(sb.faults.current()).toEqual({})
  })

  it('close() works while the primary is down', async () => {
    await sb.faults.set({ primaryDown: true })
    await sb.close()
    await expect(closeOrder('Z', sb.backupUrl)).rejects.toThrow()
  })
})

/** One request on its own connection (`Connection: close`), resolving to the status. */
async function closeOrderFresh(sandbox: Sandbox, base: string, no: string): Promise<number> {
  const body = JSON.stringify({ mchid: sandbox.merchant.mchid })
  const url = new URL(close(no).slice(1), base)
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: {
          Authorization: authorization(sandbox, 'POST', close(no), body),
          'Content-Type': 'application/json',
          Connection: 'close',
        },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}
