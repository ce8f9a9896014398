import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import type { Context, Hono } from 'hono'
import { rfc3339Cst } from './clock'
import type { AppEnv, SandboxContext } from './context'
import { alnum } from './random'
import { refuseUnsigned, v3Error, v3Signed } from './v3-respond'

/** A bill the sandbox has published a digest for, until it is downloaded (tokens stay valid). */
interface Bill {
  csv: Buffer
  gzip: boolean
}

const billStores = new WeakMap<SandboxContext, Map<string, Bill>>()

const BILL_TYPES = [
  'ALL',
  'SUCCESS',
  'REFUND',
  'RECHARGE_REFUND',
  'ALL_SPECIAL',
  'SUC_SPECIAL',
  'REF_SPECIAL',
]
const ACCOUNT_TYPES = ['BASIC', 'OPERATION', 'FEES']

function authenticate(c: Context<AppEnv>, ctx: SandboxContext): Response | undefined {
  return refuseUnsigned(c, ctx, Buffer.alloc(0))
}

/** A CSV as WeChat Pay writes bills: UTF-8 BOM, values prefixed with a backtick, CRLF, a summary. */
function tradeBill(ctx: SandboxContext, date: string): Buffer {
  const { appid, mchid } = ctx.keys.merchant
  const rows = [...ctx.orders.map.values()].filter(
    (o) => o.success_time !== undefined && rfc3339Cst(o.success_time).startsWith(date),
  )
  const lines = [
    '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注',
  ]
  let total = 0
  for (const o of rows) {
    const yuan = (o.amount / 100).toFixed(2)
    total += o.amount
    const time = rfc3339Cst(o.success_time!).slice(0, 19).replace('T', ' ')
    lines.push(
      [
        time,
        o.appid ?? appid,
        mchid,
        '0',
        '',
        o.transaction_id ?? '',
        o.out_trade_no,
        o.payer?.openid ?? '',
        o.trade_type,
        'SUCCESS',
        'OTHERS',
        'CNY',
        yuan,
        '0.00',
        '0',
        '0',
        '0.00',
        '0.00',
        '',
        '',
        o.description ?? '',
        o.attach ?? '',
        '0.00000',
        '0.60%',
        yuan,
        '0.00',
        '',
      ]
        .map((v) => `\`${v}`)
        .join(','),
    )
  }
  lines.push('总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额')
  lines.push(
    [rows.length, (total / 100).toFixed(2), '0.00', '0.00', '0.00000', (total / 100).toFixed(2), '0.00']
      .map((v) => `\`${v}`)
      .join(','),
  )
  return Buffer.from(`\ufeff${lines.join('\r\n')}\r\n`, 'utf8')
}

function fundflowBill(date: string): Buffer {
  const lines = [
    '记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额（元）,账户结余（元）,资金变更提交申请人,备注,业务凭证号',
    '资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额',
    ['0', '0', '0.00', '0', '0.00'].map((v) => `\`${v}`).join(','),
  ]
  return Buffer.from(`\ufeff${lines.join('\r\n')}\r\n# sandbox fund flow ${date}\r\n`, 'utf8')
}

/**
 * `GET /v3/bill/tradebill` and `/v3/bill/fundflowbill` answer `{hash_type, hash_value,
 * download_url}` (signed JSON); `GET /v3/billdownload/file?token=…` serves that file, unsigned,
 * gzipped when `tar_type=GZIP` was asked (`&tartype=gzip` on the URL). The SHA-1 is over the
 * uncompressed CSV. The `corruptDownload` fault flips one byte of the served file.
 */
export function mountBillRoutes(app: Hono<AppEnv>, ctx: SandboxContext): void {
  // one store per sandbox, shared by its listeners (a bill published on one downloads from either)
  let bills = billStores.get(ctx)
  if (!bills) {
    bills = new Map()
    billStores.set(ctx, bills)
  }
  const publish = (c: Context<AppEnv>, csv: Buffer) => {
    const tarType = c.req.query('tar_type')
    if (tarType !== undefined && tarType !== 'GZIP')
      return v3Error(400, 'PARAM_ERROR', 'tar_type must be GZIP or absent', {
        field: 'tar_type',
        location: 'query',
      })
    const token = alnum(64)
    const gzip = tarType === 'GZIP'
    bills!.set(token, { csv, gzip })
    const origin = new URL(c.req.url).origin
    return v3Signed(ctx, 200, {
      hash_type: 'SHA1',
      hash_value: createHash('sha1').update(csv).digest('hex'),
      download_url: `${origin}/v3/billdownload/file?token=${token}${gzip ? '&tartype=gzip' : ''}`,
    })
  }
  const billDate = (c: Context<AppEnv>) => {
    const date = c.req.query('bill_date')
    return date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : undefined
  }
  /** A bill-request route: signed, `bill_date` checked, then its type parameter from `allowed`. */
  const billRoute = (
    path: string,
    typeParam: string,
    fallback: string,
    allowed: readonly string[],
    bill: (date: string) => Buffer,
  ) =>
    app.get(path, (c) => {
      const refused = authenticate(c, ctx)
      if (refused) return refused
      const date = billDate(c)
      if (!date)
        return v3Error(400, 'PARAM_ERROR', 'bill_date must be YYYY-MM-DD', {
          field: 'bill_date',
          location: 'query',
        })
      const type = c.req.query(typeParam) ?? fallback
      if (!allowed.includes(type))
        return v3Error(400, 'PARAM_ERROR', `${typeParam} must be one of ${allowed.join(', ')}`)
      return publish(c, bill(date))
    })
  billRoute('/v3/bill/tradebill', 'bill_type', 'ALL', BILL_TYPES, (date) => tradeBill(ctx, date))
  billRoute('/v3/bill/fundflowbill', 'account_type', 'BASIC', ACCOUNT_TYPES, (date) => fundflowBill(date))
  app.get('/v3/billdownload/file', (c) => {
    const refused = authenticate(c, ctx)
    if (refused) return refused
    const bill = bills!.get(c.req.query('token') ?? '')
    if (!bill) return v3Error(400, 'INVALID_REQUEST', 'the token is unknown or expired')
    const csv = Buffer.from(bill.csv)
    if (ctx.faults.draw('corruptDownload')) csv[Math.floor(csv.length / 2)]! ^= 0x01
    const body = bill.gzip ? gzipSync(csv) : csv
    // WeChat Pay signs none of this: the digest in the bill reply is what the client checks.
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: { 'Content-Type': bill.gzip ? 'application/octet-stream' : 'text/plain; charset=utf-8' },
    })
  })
}
