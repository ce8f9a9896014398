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
