// pnpm start: the NestJS app, the Hono app and (without WECHATPAY_*) the embedded sandbox keep
// serving; prints the sandbox's dashboard URL first, then ready-to-paste curl lines. Stop with Ctrl-C.
import { loadConfig } from './config'
import { OPENID, SUB_MCHID } from './direct'
import { startHono } from './hono/node'
import { startNest } from './nest/main'

const config = await loadConfig()
// first: the page where a person pays the seeded orders and sees what the two apps answered
if (config.sandbox) console.log(`Dashboard: ${config.sandbox.url}  (open it in a browser)`)
const nest = await startNest(config, Number(process.env.NEST_PORT ?? 3000))
const hono = await startHono(config, Number(process.env.HONO_PORT ?? 3001))
const nestUrl = nest.url.endsWith('/') ? nest.url : `${nest.url}/`
const { sandbox } = config

console.log(
  sandbox
    ? `@wxpay/sandbox (embedded): ${sandbox.url}`
    : `WeChat Pay: ${config.options.baseUrl ?? 'https://api.mch.weixin.qq.com/'}`,
)
console.log(`NestJS: ${nestUrl}\nHono:   ${hono.url}\n`)
if (sandbox) {
  for (let i = 1; i <= 3; i++) sandbox.orders.create({ out_trade_no: `T${i}` })
  sandbox.orders.create({ out_trade_no: 'PAID1', state: 'SUCCESS' })
  for (let i = 1; i <= 2; i++) sandbox.recharges.create({ out_recharge_no: `cz${i}`, sub_mchid: SUB_MCHID })
  sandbox.orders.create({ out_trade_no: 'PAY1', amount: 2500, notify_url: `${nestUrl}wechatpay/notify` })
  sandbox.orders.create({ out_trade_no: 'PAY2', amount: 2500, notify_url: `${hono.url}wechatpay/notify` })
  console.log(
    'seeded orders T1 T2 T3 (NOTPAY), PAID1 (SUCCESS), PAY1 PAY2 (NOTPAY, notify_url: the NestJS and Hono apps)' +
      ' and recharges cz1 cz2 (RECHARGING); try:\n',
  )
  console.log(`curl -i -X POST ${nestUrl}orders/T1/close`)
  console.log(`curl -i -X POST ${hono.url}v2/orders/T2/close`)
  console.log(`curl -i -X POST '${nestUrl}recharges/cz1/close?sub_mchid=${SUB_MCHID}'`)
  console.log(`curl -i -X POST ${hono.url}orders/PAID1/close      # 502 ORDER_PAID`)
  console.log(
    `curl -s -X POST ${sandbox.url}sandbox/orders -H 'content-type: application/json' -d '{"out_trade_no":"T9"}'  # seed another`,
  )
  console.log(
    `curl -s -X POST ${sandbox.url}sandbox/orders/PAY1/pay   # a payer pays: the NestJS app is notified (or: Pay as the buyer on ${sandbox.url}#/order/PAY1)`,
  )
  console.log(`curl -s ${nestUrl}notifications                          # what it recorded`)
  console.log(`curl -s -X POST ${sandbox.url}sandbox/orders/PAY2/pay   # the Hono app is notified`)
  console.log(`curl -s ${hono.url}notifications`)
  console.log(
    '\n# the lifecycle: place a JSAPI order (notify_url: the app itself), pay it, query it, refund part of it',
  )
  console.log(
    `curl -s -X POST ${hono.url}orders -H 'content-type: application/json' -d '{"out_trade_no":"LC1","total":2500,"description":"demo","openid":"${OPENID}"}'`,
  )
  console.log(`curl -s -X POST ${sandbox.url}sandbox/orders/LC1/pay`)
  console.log(`curl -s ${hono.url}orders/LC1`)
  console.log(
    `curl -s -X POST ${hono.url}orders/LC1/refunds -H 'content-type: application/json' -d '{"out_refund_no":"RF1","refund":1000,"total":2500}'`,
  )
} else {
  console.log(`curl -i -X POST ${nestUrl}orders/<out_trade_no>/close`)
  console.log(`curl -i -X POST ${hono.url}v2/orders/<out_trade_no>/close`)
  console.log(`curl -i -X POST '${nestUrl}recharges/<out_recharge_no>/close?sub_mchid=<sub_mchid>'`)
  console.log(
    `notify_url: ${nestUrl}wechatpay/notify or ${hono.url}wechatpay/notify (reachable by WeChat Pay)`,
  )
  console.log(`curl -s ${nestUrl}notifications    # what the NestJS app recorded`)
}
console.log('\nCtrl-C to stop.')

const stop = async () => {
  await nest.app.close()
  await hono.close()
  await sandbox?.close()
  process.exit(0)
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
