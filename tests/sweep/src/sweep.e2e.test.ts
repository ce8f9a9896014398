// The conformance sweep (issue 19): every endpoint of the catalogue, called through @wxpay/core
// (`chain('template')`) against a started @wxpay/sandbox with generated valid inputs — each must
// succeed, its reply verified by the core — and, per endpoint with a required request field, the
// same call without that field, which must be refused naming it. Certificate endpoints go over the
// sandbox's mutual-TLS listener, pages are opened from `wxpay.pageUrl` as a browser would. Prints
// a summary table per product area, with the time taken.
import { generateKeyPairSync } from 'node:crypto'
import { Wechatpay } from '@wxpay/core'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { signV3Notification } from '@wxpay/sandbox/testing'
import { Ajv } from 'ajv'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ENDPOINTS, type Endpoint, type Schema } from './catalogue'
import { EXPECTED, EXPECTED_FAILURES, INVALID_NOT_REFUSED } from './expected'
import { FIXTURES } from './fixtures'
import { type Identity, requiredField, validOptions, withoutField } from './inputs'
import { call, describeError, openPage } from './run'

let sb: Sandbox
let wxpay: Wechatpay
/** The client of the certificate endpoints: the sandbox's mutual-TLS listener. */
let certClient: Wechatpay
let id: Identity
const platform = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
})
const key = (e: Endpoint) => `${e.method} ${e.path}`
/** The product area of a path, as docs/endpoints.md groups them: `v3/pay`, `hk/v3/refunds`, `v2/papay`. */
const areaOf = (path: string) => {
  const parts = path.split('/')
  return parts.slice(0, parts[0] === 'hk' || parts[0] === 'global' ? 3 : 2).join('/')
}
type Row = {
  endpoints: number
  passed: number
  expected: number
  refused: number
  noRequired: number
  /** Milliseconds spent calling the area's endpoints (valid and invalid calls). */
  ms: number
}
const emptyRow = (): Row => ({ endpoints: 0, passed: 0, expected: 0, refused: 0, noRequired: 0, ms: 0 })
const table = new Map<string, Row>(
  [...new Set(ENDPOINTS.map((e) => areaOf(e.path)))].sort().map((area) => [area, emptyRow()]),
)
const row = (e: Endpoint) => table.get(areaOf(e.path))!
const timings: Record<string, number> = {}
let sweepStarted = 0
/** The catalogue's extensions and formats are annotations to Ajv. */
const ajv = new Ajv({ strict: false, validateFormats: false })
/** APIv2 replies are XML text: types are coerced (`"1"` is the integer 1 there) before checking. */
const ajvText = new Ajv({ strict: false, validateFormats: false, coerceTypes: true })
/** A flat APIv2 reply names list items `coupon_type_0` where the schema says `coupon_type_$n`. */
function flat(schema: Schema): Schema {
  const rename = (name: string) => name.replace(/\$[a-z]/g, '0')
  const properties = Object.fromEntries(
    Object.entries(schema.properties ?? {}).map(([k, v]) => [rename(k), v]),
  )
  return { ...schema, properties, ...(schema.required ? { required: schema.required.map(rename) } : {}) }
}

beforeAll(async () => {
  sweepStarted = Date.now()
  sb = await startSandbox({
    mtls: true,
    // /v3/certificates serves certificates; replies and notifications are signed with the public key
    platformMode: 'both',
    platformSignWith: 'publicKey',
    platform: { serial: 'PUB_KEY_ID_0119000001092026SWEEP0000000001', ...platform },
  })
  wxpay = new Wechatpay(sb.clientOptions())
  certClient = new Wechatpay({
    ...sb.clientOptions(),
    baseUrl: sb.mtls!.url,
    backupBaseUrl: false,
    clientCert: { ...sb.mtls!.clientCert, ca: sb.mtls!.ca },
  })
  id = { mchid: sb.merchant.mchid, appid: sb.merchant.appid, sensitive: (plain) => wxpay.sensitive(plain) }
})

