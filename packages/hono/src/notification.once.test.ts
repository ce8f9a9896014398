import type { AddressInfo } from 'node:net'
import { type ServerType, serve } from '@hono/node-server'
import type { WechatpayNotification } from '@wxpay/core'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { memoryStore } from '@wxpay/store'
import { Hono } from 'hono'
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest'
import { wechatpay, wechatpayNotification } from './index'

// `{ once: store }` on a real Hono app served on a real port; the sandbox delivers (and, with its
// notifyDuplicate fault, delivers again the same notification after it was acknowledged).

let sb: Sandbox
let server: ServerType
let url: string
const applied: string[] = []
let failNext = 0

beforeAll(async () => {
  sb = await startSandbox({ notifyTimeScale: 0.0005, notifyTimeoutMs: 15_000 })
  const app = new Hono()
  app.use('/wechatpay/*', wechatpay({ ...sb.clientOptions(), backupBaseUrl: false }))
  app.post(
    '/wechatpay/notify',
    wechatpayNotification(
      (event: WechatpayNotification) => {
        if (failNext > 0) {
          failNext--
          throw new Error('the database is down')
        }
        applied.push(event.id)
      },
      { once: memoryStore(), onError: () => {} },
    ),
  )
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}, 60_000)

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve))
  await sb?.close()
})

afterEach(async () => {
  await sb.notifications.settled()
  await sb.faults.clear()
  sb.notifications.clear()
  applied.length = 0
})

let n = 0
test('a duplicate is acknowledged 204 without running the handler', async () => {
  await sb.faults.set({ notifyDuplicate: true })
  const no = `O${n++}`
  sb.orders.create({ out_trade_no: no, notify_url: `${url}/wechatpay/notify` })
  await sb.orders.pay(no)
  await sb.notifications.settled()
  expect(sb.notifications.map(({ duplicate, status }) => ({ duplicate, status }))).toEqual([
    { duplicate: false, status: 204 },
    { duplicate: true, status: 204 },
  ])
  expect(applied).toEqual([sb.notifications[0]!.id])
})

test('a handler that throws answers FAIL and releases the claim: the retry runs it', async () => {
  failNext = 1
  const no = `O${n++}`
  sb.orders.create({ out_trade_no: no, notify_url: `${url}/wechatpay/notify` })
  await sb.orders.pay(no)
  await sb.notifications.settled()
  expect(sb.notifications.map(({ status }) => status)).toEqual([500, 204])
  expect(applied).toEqual([sb.notifications[0]!.id])
})
