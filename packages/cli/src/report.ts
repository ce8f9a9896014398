import {
  WechatpayApiError,
  WechatpayBusinessError,
  WechatpayError,
  WechatpaySignatureError,
  WechatpayTransportError,
  WechatpayValidationError,
} from '@wxpay/core'
import { EXIT, FileError, type Io, type Redactor, UsageError } from './io'

/** `node:util` parseArgs errors (unknown flag, missing value): a usage error. */
function isParseArgsError(err: unknown): err is Error {
  const code = (err as { code?: unknown } | null)?.code
  return err instanceof TypeError && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')
}

/** The reply fields that say which request it was, for a support ticket. */
function where(status: number | undefined, requestId: string | undefined): string {
  const parts = [status === undefined ? '' : `HTTP ${status}`, requestId ? `Request-ID ${requestId}` : '']
  const text = parts.filter(Boolean).join(', ')
  return text ? ` (${text})` : ''
}

/** Client options → the flag (and variable) that sets them. */
const OPTION_FLAGS: Record<string, string> = {
  mchid: '--mchid (WECHATPAY_MCHID)',
  serial: '--serial (WECHATPAY_SERIAL)',
  privateKey: '--private-key (WECHATPAY_PRIVATE_KEY)',
  certs: '--certs (WECHATPAY_CERTS)',
  apiv3Key: '--apiv3-key (WECHATPAY_APIV3_KEY)',
  secret: '--secret (WECHATPAY_SECRET)',
  baseUrl: '--base-url (WECHATPAY_BASE_URL)',
  backupBaseUrl: '--backup-base-url (WECHATPAY_BACKUP_BASE_URL)',
  timeout: '--timeout (WECHATPAY_TIMEOUT)',
  autoCertificates: '--auto-certificates (WECHATPAY_AUTO_CERTIFICATES)',
  certificateAnchor: '--certificate-anchor (WECHATPAY_CERTIFICATE_ANCHOR)',
  json: '--json',
  xml: '--xml',
  query: '--query',
  headers: '--header',
  path: 'the path',
}

/**
 * What a `WechatpayValidationError`'s option is called on this command line: `privateKey` →
 * `--private-key (WECHATPAY_PRIVATE_KEY)`, `query.x` → `--query x=…`, `xml.x` → `--xml x=…`,
 * `headers.X` → `--header X=…`, a path variable `out_trade_no` → `--var out_trade_no=…`.
 */
export function flagOf(option: string): string {
  const known = OPTION_FLAGS[option]
  if (known) return known
  const certs = /^certs\[(.+)\]$/.exec(option)
  if (certs) return `--certs (WECHATPAY_CERTS) entry ${certs[1]}`
  const dot = option.indexOf('.')
  if (dot > 0) {
    const head = option.slice(0, dot)
    const rest = option.slice(dot + 1)
    if (head === 'query') return `--query ${rest}=…`
    if (head === 'xml') return `--xml ${rest}=…`
    if (head === 'headers') return `--header ${rest}=…`
    if (head === 'json') return `--json (field ${rest})`
  }
  return `--var ${option}=…`
}

/** The core's message, spoken in flags: `privateKey: …` → `--private-key (…): …`. */
function inFlags(err: WechatpayValidationError): string {
  const flag = flagOf(err.option)
  let message = err.message.startsWith(`${err.option}: `)
    ? err.message.slice(err.option.length + 2)
    : err.message
  // the core's advice for a missing path variable names the request option
  message = message.replace(`pass it as the "${err.option}" option`, `pass it as ${flag}`)
  return `${flag}: ${message}`
}

/**
 * Prints an error on stderr (a WeChat Pay error body, or a v2 FAIL reply, as JSON on stdout) and
 * returns the exit code. Every line goes through the redactor.
 */
export function report(err: unknown, io: Io, redactor: Redactor, help: string): number {
  const say = (line: string) => io.stderr(`${redactor.redact(line)}\n`)
  if (err instanceof UsageError || isParseArgsError(err)) {
    say(`wxpay: ${err.message}`)
    say(`Run '${help} --help' for usage.`)
    return EXIT.USAGE
  }
  if (err instanceof FileError) {
    say(`wxpay: ${err.message}`)
    return EXIT.FILE
  }
  if (err instanceof WechatpayValidationError) {
    say(`wxpay: ${err.code}: ${inFlags(err)}`)
    say('Nothing was sent.')
    return EXIT.USAGE
  }
  if (err instanceof WechatpayApiError) {
    say(`wxpay: ${err.code}: ${err.message}${where(err.status, err.requestId)}`)
    if (err.detail !== undefined) io.stdout(`${redactor.redact(JSON.stringify(err.detail, null, 2))}\n`)
    return EXIT.API
  }
  if (err instanceof WechatpayBusinessError) {
    say(`wxpay: ${err.code}: ${err.message}${where(err.status, undefined)}`)
    io.stdout(`${redactor.redact(JSON.stringify(err.data, null, 2))}\n`)
    return EXIT.API
  }
  if (err instanceof WechatpaySignatureError) {
    say(`wxpay: ${err.code}: ${err.message}${where(err.status, err.requestId)}`)
    say('The reply was not trusted: nothing of it is shown.')
    return EXIT.API
  }
  if (err instanceof WechatpayTransportError) {
    say(`wxpay: ${err.code}: ${err.message}`)
    return EXIT.NETWORK
  }
  if (err instanceof WechatpayError) {
    say(`wxpay: ${err.code}: ${err.message}`)
    return EXIT.API
  }
  say(`wxpay: unexpected error: ${err instanceof Error ? err.message : String(err)}`)
  return EXIT.API
}
