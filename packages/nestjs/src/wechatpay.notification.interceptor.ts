import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common'
import { HttpAdapterHost, ModuleRef, Reflector } from '@nestjs/core'
import {
  acknowledge,
  type NotificationReply,
  type Wechatpay,
  WechatpaySignatureError,
  type WechatpayStore,
  WechatpayValidationError,
} from '@wxpay/core'
import { defaultIfEmpty, defer, last, lastValueFrom, map, type Observable, switchMap } from 'rxjs'
import { getWechatpayToken } from './wechatpay.constants'
import { BodyTooLargeError, RawBodyMissingError, readRawBody } from './wechatpay.notification.raw-body'

/** Options of `@WechatpayEvent()` and `@WechatpayEventV2()`. */
export interface WechatpayEventOptions {
  /** The client that verifies: the one registered under this `name` (default: the unnamed one). */
  name?: string
  /**
   * Apply each notification once across every instance sharing this store (`@wxpay/store`:
   * Redis, PostgreSQL, Cloudflare, memory), through `wxpay.notifications.once`: a duplicate,
   * here or at another instance, is acknowledged (204, or the v2 SUCCESS) without running the
   * method; a method that throws releases its claim (FAIL: WeChat Pay re-sends).
   */
  once?: WechatpayStore<unknown>
}

/** @internal What the param decorator stores on the method for the interceptor. */
export interface NotificationRoute {
  version: 'v3' | 'v2'
  name: string | undefined
  once: WechatpayStore<unknown> | undefined
}

/** @internal Metadata key of {@link NotificationRoute} on the handler. */
export const NOTIFICATION_ROUTE = Symbol.for('@wxpay/nestjs:notification-route')

/**
 * @internal The verified event of each request, read by the param decorator. One map per process,
 * in the global symbol registry, so that the ESM and the CommonJS build agree when an
 * application loads both (as for the injection tokens).
 */
const EVENTS = Symbol.for('@wxpay/nestjs:verified-events')
const registry = globalThis as Record<symbol, WeakMap<object, unknown> | undefined>
registry[EVENTS] ??= new WeakMap()
export const verifiedEvents: WeakMap<object, unknown> = registry[EVENTS]

/** @internal The claim's transaction of each request (`{ once: postgresStore }`), read by `@WechatpayTransaction()`. */
const TRANSACTIONS = Symbol.for('@wxpay/nestjs:claim-transactions')
registry[TRANSACTIONS] ??= new WeakMap()
export const claimTransactions: WeakMap<object, unknown> = registry[TRANSACTIONS]

/**
 * @internal Why a notification was refused before the handler ran: the answer's status, what to
 * log (never sent), and at which level. The filter turns it into the FAIL answer.
 */
export class NotificationRefusal extends Error {
  constructor(
    readonly status: number,
    readonly level: 'warn' | 'error',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'NotificationRefusal'
  }
}

/** The answer for a version and an outcome, as the core's `acknowledge` writes it. */
export function replyFor(version: 'v3' | 'v2', status: number | 'success'): NotificationReply {
  if (status === 'success') return version === 'v2' ? acknowledge.successV2() : acknowledge.success()
  return version === 'v2' ? acknowledge.failureV2() : acknowledge.failure(status)
}

function refusalOf(err: unknown): NotificationRefusal {
  if (err instanceof NotificationRefusal) return err
  if (err instanceof RawBodyMissingError) return new NotificationRefusal(500, 'error', err.message)
  if (err instanceof BodyTooLargeError)
    return new NotificationRefusal(413, 'warn', 'refused a notification over 1 MiB')
  // a forgery, a SIGNTEST probe, a stale timestamp, a resource that does not decrypt
  if (err instanceof WechatpaySignatureError)
    return new NotificationRefusal(401, 'warn', `refused a notification: ${err.message}`, { cause: err })
  // the client cannot verify (no apiv3Key, no certs, no secret): a configuration error
  if (err instanceof WechatpayValidationError)
    return new NotificationRefusal(500, 'error', `cannot verify notifications: ${err.message}`, {
      cause: err,
    })
  return new NotificationRefusal(500, 'error', 'notification verification failed', { cause: err })
}

/**
 * Verifies the notification before the route handler runs (raw body, the `Wechatpay-*` headers,
 * then decryption), hands the event to `@WechatpayEvent()`, and turns a handler that returns into
 * WeChat Pay's success answer. Added by `@WechatpayEvent()`; failures go to
 * `WechatpayNotificationFilter`, also added by it.
 */
@Injectable()
export class WechatpayNotificationInterceptor implements NestInterceptor {
  readonly #clients = new Map<string | undefined, Wechatpay>()

  // explicit tokens: this package is built without decorator metadata
  constructor(
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const route = this.reflector.get<NotificationRoute | undefined>(NOTIFICATION_ROUTE, context.getHandler())
    if (context.getType() !== 'http' || !route) return next.handle()
    const http = context.switchToHttp()
    const req = http.getRequest<{ headers: Record<string, string | string[] | undefined> }>()
    const res: unknown = http.getResponse()
    return defer(() => this.#verify(route, req)).pipe(
      switchMap((event) => {
        verifiedEvents.set(req, event)
        const { once } = route
        if (!once) return next.handle()
        // the method runs inside the claim, to its end; a duplicate skips it and is acknowledged
        const run = (tx: unknown) => {
          claimTransactions.set(req, tx)
          return lastValueFrom(next.handle().pipe(defaultIfEmpty(undefined)))
        }
        return defer(() => this.#client(route.name).notifications.once(event, once, run))
      }),
      // a method may return an Observable: it is done when that completes, emitting or not
      defaultIfEmpty(undefined),
      last(),
      map(() => {
        const reply = replyFor(route.version, 'success')
        const adapter = this.adapterHost.httpAdapter
        for (const [name, value] of Object.entries(reply.headers)) adapter.setHeader(res, name, value)
        // v3: 204 and nothing; v2: the SUCCESS XML (the status comes from the route's HttpCode)
        return reply.body === '' ? undefined : reply.body
      }),
    )
  }

  async #verify(route: NotificationRoute, req: { headers: Record<string, string | string[] | undefined> }) {
    try {
      const client = this.#client(route.name)
      const body = await readRawBody(req)
      return route.version === 'v2'
        ? await client.notifications.parseV2(body)
        : await client.notifications.parse({ headers: req.headers, body })
    } catch (err) {
      throw refusalOf(err)
    }
  }

  #client(name: string | undefined): Wechatpay {
    let client = this.#clients.get(name)
    if (!client) {
      try {
        client = this.moduleRef.get<Wechatpay>(getWechatpayToken(name), { strict: false })
      } catch (err) {
        throw new NotificationRefusal(
          500,
          'error',
          `no Wechatpay client ${name === undefined ? '(the default one)' : `named "${name}"`} is registered: import WechatpayModule.forRoot(${name === undefined ? '' : `{ name: '${name}', … }`})`,
          { cause: err },
        )
      }
      this.#clients.set(name, client)
    }
    return client
  }
}
