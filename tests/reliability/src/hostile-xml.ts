// Hostile XML sent as APIv2 replies through the client: each must be refused with a typed error
// (or, for CDATA holding `]]>`, handled exactly) in bounded time and memory.
import type { Wechatpay } from '@wxpay/core'
import { type Answer, type Gateway, signedV2Xml, type TestCredentials } from '@wxpay/sandbox/testing'
import { accepted, type Outcome, refused, SIGNATURE, settle } from './outcome'

export interface HostileCase {
  name: string
  answer: (c: TestCredentials) => Answer
  expected: Outcome
  /** For accepted cases: the field that must come back byte for byte. */
  field?: [string, string]
  /**
   * The parser alone refuses it, and packages/core/src/v2/xml.test.ts checks that document: CI
   * leaves it to that unit test; the report still runs it end to end for its time and memory.
   */
  parserUnitTest?: true
}

export const MIB = 1024 * 1024
const TOO_LARGE = refused('WechatpayTransportError', 'RESPONSE_TOO_LARGE')

function fields(c: TestCredentials, extra: Record<string, string> = {}): Record<string, string> {
  return {
    return_code: 'SUCCESS',
    appid: c.appid,
    mch_id: c.mchid,
    nonce_str: 'n0nce',
    result_code: 'SUCCESS',
    ...extra,
  }
}

/** A genuinely signed (MD5) reply, so that only the hostile part can be the reason for a refusal. */
function signed(c: TestCredentials, extra: Record<string, string> = {}): string {
  return signedV2Xml(fields(c, extra), c.secret, 'MD5')
}

const xml = (body: string): Answer => ({ status: 200, body, headers: [['Content-Type', 'text/xml']] })

const LOLS = [
  '<!ENTITY lol "lol">',
  ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`),
].join('')

export function hostileCases(): HostileCase[] {
  return [
    {
      name: 'DOCTYPE before a genuinely signed reply',
      parserUnitTest: true,
      answer: (c) => xml(`<?xml version="1.0"?><!DOCTYPE xml>${signed(c)}`),
      expected: SIGNATURE,
    },
    {
      name: 'billion laughs (10^9 "lol" by entity expansion)',
      parserUnitTest: true,
      answer: (c) =>
        xml(
          `<?xml version="1.0"?><!DOCTYPE xml [${LOLS}]>${signed(c, { attach: '&lol9;' }).replace('<![CDATA[&lol9;]]>', '&lol9;')}`,
        ),
      expected: SIGNATURE,
    },
    {
      name: 'external entity SYSTEM "file:///etc/passwd"',
      parserUnitTest: true,
      answer: (c) =>
        xml(
          `<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${signed(c).replace('</xml>', '<attach>&xxe;</attach></xml>')}`,
        ),
      expected: SIGNATURE,
    },
    {
      name: 'external parameter entity (out-of-band fetch)',
      parserUnitTest: true,
      answer: (c) => xml(`<!DOCTYPE xml [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x"> %p;]>${signed(c)}`),
      expected: SIGNATURE,
    },
    {
      name: 'lower-case <!doctype> with an internal entity',
      parserUnitTest: true,
      answer: (c) => xml(`<!doctype xml [<!entity a "b">]>${signed(c)}`),
      expected: SIGNATURE,
    },
    {
      name: '10,000-deep nesting',
      parserUnitTest: true,
      answer: () => xml(`<xml>${'<a>'.repeat(10_000)}x${'</a>'.repeat(10_000)}</xml>`),
      expected: SIGNATURE,
    },
    {
      name: '10 MiB reply streamed without Content-Length (refused while streaming)',
      answer: () => ({
        stream: {
          status: 200,
          headers: [['Content-Type', 'text/xml']],
          chunk: Buffer.from(`<xml>${'<a>x</a>'.repeat(9362)}`.slice(0, 65_536)),
          total: 10 * MIB,
        },
      }),
      expected: TOO_LARGE,
    },
    {
      name: '10 MiB reply with Content-Length declared (refused before reading)',
      answer: () => ({
        stream: {
          status: 200,
          headers: [
            ['Content-Type', 'text/xml'],
            ['Content-Length', String(10 * MIB)],
          ],
          chunk: Buffer.alloc(65_536, 0x20),
          total: 10 * MIB,
        },
      }),
      expected: TOO_LARGE,
    },
    {
      name: 'CDATA holding "]]>" inside a value, signed correctly',
      answer: (c) => xml(signed(c, { attach: 'a]]>b]]]]>c<![CDATA[d' })),
      expected: accepted,
      field: ['attach', 'a]]>b]]]]>c<![CDATA[d'],
    },
    {
      name: 'a just-under-1 MiB reply of 30,000 signed fields',
      answer: (c) => {
        const many: Record<string, string> = {}
        for (let i = 0; i < 30_000; i++) many[`f${i}`] = 'x'
        const body = signed(c, many)
        if (body.length >= MIB) throw new Error('the wide case must stay under 1 MiB')
        return xml(body)
      },
      expected: accepted,
      field: ['f29999', 'x'],
    },
    {
      name: 'unclosed elements',
      parserUnitTest: true,
      answer: () => xml('<xml><return_code>SUCCESS<sign>'),
      expected: SIGNATURE,
    },
  ]
}

export interface HostileResult {
  outcome: Outcome
  ms: number
  /** Growth of heapUsed + arrayBuffers across the call (after gc when exposed). */
  memoryDelta: number
  value: unknown
  /** Bytes the server handed to its socket before the client hung up (streamed cases). */
  streamed: number
}

const gc = (globalThis as { gc?: () => void }).gc

function memory(): number {
  gc?.()
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

export async function runHostile(
  forger: Gateway,
  client: Wechatpay,
  c: TestCredentials,
  kase: HostileCase,
): Promise<HostileResult> {
  forger.handler = () => kase.answer(c)
  forger.streamed = 0
  const before = memory()
  const { outcome, ms, value } = await settle(() =>
    client.v2.pay.closeorder.post({ xml: { appid: c.appid, mch_id: c.mchid, out_trade_no: 'T-xml-1' } }),
  )
  return { outcome, ms, value, memoryDelta: memory() - before, streamed: forger.streamed }
}
