import {
  WechatpayApiError,
  WechatpayBusinessError,
  WechatpayError,
  WechatpaySignatureError,
  WechatpayTransportError,
  WechatpayValidationError,
} from '@wxpay/core'
import { EXIT, FileError, type Io, type Redactor, UsageError } from './io.js'

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
    say(`wxpay: ${err.code}: ${err.message}`)
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
