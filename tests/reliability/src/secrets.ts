// The secrets scan: a run with every kind of failure (and some successes), after which every
// error, response, client and node the SDK created, every console line and every warning is
// rendered every way Node renders things and searched for the merchant private key (any 40-char
// slice of its base64 body), the APIv2 key, the APIv3 keys, and every other secret a scenario gave
// the SDK, malformed ones included (a 31-character APIv3 key is refused, and must not be echoed).
import { format, inspect } from 'node:util'
import { Wechatpay, type WechatpayOptions } from '@wxpay/core'
import type { Sandbox } from '@wxpay/sandbox'
import { alnum, type Gateway, v2Sign, v2Xml } from '@wxpay/sandbox/testing'
import { sandboxOptions } from './bad-input'
import { CLOSE_PATH, RECHARGE_PATH } from './clients'
import { settle } from './outcome'

export interface SecretsResult {
  scenarios: number
  /** Errors thrown, by class. */
  errors: Map<string, number>
  objects: number
  renderings: number
  needles: number
  consoleLines: number
  /** Where a secret was found: must be empty. */
  hits: string[]
}

const pemBody = (pem: string) => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')

/**
 * The needles: every 40-char slice of the private key's base64 body, the whole PEM, the two keys;
 * and each `given` secret (malformed ones too): a PEM by the 40-char slices of its body, anything
 * else whole.
 */
export function needlesFor(
  privateKey: string,
  apiv2Key: string,
  apiv3Key: string,
  given: Iterable<string> = [],
): Array<[string, string]> {
  const body = pemBody(privateKey)
  const out: Array<[string, string]> = [
    ['the private key PEM', privateKey.trim()],
    ['the APIv2 key', apiv2Key],
    ['the APIv3 key', apiv3Key],
  ]
  for (let i = 0; i + 40 <= body.length; i++) out.push([`private key slice at ${i}`, body.slice(i, i + 40)])
  for (const value of given) {
    if (value === '') continue
    if (!value.includes('-----BEGIN')) {
      out.push([`a given secret (${value.length} characters)`, value])
      continue
    }
    const givenBody = pemBody(value)
    for (let i = 0; i + 40 <= givenBody.length; i++)
      out.push([`given PEM slice at ${i}`, givenBody.slice(i, i + 40)])
  }
  return out
}

/** Every way a value gets shown: String, inspect (hidden, deep, proxies), JSON, and for errors message/stack. */
export function renderings(value: unknown): Record<string, string> {
  const out: Record<string, string> = {
    inspect: inspect(value, { showHidden: true, depth: 10, getters: true }),
    inspectProxy: inspect(value, { showHidden: true, depth: 10, showProxy: true }),
    format: format('%o %O %s %j', value, value, value, value),
  }
  try {
    out.String = String(value)
  } catch (err) {
    out.String = `(String threw ${(err as Error).message})`
  }
  try {
    out.JSON = JSON.stringify(value) ?? ''
  } catch (err) {
    out.JSON = `(JSON threw ${(err as Error).message})`
  }
  if (value instanceof Error) {
    out.message = value.message
    out.stack = value.stack ?? ''
    out.cause = inspect(value.cause, { showHidden: true, depth: 10 })
  }
  return out
}

type Scenario = [name: string, run: () => unknown]