afterAll(async () => {
  await sb?.close()
  const width = Math.max(...[...table.keys()].map((a) => a.length), 'all'.length)
  const cols = [
    'endpoints',
    'passed',
    'expected-fail',
    'refused-invalid',
    'no-required-field',
    'time',
  ] as const
  const line = (area: string, r: Row) =>
    [
      area.padEnd(width),
      ...[r.endpoints, r.passed, r.expected, r.refused, r.noRequired].map((n, i) =>
        String(n).padStart(cols[i]!.length),
      ),
      `${(r.ms / 1000).toFixed(2)} s`.padStart(cols[5].length + 2),
    ].join('  ')
  const total = emptyRow()
  const lines = [
    `conformance sweep: @wxpay/core against @wxpay/sandbox, every catalogue endpoint (${ENDPOINTS.length}), per area`,
    '',
    ['area'.padEnd(width), ...cols.slice(0, 5), cols[5].padStart(cols[5].length + 2)].join('  '),
  ]
  for (const [area, r] of table) {
    lines.push(line(area, r))
    for (const k of Object.keys(total) as (keyof Row)[]) total[k] += r[k]
  }
  lines.push(line('all', total), '')
  const listed = Object.entries(EXPECTED_FAILURES)
  if (listed.length)
    lines.push(
      'expected failures (expected.ts):',
      ...listed.map(([reason, keys]) => `  ${reason} (${keys.length}): ${keys.join(', ')}`),
      '',
    )
  lines.push(
    `time: ${Object.entries(timings)
      .map(([what, ms]) => `${what} ${(ms / 1000).toFixed(1)} s`)
      .join(
        ', ',
      )}; the whole sweep ${((Date.now() - sweepStarted) / 1000).toFixed(1)} s (sandbox start and stop included)`,
  )
  console.log(lines.join('\n'))
})

async function optionsFor(e: Endpoint) {
  const options = validOptions(e, id)
  const fixture = FIXTURES[key(e)]
  return fixture ? fixture(sb, wxpay, options) : options
}

/** One call as a user makes it: pages opened from `wxpay.pageUrl`, mutual TLS where the catalogue says; timed. */
async function attempt(e: Endpoint, options: Record<string, unknown>) {
  const started = performance.now()
  try {
    if (e.kind === 'page') return await openPage(wxpay, e, options)
    return await call(e.apiCert ? certClient : wxpay, e, options)
  } finally {
    row(e).ms += performance.now() - started
  }
}

const callable = ENDPOINTS.filter((e) => e.kind !== 'webhook')

describe('the conformance sweep', () => {
  test(`every endpoint answers a valid call, verified by the core (${callable.length} endpoints)`, async () => {
    const started = Date.now()
    const unexpected: string[] = []
    const nowPassing: string[] = []
    const offSchema: string[] = []
    for (const e of callable) {
      row(e).endpoints++
      const outcome = await attempt(e, await optionsFor(e))
      const reason = EXPECTED.get(key(e))
      if (outcome.ok) {
        row(e).passed++
        // every verified reply, hand-written routes included, fits the catalogue's schema
        if (e.response && e.kind !== 'download' && outcome.data !== undefined) {
          const validate = e.protocol === 'v3' ? ajv.compile(e.response) : ajvText.compile(flat(e.response))
          if (!validate(outcome.data)) offSchema.push(`${key(e)}: ${ajv.errorsText(validate.errors)}`)
        }
        if (reason) nowPassing.push(`${key(e)} (listed as: ${reason})`)
      } else if (reason) row(e).expected++
      else unexpected.push(`${key(e)} → ${describeError(outcome.error)}`)
    }
    timings['valid calls'] = Date.now() - started
    expect(unexpected, 'endpoints that refused a valid call').toEqual([])
    expect(offSchema, 'replies that do not fit the catalogue reply schema').toEqual([])
    expect(nowPassing, 'these pass now: delete them from EXPECTED_FAILURES in expected.ts').toEqual([])
  })

  test('every endpoint with a required request field refuses a call without it, naming the field', async () => {
    const started = Date.now()
    const wrong: string[] = []
    for (const e of callable) {
      const field = requiredField(e)
      if (!field) {
        row(e).noRequired++
        continue
      }
      if (EXPECTED.has(key(e)) || INVALID_NOT_REFUSED.has(key(e))) continue
      const outcome = await attempt(e, withoutField(await optionsFor(e), field))
      const named =
        !outcome.ok &&
        ((outcome.error.detail as { field?: string } | undefined)?.field === field.name ||
          outcome.error.message.includes(field.name))
      if (named) row(e).refused++
      else
        wrong.push(
          `${key(e)} without ${field.where}.${field.name} → ${outcome.ok ? 'accepted' : describeError(outcome.error)}`,
        )
    }
    timings['invalid calls'] = Date.now() - started
    expect(wrong, 'calls missing a required field that were not refused naming it').toEqual([])
  })

  test('v3/webhooks: a notification in the catalogue envelope parses and verifies', async () => {
    const webhook = ENDPOINTS.find((e) => e.kind === 'webhook')!
    row(webhook).endpoints++
    const { headers, body } = signV3Notification({
      privateKey: platform.privateKey,
      serial: sb.platform.serial,
      apiv3Key: sb.merchant.apiv3Key,
      resource: { out_trade_no: 'SWEEP', trade_state: 'SUCCESS' },
    })
    const event = await wxpay.notifications.parse({ headers, body })
    expect(event.resource).toMatchObject({ out_trade_no: 'SWEEP' })
    row(webhook).passed++
  })
})
