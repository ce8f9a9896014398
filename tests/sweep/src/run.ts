// Calls one endpoint through @wxpay/core, the typed client's `chain('template')` style, and says
// how it went: resolved (the core verified the reply), or refused, and with what.
import type { Wechatpay } from '@wxpay/core'
import type { Endpoint } from './catalogue'

export type Outcome = { ok: true; data: unknown } | { ok: false; error: Error & Record<string, unknown> }

type Verb = (options: Record<string, unknown>) => Promise<unknown>

export async function call(
  wxpay: Wechatpay,
  e: Endpoint,
  options: Record<string, unknown>,
): Promise<Outcome> {
  // A non-literal template: the loosely typed door every catalogue path also opens.
  const node = wxpay.chain(e.path as string) as unknown as Record<string, Verb>
  try {
    const reply = (await node[e.method]!(options)) as { data: unknown }
    return { ok: true, data: reply.data }
  } catch (error) {
    return { ok: false, error: error as Error & Record<string, unknown> }
  }
}

/** What an error says, in one line: its class, code and message, and a v3 error's `detail`. */
export function describeError(error: Error & Record<string, unknown>): string {
  const detail = error.detail ? ` ${JSON.stringify(error.detail)}` : ''
  return `${error.name}${error.code ? ` ${String(error.code)}` : ''}: ${error.message}${detail}`
}

/** The `return_msg` of an APIv2 XML refusal (CDATA or not), or the start of the text. */
function refusalOf(text: string): string {
  const msg = /<return_msg>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))<\/return_msg>/.exec(text)
  return msg ? (msg[1] ?? msg[2] ?? '') : text.slice(0, 200)
}

/**
 * A page endpoint (`kind: page`), used as a user would: `wxpay.pageUrl(path, { query })` builds the
 * signed URL without I/O, and the browser opens it (here `fetch`, not following redirects). The
 * page opened when the gateway answers its HTML (200 `text/html`) or redirects back with a code
 * (302 and a `Location`); anything else is the gateway's refusal, whose `return_msg` is the error.
 */
export async function openPage(
  wxpay: Wechatpay,
  e: Endpoint,
  options: Record<string, unknown>,
): Promise<Outcome> {
  try {
    const query = (options.query ?? {}) as Record<string, string | number | undefined>
    const url = await wxpay.pageUrl(e.path, { query })
    const res = await fetch(url, { redirect: 'manual' })
    const text = await res.text()
    const location = res.headers.get('location')
    if (res.status === 302 && location) return { ok: true, data: undefined }
    if (res.status === 200 && res.headers.get('content-type')?.startsWith('text/html'))
      return { ok: true, data: undefined }
    const error = new Error(`${res.status}: ${refusalOf(text)}`) as Error & Record<string, unknown>
    error.name = 'PageRefused'
    return { ok: false, error }
  } catch (error) {
    return { ok: false, error: error as Error & Record<string, unknown> }
  }
}
