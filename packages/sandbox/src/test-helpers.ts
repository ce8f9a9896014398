// Helpers for the tests: requests signed by the client-side doubles of ./testing (not by the
// code under test), reply verification, and hand-made XML.
import { randomBytes } from 'node:crypto'
import { createKeys, type MerchantCredentials, type PlatformKeys } from './keys'
import { type Sandbox, type SandboxOptions, startSandbox } from './start'
import { v3Authorization, verifyV3Reply } from './testing/v3'
import { type V2SignType, v2Sign } from './v2-sign'

let shared: Promise<{ merchant: MerchantCredentials; platform: PlatformKeys }> | undefined

/** Key generation is the slow part of a start: the tests share one set of keys. */
export function sharedKeys(): Promise<{ merchant: MerchantCredentials; platform: PlatformKeys }> {
  shared ??= createKeys().then(({ merchant, platform }) => ({ merchant, platform }))
  return shared
}

/** A sandbox on port 0 with the shared keys. */
export async function start(options: SandboxOptions = {}): Promise<Sandbox> {
  const keys = await sharedKeys()
  return startSandbox({ merchant: keys.merchant, platform: keys.platform, ...options })
}

export interface SignOptions {
  timestamp?: number
  nonce?: string
  mchid?: string
  serial?: string
  privateKey?: string
}

/** An APIv3 Authorization header made here, not by the code under test. */
export function authorization(
  sb: Sandbox,
  method: string,
  target: string,
  body: string,
  options: SignOptions = {},
): string {
  return v3Authorization({
    privateKey: options.privateKey ?? sb.merchant.privateKey,
    mchid: options.mchid ?? sb.merchant.mchid,
    serial: options.serial ?? sb.merchant.serial,
    method,
    target,
    body,
    timestamp: options.timestamp ?? Math.floor(sb.clock.now() / 1000),
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
  })
}

export interface Reply {
  status: number
  headers: Headers
  text: string
  json: () => unknown
}

/** A signed APIv3 request with fetch; `target` is the path and query, without the leading base. */
export async function v3(
  sb: Sandbox,
  target: string,
  body?: unknown,
  options: SignOptions & { base?: string; method?: string; rawBody?: string } = {},
): Promise<Reply> {
  const method = options.method ?? 'POST'
  const text = options.rawBody ?? (body === undefined ? '' : JSON.stringify(body))
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'User-Agent': 'sandbox-tests',
    Authorization: authorization(sb, method, target, text, options),
  }
  if (text !== '') headers['Content-Type'] = 'application/json'
  const res = await fetch(new URL(target.slice(1), options.base ?? sb.url), {
    method,
    headers,
    ...(text === '' ? {} : { body: text }),
  })
  const replyText = await res.text()
  return { status: res.status, headers: res.headers, text: replyText, json: () => JSON.parse(replyText) }
}

/** Verifies a 2xx APIv3 reply with node:crypto and the platform public key. */
export function replyVerifies(sb: Sandbox, reply: Reply): boolean {
  const { serial, publicKey } = sb.platform
  return verifyV3Reply({ headers: reply.headers, body: reply.text, serial, publicKey })
}

/** A flat `<xml>` document, made by hand. */
export function xmlOf(fields: Record<string, string>): string {
  return `<xml>${Object.entries(fields)
    .map(([k, v]) => `<${k}><![CDATA[${v}]]></${k}>`)
    .join('')}</xml>`
}

/** Reads a flat `<xml>` reply with a regex, independently of the sandbox's parser. */
export function fieldsOf(xml: string): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const m of xml.matchAll(/<(\w+)><!\[CDATA\[(.*?)\]\]><\/\1>/g)) fields[m[1]!] = m[2]!
  return fields
}

/** A signed v2 close-order request. */
export async function v2(
  sb: Sandbox,
  fields: Record<string, string>,
  options: { secret?: string; signType?: V2SignType; base?: string; raw?: string } = {},
): Promise<{ status: number; text: string; fields: Record<string, string> }> {
  let body = options.raw
  if (body === undefined) {
    const all: Record<string, string> = {
      appid: sb.merchant.appid,
      mch_id: sb.merchant.mchid,
      nonce_str: randomBytes(8).toString('hex'),
      ...fields,
    }
    if (options.signType === 'HMAC-SHA256') all.sign_type = 'HMAC-SHA256'
    all.sign ??= v2Sign(all, options.secret ?? sb.merchant.secret, options.signType ?? 'MD5')
    body = xmlOf(all)
  }
  const res = await fetch(new URL('pay/closeorder', options.base ?? sb.url), {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml' },
    body,
  })
  const text = await res.text()
  return { status: res.status, text, fields: fieldsOf(text) }
}

/** Whether a v2 reply's `sign` verifies with the merchant's APIv2 key. */
export function v2ReplyVerifies(
  sb: Sandbox,
  fields: Record<string, string>,
  signType: V2SignType = 'MD5',
): boolean {
  return fields.sign !== undefined && fields.sign === v2Sign(fields, sb.merchant.secret, signType)
}
