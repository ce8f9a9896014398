/**
 * `@wxpay/core/otel`: OpenTelemetry tracing for a client, as a thin layer over its `hooks`. One
 * client span per call, named `WECHATPAY {METHOD} {path template}`, a child of the span active
 * when the call was made; the status code, WeChat Pay's Request-ID and the number of attempts as
 * attributes; a failed call records its error. Needs `@opentelemetry/api` (an optional peer
 * dependency of `@wxpay/core`) and an SDK set up by the application.
 *
 * @example
 * ```ts
 * import { Wechatpay } from '@wxpay/core'
 * import { otelHooks } from '@wxpay/core/otel'
 * const wxpay = new Wechatpay({ …, hooks: otelHooks() })
 * ```
 * @module
 */
import { context, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api'
import type { Hooks } from './pipeline/hooks'
import { VERSION } from './version'

export interface OtelHooksOptions {
  /** Default: `trace.getTracer('@wxpay/core', VERSION)` of the global provider. */
  tracer?: Tracer
  /** More hooks to run as well (a logger, say). */
  also?: Hooks
}

/**
 * Hooks that trace every call of a client (calls, uploads, downloads, certificate downloads).
 * Attributes: `http.request.method`, `url.full`, `server.address`, `wechatpay.path` (the
 * template), `http.response.status_code`, `wechatpay.request_id`, `wechatpay.attempts`; an event
 * per retried attempt. Never a header value, a body or a key.
 */
export function otelHooks(options: OtelHooksOptions = {}): Hooks {
  const tracer = options.tracer ?? trace.getTracer('@wxpay/core', VERSION)
  const spans = new Map<number, Span>()
  const also = options.also ?? {}
  const finish = (callId: number, attempts: number, willRetry: boolean) => {
    const span = spans.get(callId)
    if (!span) return undefined
    if (!willRetry) {
      span.setAttribute('wechatpay.attempts', attempts)
      spans.delete(callId)
    }
    return span
  }
  return {
    request(e) {
      if (e.attempt === 1) {
        const url = new URL(e.url)
        spans.set(
          e.callId,
          tracer.startSpan(
            `WECHATPAY ${e.method} ${e.path}`,
            {
              kind: SpanKind.CLIENT,
              attributes: {
                'http.request.method': e.method,
                'url.full': e.url,
                'server.address': url.hostname,
                'wechatpay.path': e.path,
              },
            },
            context.active(),
          ),
        )
      }
      also.request?.(e)
    },
    response(e) {
      const span = finish(e.callId, e.attempt, e.willRetry)
      if (span) {
        span.setAttribute('http.response.status_code', e.status)
        if (e.requestId) span.setAttribute('wechatpay.request_id', e.requestId)
        if (e.willRetry) span.addEvent('retry', { 'http.response.status_code': e.status, attempt: e.attempt })
        else span.end()
      }
      also.response?.(e)
    },
    error(e) {
      const span = finish(e.callId, e.attempt, e.willRetry)
      if (span) {
        if (e.status !== undefined) span.setAttribute('http.response.status_code', e.status)
        if (e.requestId) span.setAttribute('wechatpay.request_id', e.requestId)
        const code = (e.error as { code?: unknown }).code
        if (e.willRetry)
          span.addEvent('retry', { 'error.type': typeof code === 'string' ? code : e.error.name })
        else {
          span.recordException(e.error)
          span.setAttribute('error.type', typeof code === 'string' ? code : e.error.name)
          span.setStatus({ code: SpanStatusCode.ERROR, message: e.error.message })
          span.end()
        }
      }
      also.error?.(e)
    },
  }
}
