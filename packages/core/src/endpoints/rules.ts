// Per-endpoint checks the catalogue cannot carry (it keeps no `pattern`): the documented shape of an
// identifier on the endpoints whose documentation gives it. A value outside it is refused before
// any I/O (the gateway would refuse it anyway, after a round trip). Keyed by path template, so the
// generic URI expander knows nothing of any one endpoint.
import { WechatpayValidationError } from '../errors'

interface Format {
  pattern: RegExp
  text: string
}

/** 商户订单号 of the basic payment products (基础支付): 1–32 of digits, letters and `_-|*`. */
const OUT_TRADE_NO: Format = {
  pattern: /^[0-9A-Za-z_\-|*]{1,32}$/,
  text: '1 to 32 of digits, letters and _-|*',
}
/** 商户充值单号 of the ecommerce platform recharges: 1–64 of digits, letters and `_-|*@`. */
const OUT_RECHARGE_NO: Format = {
  pattern: /^[0-9A-Za-z_\-|*@]{1,64}$/,
  text: '1 to 64 of digits, letters and _-|*@',
}

/** `option` is a path variable (`out_trade_no`) or a body field (`xml.out_trade_no`). */
const byPath = (option: string, format: Format, paths: string[]) =>
  paths.map((path) => [path, { [option]: format }] as const)

const RULES: ReadonlyMap<string, Readonly<Record<string, Format>>> = new Map([
  ...byPath('out_trade_no', OUT_TRADE_NO, [
    'v3/pay/transactions/out-trade-no/{out_trade_no}',
    'v3/pay/transactions/out-trade-no/{out_trade_no}/close',
    'v3/pay/transactions/out-trade-no/{out_trade_no}/reverse',
    'v3/pay/partner/transactions/out-trade-no/{out_trade_no}',
    'v3/pay/partner/transactions/out-trade-no/{out_trade_no}/close',
    'v3/pay/partner/transactions/out-trade-no/{out_trade_no}/reverse',
  ]),
  ...byPath('xml.out_trade_no', OUT_TRADE_NO, [
    'v2/pay/unifiedorder',
    'v2/pay/orderquery',
    'v2/pay/closeorder',
    'v2/pay/micropay',
    'v2/pay/refundquery',
    'v2/secapi/pay/refund',
    'v2/secapi/pay/reverse',
  ]),
  ...byPath('out_recharge_no', OUT_RECHARGE_NO, [
    'v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}',
    'v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close',
  ]),
])

/**
 * Refuses an option of the endpoint at `template` outside its documented shape. Values that are
 * not strings are left to the checks that follow (they name the wrong type).
 */
export function checkEndpointRules(template: string, options: Readonly<Record<string, unknown>>): void {
  const rules = RULES.get(template)
  if (!rules) return
  for (const option in rules) {
    const dot = option.indexOf('.')
    const container = dot < 0 ? options : options[option.slice(0, dot)]
    if (!container || typeof container !== 'object') continue
    const value = (container as Record<string, unknown>)[dot < 0 ? option : option.slice(dot + 1)]
    const format = rules[option]!
    if (typeof value === 'string' && !format.pattern.test(value))
      throw new WechatpayValidationError(option, `must be ${format.text}`)
  }
}
