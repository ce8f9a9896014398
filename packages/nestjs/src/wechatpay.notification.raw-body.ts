import { MAX_NOTIFICATION_BYTES } from '@wxpay/core'

// The core refuses notifications over MAX_NOTIFICATION_BYTES (1 MiB); reading stops there too
// (real ones are a few KiB).

/** What the request objects of Express and Fastify look like, for reading the body. */
interface NodeStreamLike {
  readable?: boolean
  readableEnded?: boolean
  on(event: string, listener: (...args: never[]) => void): unknown
  [Symbol.asyncIterator]?: () => AsyncIterator<unknown>
}
interface RequestLike {
  rawBody?: unknown
  body?: unknown
  raw?: unknown
}

/** Thrown when no raw body can be found: the application did not enable `rawBody`. */
export class RawBodyMissingError extends Error {}
/** Thrown for a body over the core's limit: refused without reading further. */
export class BodyTooLargeError extends Error {}

function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array
}

function isUnreadStream(value: unknown): value is NodeStreamLike {
  const stream = value as NodeStreamLike | undefined
  return (
    !!stream &&
    typeof stream.on === 'function' &&
    typeof stream[Symbol.asyncIterator] === 'function' &&
    stream.readable === true &&
    stream.readableEnded === false
  )
}

async function readStream(stream: NodeStreamLike): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of stream as AsyncIterable<Uint8Array | string>) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk
    size += bytes.length
    if (size > MAX_NOTIFICATION_BYTES) throw new BodyTooLargeError('notification body too large')
    chunks.push(bytes)
  }
  const out = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    out.set(chunk, at)
    at += chunk.length
  }
  return out
}

/**
 * The body exactly as received, never a re-serialised object (the signature covers the bytes):
 * `req.rawBody` (Nest's `rawBody: true`, Express and Fastify), else a body a raw or text parser
 * left as bytes or text, else the request stream when no body parser touched it (Express and a
 * content type it has no parser for, e.g. APIv2's `text/xml`). A body that was parsed into an
 * object without `rawBody` is a {@link RawBodyMissingError}.
 */
export async function readRawBody(request: object): Promise<Uint8Array | string> {
  const req = request as RequestLike
  // (typed loosely: Express and Fastify requests differ)
  return readFrom(req)
}

async function readFrom(req: RequestLike): Promise<Uint8Array | string> {
  if (isBytes(req.rawBody)) return req.rawBody
  if (isBytes(req.body) || typeof req.body === 'string') return req.body
  const stream = isUnreadStream(req.raw) ? req.raw : isUnreadStream(req) ? req : undefined
  if (stream) return readStream(stream)
  throw new RawBodyMissingError(
    'the raw request body is not available: create the application with `rawBody: true` ' +
      '(NestFactory.create(AppModule, { rawBody: true })); a notification is verified over its exact bytes',
  )
}
