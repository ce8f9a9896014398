// The generator's emission: schema → TypeScript text written out by hand here, a recurring shape
// hoisted under its rule name (and the result parsed by the TypeScript compiler), and the runtime
// table's path patterns matched against paths.
import ts from 'typescript'
import { describe, expect, test } from 'vitest'
import { pattern } from './table.mjs'
import { createSchemaTypes, emitTypeFiles, type Schema } from './types.mjs'

describe('schema → TypeScript', () => {
  const { typeOf, endCounting } = createSchemaTypes()
  endCounting([])

  test.each([
    [{ type: 'string' }, 'reply', 'string'],
    [{ type: 'string', enum: ['A', 'B', 'A'] }, 'request', "OpenEnum<'A' | 'B'>"],
    [{ type: 'integer' }, 'reply', 'number'],
    [{ type: 'integer' }, 'xmlRequest', 'number | string'],
    [{ type: 'integer' }, 'xmlReply', 'string'],
    [{ type: 'boolean' }, 'xmlReply', 'string'],
    [{ type: 'string', 'x-sensitive': true }, 'request', 'string | Sensitive'],
    [{ type: 'string', 'x-sensitive': true }, 'reply', 'string'],
    [{ type: 'file' }, 'request', 'Blob'],
    [
      { type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'integer' }] } },
      'reply',
      '(string | number)[]',
    ],
    [{ type: 'object' }, 'reply', 'Record<string, unknown>'],
    [undefined, 'reply', 'unknown'],
  ] as const)('%j (%s) → %s', (schema, mode, expected) => {
    expect(typeOf(schema as Schema | undefined, mode, 0)).toBe(expected)
  })

  test('an object: labels as doc comments, required and optional members, nested indentation', () => {
    const schema = {
      type: 'object',
      properties: {
        a: { type: 'string', label: '甲 */ 乙' },
        b: { type: 'object', properties: { c: { type: 'boolean' } }, required: ['c'] },
      },
      required: ['a'],
    }
    expect(typeOf(schema, 'reply', 0)).toBe(
      ['{', '  /** 甲 *∕ 乙 */', '  a: string', '  b?: {', '    c: boolean', '  }', '}'].join('\n'),
    )
  })
})

describe('a shape that recurs is hoisted into shared.d.ts under its rule name', () => {
  const label = (text: string) => ({ type: 'integer', label: `${text}，单位为分，只能为整数` })
  const amount = {
    type: 'object',
    properties: {
      total: label('订单总金额'),
      payer_total: label('用户支付金额'),
      currency: { type: 'string', enum: ['CNY'] },
    },
    required: ['total'],
  }
  const endpoint = (name: string, extra: Record<string, Schema>) => ({
    path: `v3/pay/transactions/${name}`,
    method: 'post',
    protocol: 'v3',
    uri: `/v3/pay/transactions/${name}`,
    title: name,
    json: {
      type: 'object',
      properties: { appid: { type: 'string' }, amount, ...extra },
      required: ['amount'],
    },
    response: { type: 'object', properties: { prepay_id: { type: 'string' } }, required: ['prepay_id'] },
  })
  const endpoints = [
    endpoint('app', {}),
    endpoint('jsapi', { payer: { type: 'object', properties: { openid: { type: 'string' } } } }),
  ]
  const { files } = emitTypeFiles({
    endpoints,
    areas: new Map([['v3/pay', endpoints]]),
    out: '/out',
    header: '// @generated test\n',
  })

  test('the files, each with the header', () => {
    expect([...files.keys()].sort()).toEqual([
      '/out/index.d.ts',
      '/out/shared.d.ts',
      '/out/tree.d.ts',
      '/out/v3-pay.d.ts',
    ])
    for (const text of files.values()) expect(text.startsWith('// @generated test\n')).toBe(true)
  })

  test('PayTransactionsAmount, declared once and used by both endpoints', () => {
    const shared = files.get('/out/shared.d.ts')!
    expect(shared).toContain(
      [
        'export interface PayTransactionsAmount {',
        '  /** 订单总金额，单位为分，只能为整数 */',
        '  total: number',
        '  /** 用户支付金额，单位为分，只能为整数 */',
        '  payer_total?: number',
        "  currency?: OpenEnum<'CNY'>",
        '}',
      ].join('\n'),
    )
    const area = files.get('/out/v3-pay.d.ts')!
    expect(area).toContain("import type { PayTransactionsAmount } from './shared'\n")
    expect(area.match(/amount: PayTransactionsAmount\n/g)).toHaveLength(2)
    // a short shape that recurs stays inline
    expect(area.match(/prepay_id: string/g)).toHaveLength(2)
  })

  test('the TypeScript compiler parses every file without a syntax error', () => {
    for (const [file, text] of files) {
      const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true)
      const { parseDiagnostics } = source as unknown as { parseDiagnostics: readonly ts.Diagnostic[] }
      expect(parseDiagnostics.map((d) => d.messageText)).toEqual([])
    }
  })
})

describe('runtime table patterns', () => {
  test('a variable is one segment, and a literal sibling is another endpoint', () => {
    const endpoints = [{ path: 'v3/media/{media_id}' }, { path: 'v3/media/upload' }]
    const re = new RegExp(pattern(['v3/media/{media_id}'], endpoints))
    expect(re.test('v3/media/abc')).toBe(true)
    expect(re.test('v3/media/upload')).toBe(false)
    expect(re.test('v3/media/a/b')).toBe(false)
    expect(re.test('xv3/media/abc')).toBe(false)
  })
  test('several templates, sorted, special characters escaped', () => {
    expect(pattern(['v3/b.c', 'v3/a'], [])).toBe('^(?:v3\\/a|v3\\/b\\.c)$')
  })
})
