// examples/fleet.ts (the README's example): two instances of one service, each with its own client and Redis connection
import { Wechatpay } from '@wxpay/core'
import { startSandbox } from '@wxpay/sandbox'
import { redisStore } from '@wxpay/store/redis'
import { Redis } from 'ioredis'

const sb = await startSandbox({ platformMode: 'certificate' }) // a local WeChat Pay, certificate mode
const prefix = `demo:${sb.url}:`
const redisA = new Redis('redis://127.0.0.1:6379')
const redisB = new Redis('redis://127.0.0.1:6379')
const storeA = redisStore(redisA, { prefix })
const storeB = redisStore(redisB, { prefix })
const a = new Wechatpay({ ...sb.clientOptions(), store: storeA }) // autoCertificates: true
const b = new Wechatpay({ ...sb.clientOptions(), store: storeB })

for (const [wxpay, no] of [
  [a, 'A1'],
  [b, 'B1'],
] as const) {
  sb.orders.create({ out_trade_no: no })
  await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
    out_trade_no: no,
    json: { mchid: sb.merchant.mchid },
  })
}
console.log('downloads:', sb.requests.filter((r) => r.path === '/v3/certificates').length) // 1

// one notification delivered to both instances: applied once
const key = 'EV-1' // in a route: the event from wxpay.notifications.parse({ headers, body })
console.log(await a.notifications.once(key, storeA, () => console.log('applied'))) // applied, true
console.log(await b.notifications.once(key, storeB, () => console.log('applied'))) // false
redisA.disconnect()
redisB.disconnect()
await sb.close()
