import type { SandboxClock } from './clock.js'
import { digits } from './random.js'

/** Order states, with WeChat's own names (`trade_state`). */
export type OrderState = 'NOTPAY' | 'USERPAYING' | 'SUCCESS' | 'CLOSED'
/** Recharge states, with WeChat's own names (`recharge_state`). */
export type RechargeState = 'RECHARGING' | 'SUCCESS' | 'CLOSED'

export const ORDER_STATES: readonly OrderState[] = ['NOTPAY', 'USERPAYING', 'SUCCESS', 'CLOSED']
export const RECHARGE_STATES: readonly RechargeState[] = ['RECHARGING', 'SUCCESS', 'CLOSED']

/** An order as the sandbox keeps it. Times are milliseconds of the sandbox clock. */
export interface OrderRecord {
  out_trade_no: string
  state: OrderState
  created_at: number
  closed_at?: number
}

/** What `orders.create()` takes. */
export interface OrderInput {
  out_trade_no: string
  /** Defaults to `NOTPAY`. */
  state?: OrderState
  /** Milliseconds since the epoch; defaults to the sandbox clock's now. */
  created_at?: number
}

/** A recharge as the sandbox keeps it. Times are milliseconds of the sandbox clock. */
export interface RechargeRecord {
  out_recharge_no: string
  sub_mchid: string
  state: RechargeState
  /** Fen. */
  amount: number
  /** WeChat's id for the recharge, generated. */
  recharge_id: string
  accepted_at: number
  closed_at?: number
}

/** What `recharges.create()` takes. */
export interface RechargeInput {
  out_recharge_no: string
  sub_mchid: string
  /** Defaults to `RECHARGING`. */
  state?: RechargeState
  /** Fen; defaults to 100. */
  amount?: number
}

/** Seeds and reads orders. */
export interface OrderStore {
  /** Creates (or overwrites) an order and returns it. */
  create(input: OrderInput): OrderRecord
  /** Reads an order back, or `undefined`. */
  get(outTradeNo: string): OrderRecord | undefined
}

/** Seeds and reads recharges. */
export interface RechargeStore {
  /** Creates (or overwrites) a recharge and returns it. */
  create(input: RechargeInput): RechargeRecord
  /** Reads a recharge back, or `undefined`. */
  get(outRechargeNo: string): RechargeRecord | undefined
}

/** Thrown for seeding input the sandbox cannot represent. */
export class SandboxInputError extends TypeError {
  override readonly name = 'SandboxInputError'
}

function nonEmpty(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '')
    throw new SandboxInputError(`${field} must be a non-empty string`)
  return value
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (!allowed.includes(value as T))
    throw new SandboxInputError(`${field} must be one of ${allowed.join(', ')}`)
  return value as T
}

/** Records are copied in and out so that callers cannot change the sandbox's state by accident. */
export function createOrderStore(clock: SandboxClock): OrderStore & { map: Map<string, OrderRecord> } {
  const map = new Map<string, OrderRecord>()
  return {
    map,
    create(input) {
      const createdAt = input.created_at ?? clock.now()
      if (!Number.isFinite(createdAt))
        throw new SandboxInputError('created_at must be milliseconds since the epoch')
      const record: OrderRecord = {
        out_trade_no: nonEmpty(input.out_trade_no, 'out_trade_no'),
        state: oneOf(input.state ?? 'NOTPAY', ORDER_STATES, 'state'),
        created_at: createdAt,
      }
      map.set(record.out_trade_no, record)
      return { ...record }
    },
    get(outTradeNo) {
      const record = map.get(outTradeNo)
      return record && { ...record }
    },
  }
}

export function createRechargeStore(
  clock: SandboxClock,
): RechargeStore & { map: Map<string, RechargeRecord> } {
  const map = new Map<string, RechargeRecord>()
  return {
    map,
    create(input) {
      const amount = input.amount ?? 100
      if (!Number.isSafeInteger(amount) || amount <= 0) {
        throw new SandboxInputError('amount must be a positive integer number of fen')
      }
      const record: RechargeRecord = {
        out_recharge_no: nonEmpty(input.out_recharge_no, 'out_recharge_no'),
        sub_mchid: nonEmpty(input.sub_mchid, 'sub_mchid'),
        state: oneOf(input.state ?? 'RECHARGING', RECHARGE_STATES, 'state'),
        amount,
        recharge_id: `1${digits(27)}`,
        accepted_at: clock.now(),
      }
      map.set(record.out_recharge_no, record)
      return { ...record }
    },
    get(outRechargeNo) {
      const record = map.get(outRechargeNo)
      return record && { ...record }
    },
  }
}
