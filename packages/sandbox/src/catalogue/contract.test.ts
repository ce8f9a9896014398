// The contract of the generic responder: every reply it can give validates against the
// catalogue's reply schema, checked by a real JSON-Schema validator (Ajv), not by the sandbox's own
// request checks. The schemas come from the core's catalogue file with the errata applied, read
// here independently of the sandbox's compact copy.
import { readFileSync } from 'node:fs'
import { Ajv, type ValidateFunction } from 'ajv'
import { beforeAll, describe, expect, test } from 'vitest'
import { applyErrata } from '../../../core/catalogue/apply-errata.mjs'
import type { SandboxContext } from '../context'
import { createKeys } from '../keys'
import type { CatalogueEndpoint, Schema } from './types'
import { v2Reply } from './v2'
import { sampleReply } from './v3'

const source = new URL('../../../core/catalogue/wechatpay-api.json', import.meta.url)
const catalogue = applyErrata(JSON.parse(readFileSync(source, 'utf8')) as { endpoints: CatalogueEndpoint[] })

/** The catalogue's extensions and formats are annotations to Ajv (`strict: false` lets them be). */
const ajvV3 = new Ajv({ strict: false, allErrors: false, validateFormats: false })
// APIv2 replies are XML text: "1" is the integer 1 there, so types are coerced before checking
const ajvV2 = new Ajv({ strict: false, allErrors: false, validateFormats: false, coerceTypes: true })

/** `coupon_type_$n` is sent as `coupon_type_0`: the same renaming, applied to the schema. */
function flatV2(schema: Schema): Schema {
  const properties: Record<string, Schema> = {}
  for (const [name, property] of Object.entries(schema.properties ?? {}))
    properties[name.replace(/\$[a-z]/g, '0')] = property
  const required = schema.required?.map((name) => name.replace(/\$[a-z]/g, '0'))
  return { ...schema, properties, ...(required ? { required } : {}) }
}

/** The sign type a call would use: the first `sign_type` the request allows, else MD5 (the default). */
const signTypeOf = (e: CatalogueEndpoint) =>
  (e.xml?.properties?.sign_type?.enum?.[0] as 'MD5' | 'HMAC-SHA256' | undefined) ?? 'MD5'

let ctx: SandboxContext
beforeAll(async () => {
  ctx = { keys: await createKeys() } as SandboxContext
})

const v3Replies = catalogue.endpoints.filter(
  (e) => e.protocol === 'v3' && e.response && (e.kind === 'json' || e.kind === 'upload') && e.status === 200,
)
const v2Replies = catalogue.endpoints.filter(
  (e) => e.protocol === 'v2' && e.response && e.kind === 'xml' && e.path !== 'v2/appauth/getaccesstoken',
)

function failures(
  endpoints: CatalogueEndpoint[],
  ajv: Ajv,
  reply: (e: CatalogueEndpoint) => unknown,
): string[] {
  const out: string[] = []
  for (const e of endpoints) {
    const schema = e.protocol === 'v2' ? flatV2(e.response!) : e.response!
    const validate: ValidateFunction = ajv.compile(schema)
    if (!validate(reply(e))) out.push(`${e.method} ${e.path}: ${ajv.errorsText(validate.errors)}`)
  }
  return out
}

// Compiling and checking ~1,000 schemas is CPU work: a few seconds idle, over a minute on a
// saturated machine, hence the generous bound.
describe('every reply of the generic responder validates against the catalogue (Ajv)', {
  timeout: 300_000,
}, () => {
  test(`APIv3 JSON replies (${v3Replies.length} endpoints)`, () => {
    expect(v3Replies.length).toBeGreaterThan(800)
    expect(failures(v3Replies, ajvV3, (e) => sampleReply(ctx, e))).toEqual([])
  })

  test(`APIv2 XML replies, as flat text fields (${v2Replies.length} endpoints)`, () => {
    expect(v2Replies.length).toBeGreaterThan(100)
    expect(failures(v2Replies, ajvV2, (e) => v2Reply(ctx, e, signTypeOf(e)))).toEqual([])
  })

  test('the validator refuses a reply that breaks its schema (the check can fail)', () => {
    const e = catalogue.endpoints.find((x) => x.path === 'v3/pay/transactions/id/{transaction_id}')!
    const validate = ajvV3.compile(e.response!)
    const reply = sampleReply(ctx, e)
    expect(validate(reply)).toBe(true)
    expect(validate({ ...reply, trade_state: 'NOT_A_STATE' })).toBe(false)
    const { out_trade_no: _, ...missing } = reply
    expect(validate(missing)).toBe(false)
    expect(validate({ ...reply, amount: { ...(reply.amount as object), total: 'one' } })).toBe(false)
  })
})
