// The error brand: `instanceof` holds across the ESM and CommonJS builds of core (two copies of
// every class, as when an app's ESM code and a CJS dependency load @wxpay/core separately). Runs
// against the built dist/ (build core first), both formats loaded side by side.
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import * as src from './errors'

const dist = join(dirname(fileURLToPath(import.meta.url)), '../dist')
const built = existsSync(join(dist, 'index.cjs')) && existsSync(join(dist, 'index.js'))
if (!built && process.env.CI) throw new Error('dist/ is missing: build @wxpay/core before its tests')
if (!built)
  console.warn(
    'SKIPPED: errors.test.ts cross-build checks need a built dist/ (pnpm --filter @wxpay/core build)',
  )

type Errors = typeof src
const NAMES = [
  'WechatpayError',
  'WechatpayValidationError',
  'WechatpaySignatureError',
  'WechatpayApiError',
  'WechatpayBusinessError',
  'WechatpayTransportError',
] as const

/** One instance of each class, made by the given copy of core. */
function instances(m: Errors): Record<(typeof NAMES)[number], Error> {
  return {
    WechatpayError: new m.WechatpayError('X', 'base'),
    WechatpayValidationError: new m.WechatpayValidationError('mchid', 'bad'),
    WechatpaySignatureError: new m.WechatpaySignatureError('bad signature'),
    WechatpayApiError: new m.WechatpayApiError({ status: 404, code: 'RESOURCE_NOT_EXISTS', message: 'x' }),
    WechatpayBusinessError: new m.WechatpayBusinessError(200, {
      return_code: 'SUCCESS',
      result_code: 'FAIL',
      err_code: 'ORDERPAID',
    }),
    WechatpayTransportError: new m.WechatpayTransportError('TIMEOUT', 'slow'),
  }
}

/** Which classes each class is (itself and WechatpayError). */
const isA = (name: string, other: string) => name === other || other === 'WechatpayError'

describe.skipIf(!built)('across the ESM and CJS builds', async () => {
  const esm = (await import(join(dist, 'index.js'))) as Errors
  const cjs = createRequire(import.meta.url)(join(dist, 'index.cjs')) as Errors
  const node = createRequire(import.meta.url)(join(dist, 'node.cjs')) as Errors

  test('the two builds hold distinct classes (else this test proves nothing)', () => {
    expect(esm.WechatpayApiError).not.toBe(cjs.WechatpayApiError)
    expect(esm.WechatpayError).not.toBe(src.WechatpayError)
  })

  const copies: Array<[string, Errors]> = [
    ['esm', esm],
    ['cjs', cjs],
    ['node.cjs', node],
    ['src', src],
  ]
  for (const [madeBy, maker] of copies)
    for (const [askedOf, asked] of copies)
      test(`an error made by ${madeBy} is instanceof the ${askedOf} classes, by subclass`, () => {
        const made = instances(maker)
        for (const name of NAMES)
          for (const other of NAMES)
            expect(
              made[name] instanceof asked[other],
              `${madeBy} ${name} instanceof ${askedOf} ${other}`,
            ).toBe(isA(name, other))
      })
})

describe('the brand', () => {
  test('a sibling is not an instance; plain values and look-alikes are not', () => {
    const api = new src.WechatpayApiError({ status: 400, code: 'PARAM_ERROR', message: 'x' })
    expect(api instanceof src.WechatpayTransportError).toBe(false)
    expect(api instanceof src.WechatpayApiError).toBe(true)
    expect(api instanceof Error).toBe(true)
    for (const value of [
      null,
      undefined,
      1,
      'WechatpayError',
      {},
      new Error('x'),
      { name: 'WechatpayApiError' },
    ])
      expect(value instanceof src.WechatpayError).toBe(false)
    // a forged brand under another symbol does not pass
    expect({ [Symbol('wxpay.error')]: ['WechatpayError'] } instanceof src.WechatpayError).toBe(false)
  })

  test("a user's subclass of WechatpayApiError works with instanceof", () => {
    class OrderMissing extends src.WechatpayApiError {
      override name = 'OrderMissing'
    }
    class Other extends src.WechatpayApiError {}
    const mine = new OrderMissing({ status: 404, code: 'ORDER_NOT_EXIST', message: 'x' })
    expect(mine instanceof OrderMissing).toBe(true)
    expect(mine instanceof src.WechatpayApiError).toBe(true)
    expect(mine instanceof src.WechatpayError).toBe(true)
    expect(mine instanceof Other).toBe(false)
    expect(mine instanceof src.WechatpayTransportError).toBe(false)
    // a plain API error is not the user's subclass
    const plain = new src.WechatpayApiError({ status: 404, code: 'ORDER_NOT_EXIST', message: 'x' })
    expect(plain instanceof OrderMissing).toBe(false)
    expect(mine.code).toBe('ORDER_NOT_EXIST')
    expect(mine.name).toBe('OrderMissing')
  })
})