export async function runSecretsScan(sb: Sandbox, forger: Gateway): Promise<SecretsResult> {
  const apiv3Key = alnum(32)
  const key = sb.merchant.privateKey
  const secret = sb.merchant.secret
  const keyBody = pemBody(key)
  /** Every other secret value a scenario hands over, malformed ones included: each is a needle too. */
  const given: string[] = []
  const sandboxApiv3Key = sb.clientOptions().apiv3Key
  if (sandboxApiv3Key) given.push(sandboxApiv3Key)
  const give = (value: string) => {
    given.push(value)
    return value
  }
  // The APIv3 key is `apiv3Key`; it is also passed misspelt (`apiV3Key`), an unknown option, as a
  // confused caller might: that copy must not be kept either.
  const base = (extra: Partial<WechatpayOptions> = {}) =>
    ({
      apiV3Key: apiv3Key,
      ...sandboxOptions(sb, { backupBaseUrl: sb.backupUrl, apiv3Key, ...extra }),
    }) as WechatpayOptions
  const client = new Wechatpay(base())
  const fetchClient = new Wechatpay(base({ fetch: globalThis.fetch }))
  const fast = new Wechatpay(base({ timeout: 200 }))
  const atForger = new Wechatpay(base({ baseUrl: forger.url, backupBaseUrl: false }))
  const mchid = sb.merchant.mchid
  const appid = sb.merchant.appid
  let n = 0
  const order = (state?: 'USERPAYING' | 'SUCCESS') => {
    const out_trade_no = `SEC${++n}`
    sb.orders.create({ out_trade_no, ...(state ? { state } : {}) })
    return out_trade_no
  }
  const close = (w: Wechatpay, out_trade_no = order()) =>
    w.chain(CLOSE_PATH).post({ out_trade_no, json: { mchid } })
  const v2 = (w: Wechatpay, out_trade_no = order(), sign_type: 'MD5' | 'HMAC-SHA256' = 'MD5') =>
    w.v2.pay.closeorder.post({ xml: { appid, mch_id: mchid, out_trade_no, sign_type } })
  const faulted = async (fault: Parameters<Sandbox['faults']['set']>[0], run: () => Promise<unknown>) => {
    await sb.faults.set(fault)
    try {
      return await run()
    } finally {
      await sb.faults.clear()
    }
  }
  const scenarios: Scenario[] = [
    [
      'privateKey cut in half',
      () => new Wechatpay(base({ privateKey: give(key.slice(0, key.length >> 1)) })),
    ],
    [
      'privateKey with a bad character',
      () => new Wechatpay(base({ privateKey: give(key.replace(/\n(.)/, '\n*$1')) })),
    ],
    ['privateKey without armour', () => new Wechatpay(base({ privateKey: keyBody }))],
    [
      'privateKey with its line breaks escaped twice',
      () => new Wechatpay(base({ privateKey: give(key.replace(/\n/g, '\\\\n')) })),
    ],
    ['APIv3 key of 31 characters', () => new Wechatpay(base({ apiv3Key: give(alnum(31)) }))],
    ['APIv3 key of 33 characters', () => new Wechatpay(base({ apiv3Key: give(alnum(33)) }))],
    ['APIv3 key with a non-ASCII character', () => new Wechatpay(base({ apiv3Key: give(`${alnum(31)}é`) }))],
    ['APIv2 key of 31 characters', () => new Wechatpay(base({ secret: give(secret.slice(1)) }))],
    ['private key placed in certs', () => new Wechatpay(base({ certs: { PUB_KEY_ID_X: key } }))],
    ['certs with serial and PEM swapped', () => new Wechatpay(base({ certs: { [key]: 'PUB_KEY_ID_X' } }))],
    [
      'certs keyed by the private key body',
      () => new Wechatpay(base({ certs: { [keyBody]: sb.platform.publicKey } })),
    ],
    ['APIv2 key with one character more', () => new Wechatpay(base({ secret: give(`${secret}x`) }))],
    ['APIv2 key as mchid', () => new Wechatpay(base({ mchid: secret }))],
    ['APIv3 key as serial with punctuation', () => new Wechatpay(base({ serial: give(`${apiv3Key}!`) }))],
    [
      'APIv2 key in baseUrl credentials',
      () => new Wechatpay(base({ baseUrl: `http://u:${secret}@127.0.0.1/` })),
    ],
    ['private key as baseUrl', () => new Wechatpay(base({ baseUrl: key }))],
    ['private key as timeout', () => new Wechatpay(base({ timeout: key as unknown as number }))],
    ['private key as a path variable', () => close(client, key)],
    [
      'APIv2 key as a query value object',
      () => client.chain(CLOSE_PATH).post({ out_trade_no: 'S1', query: { k: { secret } as never } }),
    ],
    [
      'APIv2 key in a header with CRLF',
      () => client.chain('v3/x' as string).get({ headers: { 'x-k': `${secret}\r\n` } }),
    ],
    [
      'v2 value holding the APIv2 key and a NUL',
      () => client.chain('v2/pay/closeorder' as string).post({ xml: { attach: `${secret}\u0000` } }),
    ],
    ['v3 call without privateKey', () => close(new Wechatpay({ ...base(), privateKey: undefined } as never))],
    ['v2 call without secret', () => v2(new Wechatpay({ ...base(), secret: undefined } as never))],
    ['timeout (undici)', () => faulted({ latencyMs: { value: 1_000, count: 1 } }, () => close(fast))],
    [
      'timeout (fetch)',
      () =>
        faulted({ latencyMs: { value: 1_000, count: 1 } }, () =>
          close(new Wechatpay(base({ timeout: 200, fetch: globalThis.fetch }))),
        ),
    ],
    [
      'aborted',
      () =>
        client
          .chain(CLOSE_PATH)
          .post({ out_trade_no: order(), json: { mchid }, signal: AbortSignal.abort() }),
    ],
    [
      'reset on both listeners (undici)',
      () => faulted({ resetConnection: { count: 2 } }, () => close(client)),
    ],
    [
      'reset on both listeners (fetch)',
      () => faulted({ resetConnection: { count: 2 } }, () => close(fetchClient)),
    ],
    [
      'nothing listening',
      () => close(new Wechatpay(base({ baseUrl: 'http://127.0.0.1:9/', backupBaseUrl: false }))),
    ],
    ['503', () => faulted({ status: 503 }, () => close(client))],
    ['404 ORDER_NOT_EXIST', () => close(client, 'NO-SUCH-ORDER')],
    ['400 ORDER_PAID', () => close(client, order('SUCCESS'))],
    [
      '401 SIGN_ERROR (a serial the gateway does not know)',
      () => close(new Wechatpay(base({ serial: 'ABCDEF0123456789' }))),
    ],
    ['bad signature (v3)', () => faulted({ badSignature: { count: 1 } }, () => close(client))],
    ['SIGNTEST probe', () => faulted({ signtestProbe: { count: 1 } }, () => close(fetchClient))],
    ['clock skew 400 s', () => faulted({ clockSkewSeconds: 400 }, () => close(client))],
    [
      'bad signature (v2 HMAC)',
      () => faulted({ badSignature: { count: 1 } }, () => v2(client, order(), 'HMAC-SHA256')),
    ],
    ['v2 ORDERPAID', () => v2(client, order('SUCCESS'))],
    ['v2 unknown order', () => v2(client, 'NO-SUCH-ORDER', 'HMAC-SHA256')],
    [
      'v2 SIGNERROR (client with another APIv2 key)',
      () => v2(new Wechatpay(base({ secret: give(alnum(32)) }))),
    ],
    [
      'v2 DOCTYPE reply',
      () => {
        forger.handler = () => ({ status: 200, body: `<!DOCTYPE x>${v2Xml({ return_code: 'SUCCESS' })}` })
        return v2(atForger, 'T1')
      },
    ],
    [
      'v2 reply signed with the APIv2 key but altered',
      () => {
        forger.handler = () => {
          const f = { return_code: 'SUCCESS', result_code: 'SUCCESS', nonce_str: 'n' }
          return { status: 200, body: v2Xml({ ...f, sign: v2Sign(f, secret, 'MD5'), result_code: 'FAIL' }) }
        }
        return v2(atForger, 'T1')
      },
    ],
    [
      '2 MiB v3 reply… of 9 MiB',
      () => {
        forger.handler = () => ({
          stream: { status: 200, chunk: Buffer.alloc(65_536, 0x7b), total: 9 * 1024 * 1024 },
        })
        return close(atForger, 'T1')
      },
    ],
    ['primary down → backup (success)', () => faulted({ primaryDown: true }, () => close(client))],
    ['v3 close (success)', () => close(client)],
    ['v3 202 USER_PAYING (success)', () => close(client, order('USERPAYING'))],
    [
      'recharge close (success)',
      () => {
        sb.recharges.create({ out_recharge_no: 'SEC-cz', sub_mchid: '1900001121' })
        return fetchClient
          .chain(RECHARGE_PATH)
          .post({ out_recharge_no: 'SEC-cz', query: { sub_mchid: '1900001121' } })
      },
    ],
    ['v2 close (success)', () => v2(fetchClient, order(), 'HMAC-SHA256')],
  ]

  const lines: string[] = []
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const
  const saved = methods.map((m) => console[m])
  for (const m of methods) console[m] = (...args: unknown[]) => void lines.push(format(...args))
  const onWarning = (w: Error) => lines.push(inspect(w))
  process.on('warning', onWarning)
  const shown: Array<[string, unknown]> = [
    ['client', client],
    ['fetch client', fetchClient],
    ['node v3', client.v3],
    ['node v3.pay.transactions', client.v3.pay.transactions],
    ['node chain()', client.chain(CLOSE_PATH)],
    ['node v2.pay.closeorder', client.v2.pay.closeorder],
    ['verb function', client.v3.pay.transactions.outTradeNo._out_trade_no_.close.post],
  ]
  const errors = new Map<string, number>()
  try {
    for (const [name, run] of scenarios) {
      const { error, value } = await settle(run)
      if (error !== undefined) {
        const label = error instanceof Error ? error.name : typeof error
        errors.set(label, (errors.get(label) ?? 0) + 1)
        shown.push([`${name}: error`, error])
      }
      if (value !== undefined)
        shown.push([
          `${name}: ${typeof value === 'object' && value && 'status' in value ? 'response' : 'value'}`,
          value,
        ])
      // What an application would log about it.
      console.error('call failed or returned', name, error ?? value)
    }
  } finally {
    methods.forEach((m, i) => {
      console[m] = saved[i]!
    })
    process.off('warning', onWarning)
  }

  const needles = needlesFor(key, secret, apiv3Key, given)
  const hits: string[] = []
  let count = 0
  const scan = (where: string, text: string) => {
    count++
    for (const [what, needle] of needles) {
      if (text.includes(needle)) {
        hits.push(`${what} in ${where}`)
        return
      }
    }
  }
  for (const [name, value] of shown)
    for (const [how, text] of Object.entries(renderings(value))) scan(`${name} (${how})`, text)
  for (const [i, line] of lines.entries()) scan(`console line ${i}`, line)
  return {
    scenarios: scenarios.length,
    errors,
    objects: shown.length,
    renderings: count,
    needles: needles.length,
    consoleLines: lines.length,
    hits,
  }
}
