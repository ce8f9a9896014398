import type { HttpBindings } from '@hono/node-server'
import type { SandboxClock } from './clock'
import type { FaultEngine } from './faults'
import type { SandboxKeys } from './keys'
import type { Notifier } from './notify'
import type { PlatformState } from './platform'
import type { RefundRecord, RefundStore } from './refunds'
import type { OrderRecord, OrderStore, RechargeRecord, RechargeStore } from './state'
import type { ProfitsharingReceiver } from './v3-key-routes'

/** Which listener a request arrived on. */
export type Listener = 'primary' | 'backup' | 'mtls'

/** One request the sandbox saw on a business (non-`/sandbox/…`) path. */
export interface RequestRecord {
  listener: Listener
  method: string
  /** The path, as sent (percent-encoded, no query). */
  path: string
  /** The full request target as sent: path and query. */
  target: string
  /** Sandbox clock, milliseconds. */
  at: number
}

/** The request log: an array you can read and `clear()`. */
export type RequestLog = RequestRecord[] & {
  /** Empties the log. */
  clear(): void
}

/** Everything the route handlers share; one per sandbox, across both listeners. */
export interface SandboxContext {
  keys: SandboxKeys
  clock: SandboxClock
  orders: OrderStore & { map: Map<string, OrderRecord> }
  recharges: RechargeStore & { map: Map<string, RechargeRecord> }
  refunds: RefundStore & { map: Map<string, RefundRecord> }
  /** Whether a refund succeeds as soon as it is accepted (else it waits for `sb.refunds.succeed()`). */
  autoRefund: boolean
  faults: FaultEngine
  requests: RequestLog
  minCloseAgeSeconds: number
  /** Aborted when the sandbox closes, to cut injected delays short. */
  closing: AbortSignal
  /** Public URLs, once listening. */
  urls: { url: string; backupUrl: string }
  /** Delivers notifications to `notify_url`s and logs every attempt. */
  notifier: Notifier
  /** Public key, certificates or both; which key signs. */
  platform: PlatformState
  /** Receivers added with `/v3/profitsharing/receivers/add`, names decrypted. */
  receivers: ProfitsharingReceiver[]
}

export function createRequestLog(): RequestLog {
  const log: RequestRecord[] = []
  // not enumerable: the log compares and serialises as a plain array
  Object.defineProperty(log, 'clear', {
    value: () => {
      log.length = 0
    },
  })
  return log as RequestLog
}

/** Hono environment of the sandbox apps: served by @hono/node-server. */
export type AppEnv = { Bindings: HttpBindings }
