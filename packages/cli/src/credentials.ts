import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { ParseArgsConfig } from 'node:util'
import type { WechatpayOptions } from '@wxpay/core'
import { type Io, type Redactor, UsageError } from './io'

/** The credential flags `call` and `certificates download` share, each with its variable. */
export const CREDENTIAL_FLAGS = {
  mchid: { type: 'string' },
  serial: { type: 'string' },
  'private-key': { type: 'string' },
  certs: { type: 'string' },
  'apiv3-key': { type: 'string' },
  secret: { type: 'string' },
  'base-url': { type: 'string' },
  'backup-base-url': { type: 'string' },
  timeout: { type: 'string' },
  'auto-certificates': { type: 'boolean' },
  'certificate-anchor': { type: 'string' },
} as const satisfies NonNullable<ParseArgsConfig['options']>

export const CREDENTIALS_HELP = `Credentials (a flag wins over its variable; an empty variable is unset):
  --mchid ID               WECHATPAY_MCHID          merchant id
  --serial SERIAL          WECHATPAY_SERIAL         merchant API certificate serial (APIv3)
  --private-key FILE       WECHATPAY_PRIVATE_KEY    apiclient_key.pem (the variable: the PEM, or a path)
  --certs FILE             WECHATPAY_CERTS          platform keys: a JSON file { "<serial>": "<PEM>" }
                                                    (the variable: that JSON, or a path to it)
  --apiv3-key KEY          WECHATPAY_APIV3_KEY      APIv3 key (certificates, --auto-certificates)
  --secret KEY             WECHATPAY_SECRET         APIv2 key (v2 paths)
  --base-url URL           WECHATPAY_BASE_URL       default https://api.mch.weixin.qq.com/
  --backup-base-url URL    WECHATPAY_BACKUP_BASE_URL  or false
  --timeout MS             WECHATPAY_TIMEOUT
  --auto-certificates      WECHATPAY_AUTO_CERTIFICATES=true  download platform certificates (needs the APIv3 key)
  --certificate-anchor FILE  WECHATPAY_CERTIFICATE_ANCHOR  WeChat Pay's root CA (PEM): downloaded
                                                    certificates must be issued by it (the variable: the PEM, or a path)
Prefer the variables for the keys: command-line arguments are visible to other local users.`

type Values = {
  [K in keyof typeof CREDENTIAL_FLAGS]?: (typeof CREDENTIAL_FLAGS)[K]['type'] extends 'boolean'
    ? boolean
    : string
}

function readText(path: string, what: string, io: Io): string {
  try {
    return readFileSync(resolve(io.cwd, path), 'utf8')
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new UsageError(`${what}: cannot read ${path} (${reason})`)
  }
}

function env(io: Io, name: string): string | undefined {
  const value = io.env[name]
  return value === undefined || value === '' ? undefined : value
}

function certsFrom(raw: string, source: string, io: Io): Record<string, string> {
  const text = raw.trimStart().startsWith('{') ? raw : readText(raw, source, io)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    // never echo the text: it sits next to secrets in an environment
    throw new UsageError(`${source} is not valid JSON (expected { "<serial>": "<PEM>" })`)
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new UsageError(`${source} must be a JSON object { "<serial>": "<PEM>" }`)
  return parsed as Record<string, string>
}

/**
 * The client options from the flags and `WECHATPAY_*`; every secret is handed to `redactor`.
 * Nothing is validated here beyond reading files and JSON: `new Wechatpay()` names a bad option.
 */
export function credentials(values: Values, io: Io, redactor: Redactor): WechatpayOptions {
  const options: Partial<WechatpayOptions> = {}
  const mchid = values.mchid ?? env(io, 'WECHATPAY_MCHID')
  if (mchid !== undefined) options.mchid = mchid
  const serial = values.serial ?? env(io, 'WECHATPAY_SERIAL')
  if (serial !== undefined) options.serial = serial

  let privateKey: string | undefined
  if (values['private-key'] !== undefined) privateKey = readText(values['private-key'], '--private-key', io)
  else {
    const raw = env(io, 'WECHATPAY_PRIVATE_KEY')
    if (raw !== undefined)
      privateKey = raw.includes('-----BEGIN') ? raw : readText(raw, 'WECHATPAY_PRIVATE_KEY', io)
  }
  redactor.add(privateKey)
  if (privateKey !== undefined) options.privateKey = privateKey

  if (values.certs !== undefined) options.certs = certsFrom(values.certs, '--certs', io)
  else {
    const raw = env(io, 'WECHATPAY_CERTS')
    if (raw !== undefined) options.certs = certsFrom(raw, 'WECHATPAY_CERTS', io)
  }

  const apiv3Key = values['apiv3-key'] ?? env(io, 'WECHATPAY_APIV3_KEY')
  redactor.add(apiv3Key)
  if (apiv3Key !== undefined) options.apiv3Key = apiv3Key
  const secret = values.secret ?? env(io, 'WECHATPAY_SECRET')
  redactor.add(secret)
  if (secret !== undefined) options.secret = secret

  const baseUrl = values['base-url'] ?? env(io, 'WECHATPAY_BASE_URL')
  if (baseUrl !== undefined) options.baseUrl = baseUrl
  const backup = values['backup-base-url'] ?? env(io, 'WECHATPAY_BACKUP_BASE_URL')
  if (backup !== undefined) options.backupBaseUrl = backup === 'false' ? false : backup
  const timeout = values.timeout ?? env(io, 'WECHATPAY_TIMEOUT')
  if (timeout !== undefined) {
    const ms = Number(timeout)
    if (!Number.isFinite(ms))
      throw new UsageError('--timeout / WECHATPAY_TIMEOUT must be a number of milliseconds')
    options.timeout = ms
  }
  const auto =
    values['auto-certificates'] ?? /^(1|true|yes)$/i.test(env(io, 'WECHATPAY_AUTO_CERTIFICATES') ?? '')
  if (auto) options.autoCertificates = true

  if (values['certificate-anchor'] !== undefined)
    options.certificateAnchor = readText(values['certificate-anchor'], '--certificate-anchor', io)
  else {
    const raw = env(io, 'WECHATPAY_CERTIFICATE_ANCHOR')
    if (raw !== undefined)
      options.certificateAnchor = raw.includes('-----BEGIN')
        ? raw
        : readText(raw, 'WECHATPAY_CERTIFICATE_ANCHOR', io)
  }

  if (options.mchid === undefined) throw new UsageError('no merchant id: give --mchid or set WECHATPAY_MCHID')
  return options as WechatpayOptions
}
