// The generator's names: property chains against the runtime's own segment rule (src/segment.ts),
// and the rule that names the hoisted types (naming.mjs), on hand-made users with the expected
// names written out here.
import { describe, expect, test } from 'vitest'
import { segment } from '../../src/segment'
import {
  commonPrefix,
  hoistedNames,
  nameSteps,
  pascal,
  propertyChain,
  RESERVED_TYPE_NAMES,
  runtimeSegment,
  type ShapeUser,
} from './naming.mjs'

describe('property chains', () => {
  test.each([
    ['v3/pay/transactions/native', 'wxpay.v3.pay.transactions.native'],
    [
      'v3/pay/transactions/out-trade-no/{out_trade_no}/close',
      'wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close',
    ],
    ['v2/cgi-bin/mch/customs/customdeclareorder', 'wxpay.v2.cgiBin.mch.customs.customdeclareorder'],
  ])('%s → %s', (path, chain) => {
    expect(propertyChain(path)).toBe(chain)
  })

  test('a segment named like a verb, an empty one, or one a property cannot spell has no property chain', () => {
    expect(propertyChain('v2/secapi/mch/addInstitutionsub')).toBeUndefined()
    expect(propertyChain('v3/x/post/y')).toBeUndefined()
    expect(propertyChain('v3/x/chain')).toBeUndefined()
    expect(propertyChain('v3/applyment4sub/applyment/')).toBeUndefined()
  })

  test('every spelling it writes is read back by the runtime as the same segment', () => {
    for (const property of ['outTradeNo', '_out_trade_no_', '$out_trade_no$', 'jsapi', 'cgi-bin'])
      expect(runtimeSegment(property)).toBe(segment(property))
  })

  test('pascal', () => {
    expect(pascal('pay transactions amount')).toBe('PayTransactionsAmount')
    expect(pascal('out-trade-no scene_info')).toBe('OutTradeNoSceneInfo')
  })
})

const user = (path: string, trail: string[], method = 'post'): ShapeUser => ({ path, method, trail })

describe('hoisted type names', () => {
  test('commonPrefix', () => {
    expect(commonPrefix(['v3/pay/transactions/jsapi', 'v3/pay/transactions/app'])).toEqual([
      'v3',
      'pay',
      'transactions',
    ])
    expect(commonPrefix(['v3/pay/a', 'v2/pay/a'])).toEqual([])
    expect(commonPrefix(['v3/pay/a'])).toEqual(['v3', 'pay', 'a'])
  })

  test('step 1: the shared path without version and variables, then the property', () => {
    const users = [
      user('v3/pay/transactions/jsapi', ['json', 'amount']),
      user('v3/pay/transactions/app', ['json', 'amount']),
      user('v3/pay/transactions/id/{transaction_id}', ['reply', 'amount'], 'get'),
    ]
    expect(nameSteps(users)).toEqual([
      'PayTransactionsAmount',
      'PayTransactionsJsonAmount',
      'PayTransactionsAppAmount',
      'PayTransactionsAppJsonAmount',
      'PayTransactionsAppPostJsonAmount',
    ])
    // a whole body is named by its section; hk and global stay in the name
    expect(nameSteps([user('hk/v3/refunds/{refund_id}', ['reply'], 'get')])[0]).toBe('HkRefundsReply')
    // users in different products: the property alone
    expect(nameSteps([user('v3/a/x', ['json', 'contact']), user('v3/b/y', ['json', 'contact'])])[0]).toBe(
      'Contact',
    )
  })

  test('the leaf is the most frequent last name, ties broken in code-point order', () => {
    const users = [
      user('v3/p/a', ['json', 'payer']),
      user('v3/p/b', ['json', 'buyer']),
      user('v3/p/c', ['json', 'payer']),
    ]
    expect(nameSteps(users)[0]).toBe('PPayer')
    expect(nameSteps([user('v3/p/a', ['json', 'payer']), user('v3/p/b', ['json', 'buyer'])])[0]).toBe(
      'PBuyer',
    )
  })

  test('two shapes that claim one name both take the next step; others keep theirs', () => {
    const shapes = new Map<string, ShapeUser[]>([
      ['request amount', [user('v3/pay/transactions/jsapi', ['json', 'amount'])]],
      ['reply amount', [user('v3/pay/transactions/jsapi', ['reply', 'amount'])]],
      ['payer', [user('v3/pay/transactions/jsapi', ['json', 'payer'])]],
    ])
    expect(Object.fromEntries(hoistedNames(shapes))).toEqual({
      'request amount': 'PayTransactionsJsapiJsonAmount',
      'reply amount': 'PayTransactionsJsapiReplyAmount',
      payer: 'PayTransactionsJsapiPayer',
    })
  })

  test("step 3 takes the first user's path; two shapes of one scope and section", () => {
    const shapes = new Map<string, ShapeUser[]>([
      ['x', [user('v3/p/a', ['json', 'detail']), user('v3/p/b', ['json', 'detail'])]],
      ['y', [user('v3/p/d', ['json', 'detail']), user('v3/p/c', ['json', 'detail'])]],
    ])
    expect(Object.fromEntries(hoistedNames(shapes))).toEqual({ x: 'PADetail', y: 'PCDetail' })
  })

  test('step 5 adds the method; the last resort numbers in the order of the keys', () => {
    const shapes = new Map<string, ShapeUser[]>([
      ['b', [user('v3/orders', ['reply'], 'get')]],
      ['a', [user('v3/orders', ['reply'], 'post')]],
      ['d', [user('v3/same', ['reply'])]],
      ['c', [user('v3/same', ['reply'])]],
    ])
    expect(Object.fromEntries(hoistedNames(shapes))).toEqual({
      a: 'OrdersPostReply',
      b: 'OrdersGetReply',
      c: 'SamePostReply2',
      d: 'SamePostReply3',
    })
  })

  test('a name the generated files import is never taken', () => {
    const shapes = new Map([['m', [user('v3/x', ['media'])]]])
    expect(hoistedNames(shapes, [...RESERVED_TYPE_NAMES, 'Media']).get('m')).toBe('XMedia')
  })

  test('deterministic: the order the shapes are met in changes nothing', () => {
    const entries: [string, ShapeUser[]][] = [
      [
        'k1',
        [
          user('v3/pay/transactions/jsapi', ['json', 'amount']),
          user('v3/pay/transactions/app', ['json', 'amount']),
        ],
      ],
      ['k2', [user('v3/refund/domestic/refunds', ['json', 'amount'])]],
      ['k3', [user('v3/refund/domestic/refunds', ['reply', 'amount'], 'get')]],
      [
        'k4',
        [
          user('v3/pay/transactions/app', ['json', 'amount']),
          user('v3/pay/transactions/jsapi', ['json', 'amount']),
        ],
      ],
    ]
    const forward = hoistedNames(new Map(entries))
    const backward = hoistedNames(new Map([...entries].reverse()))
    expect(Object.fromEntries(backward)).toEqual(Object.fromEntries(forward))
    expect(new Set(forward.values()).size).toBe(entries.length)
    for (const name of forward.values()) expect(name).toMatch(/^[A-Z][A-Za-z0-9]*$/)
  })
})
