// @wxpay/core/otel against the OpenTelemetry SDK's in-memory exporter: one span per call named by
// its path template, status and Request-ID attributes, retries as events of the same span,
// failures recorded with ERROR status, and the caller's active span as parent.
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { type Answer, type Gateway, startGateway } from '@wxpay/sandbox/testing'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { clientOptions, mchid, merchantSerial, platformSerial, secret } from '../test/fixtures'
import { type TestKeys, testKeys } from '../test/keys'
import { WechatpayApiError, WechatpaySignatureError } from './errors'
import { Wechatpay } from './node'
import { otelHooks } from './otel'

let keys: TestKeys
let gateway: Gateway
let script: Answer[] = []
const exporter = new InMemorySpanExporter()
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
const tracer = provider.getTracer('test')
const contextManager = new AsyncLocalStorageContextManager()

beforeAll(async () => {
  keys = testKeys()
  context.setGlobalContextManager(contextManager.enable())
  gateway = await startGateway({
    mchid,
    merchantSerial,
    merchantPublicKey: keys.merchantPublicKey,
    platformSerial,
    platformKey: keys.platformKey,
    secret,
  })
  gateway.handler = () => script[Math.min(gateway.seen.length - 1, script.length - 1)] ?? ok
})
afterAll(async () => {
  context.disable()
  await gateway.close()
})
afterEach(() => {
  exporter.reset()
  gateway.seen.length = 0
  script = []
})

const ok: Answer = { status: 200, body: '{"trade_state":"SUCCESS"}' }
const wxpay = () =>
  new Wechatpay({
    ...clientOptions(keys),
    baseUrl: gateway.url,
    backupBaseUrl: false,
    retry: { retries: 2, minDelayMs: 10, maxDelayMs: 50 },
    hooks: otelHooks({ tracer }),
  })
const query = (client: Wechatpay) =>
  client.v3.pay.transactions.id._transaction_id_.get({ transaction_id: '4200001', query: { mchid } })

describe('otelHooks', () => {
  test('one CLIENT span per call, named by the template, with status and Request-ID', async () => {
    script = [{ status: 200, headers: { 'request-id': 'RID-1' }, body: '{"trade_state":"SUCCESS"}' }]
    await query(wxpay())
    const spans = exporter.getFinishedSpans()
    expect(spans).toHaveLength(1)
    const [span] = spans
    expect(span!.name).toBe('WECHATPAY GET v3/pay/transactions/id/{transaction_id}')
    expect(span!.kind).toBe(SpanKind.CLIENT)
    expect(span!.attributes).toMatchObject({
      'http.request.method': 'GET',
      'wechatpay.path': 'v3/pay/transactions/id/{transaction_id}',
      'http.response.status_code': 200,
      'wechatpay.request_id': 'RID-1',
      'wechatpay.attempts': 1,
      'server.address': '127.0.0.1',
    })
    expect(span!.status.code).not.toBe(SpanStatusCode.ERROR)
    // no header values or bodies
    expect(JSON.stringify(span!.attributes)).not.toMatch(/WECHATPAY2|SUCCESS/)
  })

  test('a retried call is still one span: attempts=2 and a retry event', async () => {
    script = [{ status: 429, body: '{"code":"FREQUENCY_LIMITED","message":"x"}' }, ok]
    await query(wxpay())
    expect(gateway.seen).toHaveLength(2)
    const spans = exporter.getFinishedSpans()
    expect(spans).toHaveLength(1)
    expect(spans[0]!.attributes['wechatpay.attempts']).toBe(2)
    expect(spans[0]!.attributes['http.response.status_code']).toBe(200)
    const retries = spans[0]!.events.filter((e) => e.name === 'retry')
    expect(retries).toHaveLength(1)
    expect(retries[0]!.attributes).toMatchObject({ 'http.response.status_code': 429 })
  })

  test('a 404 API error: the exception recorded, ERROR status', async () => {
    script = [{ status: 404, body: '{"code":"RESOURCE_NOT_EXISTS","message":"订单不存在"}' }]
    await expect(query(wxpay())).rejects.toBeInstanceOf(WechatpayApiError)
    const [span] = exporter.getFinishedSpans()
    expect(span!.status.code).toBe(SpanStatusCode.ERROR)
    expect(span!.attributes).toMatchObject({
      'http.response.status_code': 404,
      'error.type': 'RESOURCE_NOT_EXISTS',
    })
    const exception = span!.events.find((e) => e.name === 'exception')
    expect(exception?.attributes?.['exception.type']).toBeDefined()
    expect(String(exception?.attributes?.['exception.message'])).toContain('订单不存在')
  })

  test('a signature failure: recorded with ERROR status', async () => {
    script = [{ ...(ok as object), sign: false } as Answer]
    await expect(query(wxpay())).rejects.toBeInstanceOf(WechatpaySignatureError)
    const spans = exporter.getFinishedSpans()
    expect(spans).toHaveLength(1)
    expect(spans[0]!.status.code).toBe(SpanStatusCode.ERROR)
    expect(spans[0]!.events.some((e) => e.name === 'exception')).toBe(true)
  })

  test('the active span is the parent (context.with)', async () => {
    const parent = tracer.startSpan('checkout')
    await context.with(trace.setSpan(context.active(), parent), () => query(wxpay()))
    parent.end()
    const spans = exporter.getFinishedSpans()
    const child = spans.find((s) => s.name.startsWith('WECHATPAY'))!
    expect(child.spanContext().traceId).toBe(parent.spanContext().traceId)
    expect(child.parentSpanContext?.spanId).toBe(parent.spanContext().spanId)
  })

  test('without an active span the call span is a root', async () => {
    await query(wxpay())
    const [span] = exporter.getFinishedSpans()
    expect(span!.parentSpanContext).toBeUndefined()
  })
})
