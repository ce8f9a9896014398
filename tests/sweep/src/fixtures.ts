// The state the sandbox's hand-written (stateful) routes need before a call can succeed: an order
// to query or close, a paid order to refund, a bill token, an uploaded image. Each fixture takes
// the generated valid options and returns them with the ids it made. Keyed `method path`.
import type { Wechatpay } from '@wxpay/core'
import type { Sandbox } from '@wxpay/sandbox'

type Options = Record<string, unknown>
export type Fixture = (sb: Sandbox, wxpay: Wechatpay, options: Options) => Promise<Options>

let serial = 0
const unique = (prefix: string) => `${prefix}${Date.now()}${serial++}`
const AMOUNT = 800

/** An order in the sandbox, `NOTPAY` (or paid). */
async function order(sb: Sandbox, paid = false, protocol: 'v3' | 'v2' = 'v3') {
  const out_trade_no = unique('SW')
  sb.orders.create({ out_trade_no, amount: AMOUNT, protocol })
  return paid ? await sb.orders.pay(out_trade_no) : sb.orders.get(out_trade_no)!
}

async function refund(wxpay: Wechatpay, out_trade_no: string): Promise<string> {
  const out_refund_no = unique('RF')
  await wxpay.chain('v3/refund/domestic/refunds').post({
    json: { out_trade_no, out_refund_no, amount: { refund: 1, total: AMOUNT, currency: 'CNY' } },
  })
  return out_refund_no
}

/** Yesterday in Beijing, `YYYY-MM-DD`: a bill date the gateway has a bill for. */
const yesterday = () => new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10)
const xml = (o: Options) => (o.xml ?? {}) as Options
const json = (o: Options) => (o.json ?? {}) as Options

export const FIXTURES: Record<string, Fixture> = {
  'post v2/pay/closeorder': async (sb, _w, o) => ({
    ...o,
    xml: { ...xml(o), out_trade_no: (await order(sb, false, 'v2')).out_trade_no },
  }),
  'post v2/pay/orderquery': async (sb, _w, o) => ({
    ...o,
    xml: { ...xml(o), transaction_id: undefined, out_trade_no: (await order(sb, false, 'v2')).out_trade_no },
  }),
  'post v2/pay/unifiedorder': async (_sb, _w, o) => ({
    ...o,
    xml: {
      ...xml(o),
      out_trade_no: unique('SW'),
      trade_type: 'NATIVE',
      total_fee: '1',
      spbill_create_ip: '127.0.0.1',
    },
  }),
  'post v2/pay/refundquery': async (sb, wxpay, o) => {
    const { out_trade_no } = await order(sb, true)
    await refund(wxpay, out_trade_no)
    const only = { transaction_id: undefined, out_refund_no: undefined, refund_id: undefined }
    return { ...o, xml: { ...xml(o), ...only, out_trade_no } }
  },
  'post v2/secapi/pay/refund': async (sb, _w, o) => {
    const { out_trade_no } = await order(sb, true, 'v2')
    return {
      ...o,
      xml: {
        ...xml(o),
        out_trade_no,
        out_refund_no: unique('RF'),
        total_fee: String(AMOUNT),
        refund_fee: '1',
      },
    }
  },
  // The sandbox's stateful red-packet route (mutual TLS) checks what WeChat Pay checks: the
  // merchant's own appid, at least 1 yuan, one red packet, a new mch_billno.
  'post v2/mmpaymkttransfers/sendredpack': async (sb, _w, o) => ({
    ...o,
    xml: {
      ...xml(o),
      mch_billno: unique('RP'),
      wxappid: sb.merchant.appid,
      total_amount: '100',
      total_num: '1',
      client_ip: '127.0.0.1',
    },
  }),
  'get v3/bill/tradebill': async (_sb, _w, o) => ({ ...o, query: { bill_date: yesterday() } }),
  'get v3/bill/fundflowbill': async (_sb, _w, o) => ({ ...o, query: { bill_date: yesterday() } }),
  'get v3/billdownload/file': async (_sb, wxpay, o) => {
    const bill = await wxpay.chain('v3/bill/tradebill').get({ query: { bill_date: yesterday() } })
    const url = new URL((bill.data as { download_url: string }).download_url)
    return { ...o, query: { token: url.searchParams.get('token')! } }
  },
  'get v3/merchant-service/images/{media_id}': async (_sb, wxpay, o) => {
    const sent = await wxpay.chain('v3/merchant-service/images/upload').post({
      media: { filename: 'sweep.jpg', data: new TextEncoder().encode('an image') },
    })
    return { ...o, media_id: (sent.data as { media_id: string }).media_id }
  },
  'get v3/pay/transactions/id/{transaction_id}': async (sb, _w, o) => ({
    ...o,
    transaction_id: (await order(sb, true)).transaction_id,
  }),
  'get v3/pay/transactions/out-trade-no/{out_trade_no}': async (sb, _w, o) => ({
    ...o,
    out_trade_no: (await order(sb)).out_trade_no,
  }),
  'post v3/pay/transactions/out-trade-no/{out_trade_no}/close': async (sb, _w, o) => ({
    ...o,
    out_trade_no: (await order(sb)).out_trade_no,
  }),
  'post v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close': async (sb, _w, o) => {
    const r = sb.recharges.create({ out_recharge_no: unique('RC'), sub_mchid: '1900000110' })
    return { ...o, out_recharge_no: r.out_recharge_no, query: { sub_mchid: r.sub_mchid } }
  },
  'post v3/refund/domestic/refunds': async (sb, _w, o) => ({
    ...o,
    json: {
      ...json(o),
      out_trade_no: (await order(sb, true)).out_trade_no,
      out_refund_no: unique('RF'),
      amount: { refund: 1, total: AMOUNT, currency: 'CNY' },
    },
  }),
  'get v3/refund/domestic/refunds/{out_refund_no}': async (sb, wxpay, o) => ({
    ...o,
    out_refund_no: await refund(wxpay, (await order(sb, true)).out_trade_no),
  }),
}
