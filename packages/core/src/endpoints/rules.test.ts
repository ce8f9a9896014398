// The per-endpoint rules: a documented identifier shape is checked on the endpoints that document
// it, by path template, and nowhere else (another product's `{out_trade_no}` is left to its gateway).
import { describe, expect, test } from 'vitest'
import { WechatpayValidationError } from '../errors'
import { checkEndpointRules } from './rules'

const close = 'v3/pay/transactions/out-trade-no/{out_trade_no}/close'

describe('checkEndpointRules', () => {
  test.each([
    [close, { out_trade_no: 'x'.repeat(33) }, 'out_trade_no'],
    [close, { out_trade_no: '订单1' }, 'out_trade_no'],
    ['v3/pay/partner/transactions/out-trade-no/{out_trade_no}', { out_trade_no: 'a b' }, 'out_trade_no'],
    ['v2/pay/closeorder', { xml: { out_trade_no: 'T#1' } }, 'xml.out_trade_no'],
    [
      'v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close',
      { out_recharge_no: 'x'.repeat(65) },
      'out_recharge_no',
    ],
  ])('%s refuses %j, naming %s', (template, options, option) => {
    let error: unknown
    try {
      checkEndpointRules(template, options)
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(WechatpayValidationError)
    expect(error).toMatchObject({ option })
  })

  test.each([
    [close, { out_trade_no: 'T-1|x*' }],
    [close, { out_trade_no: 'x'.repeat(32) }],
    // Not a string: the expander names the wrong type.
    [close, { out_trade_no: 42 }],
    ['v2/pay/closeorder', { xml: { out_trade_no: '1217752501201407033233368018' } }],
    ['v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}', { out_recharge_no: 'cz@1' }],
    // Endpoints without a documented shape: nothing is checked.
    ['v3/global/transactions/out-trade-no/{out_trade_no}', { out_trade_no: 'x'.repeat(40) }],
    ['v3/x/{out_trade_no}', { out_trade_no: '订单' }],
    ['v2/pay/closeorder', { xml: 'not an object' }],
  ])('%s accepts %j', (template, options) => {
    expect(() => checkEndpointRules(template, options)).not.toThrow()
  })
})
