import { mkdirSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import {
  type CertificatesEndpoint,
  type PlatformCertificate,
  Wechatpay,
  WechatpayApiError,
  WechatpaySignatureError,
} from '@wxpay/core'
import { CREDENTIAL_FLAGS, CREDENTIALS_HELP, credentials } from '../credentials'
import { EXIT, FileError, type Io, type Redactor, UsageError } from '../io'

export const CERTIFICATES_HELP = `Usage: wxpay certificates download [--out DIR] [--endpoint PATH] [credentials]

Downloads the WeChat Pay platform certificates (GET /v3/certificates, or --endpoint) of a merchant
in certificate mode, and writes them for the client's certs option:
  DIR/wechatpay_<serial>.pem   one PEM per certificate
  DIR/certs.json               { "<serial>": "<PEM>" }: new Wechatpay({ certs }), --certs, WECHATPAY_CERTS
Needs mchid, serial, private key and APIv3 key. The reply is trusted as the client trusts it
(autoCertificates): every certificate decrypts with the APIv3 key and is the one its serial_no
names, and the reply's signature verifies with the certificate it names; anything else exits 1
and writes nothing. Certificates that are expired or not yet valid are listed, not written.
A merchant in public-key mode (PUB_KEY_ID_…) has no certificates: 404 RESOURCE_NOT_EXISTS, exit 1.

  --out DIR        where to write (created if missing; default: the current directory)
  --endpoint PATH  v3/certificates (mainland, default), v3/global/certificates (cross-border),
                   hk/v3/certificates (HK wallet): the client's certificatesEndpoint option

${CREDENTIALS_HELP}`

function refuse(message: string): WechatpaySignatureError {
  return new WechatpaySignatureError(`platform certificates refused: ${message}`)
}

/** `wxpay certificates download`. */
export async function certificates(args: string[], io: Io, redactor: Redactor): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...CREDENTIAL_FLAGS,
      out: { type: 'string', short: 'o' },
      endpoint: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help || positionals.length === 0) {
    ;(values.help ? io.stdout : io.stderr)(`${CERTIFICATES_HELP}\n`)
    return values.help ? EXIT.OK : EXIT.USAGE
  }
  if (positionals.length !== 1 || positionals[0] !== 'download')
    throw new UsageError(
      `unknown certificates command: ${positionals.join(' ')} (try: wxpay certificates download)`,
    )
  if (values.out === '') throw new UsageError('--out needs a directory')

  const options = credentials(values, io, redactor)
  const missing = (
    [
      ['serial', '--serial / WECHATPAY_SERIAL'],
      ['privateKey', '--private-key / WECHATPAY_PRIVATE_KEY'],
      ['apiv3Key', '--apiv3-key / WECHATPAY_APIV3_KEY'],
    ] as const
  ).filter(([name]) => options[name] === undefined)
  if (missing.length > 0)
    throw new UsageError(`the download needs ${missing.map(([, flag]) => flag).join(', ')}`)

  // One request, trusted by the client's own download code (the bootstrap rule: each certificate
  // decrypts with the APIv3 key and is the one its serial_no names; the reply verifies with the
  // certificate it names). The CLI decrypts nothing itself.
  const endpoint = values.endpoint as CertificatesEndpoint | undefined
  const wxpay = new Wechatpay(
    endpoint === undefined ? options : { ...options, certificatesEndpoint: endpoint },
  )
  const publicKeyMode = () =>
    io.stderr(
      'wxpay: this merchant has no platform certificates: it verifies WeChat Pay with a public key (PUB_KEY_ID_…).\n' +
        '       Download that key in the merchant platform (API安全) and put it in certs.\n',
    )
  let found: PlatformCertificate[]
  try {
    found = await wxpay.certificates()
  } catch (err) {
    if (err instanceof WechatpayApiError && err.code === 'RESOURCE_NOT_EXISTS') publicKeyMode()
    throw err
  }
  // [] is the 404 of a public-key merchant whose public key is already in certs.
  if (found.length === 0) {
    publicKeyMode()
    throw refuse('the merchant has no platform certificates')
  }

  const now = Date.now()
  const valid = found.filter((c) => c.notBefore.getTime() <= now && now <= c.notAfter.getTime())
  if (valid.length === 0) throw refuse('no certificate in the reply is valid now')
  const certs = Object.fromEntries(valid.map((c) => [c.serial, c.pem]))
  // The set must be one the client accepts as its certs option (it imports each key now).
  new Wechatpay({ mchid: options.mchid, certs })

  const dir = resolve(io.cwd, values.out ?? '.')
  const shown = (file: string) => relative(io.cwd, file) || '.'
  const lines: string[] = []
  try {
    mkdirSync(dir, { recursive: true })
    for (const c of valid) {
      const file = join(dir, `wechatpay_${c.serial}.pem`)
      writeFileSync(file, c.pem.endsWith('\n') ? c.pem : `${c.pem}\n`)
      lines.push(`${c.serial}  ${c.notBefore.toISOString()} → ${c.notAfter.toISOString()}  ${shown(file)}`)
    }
    writeFileSync(join(dir, 'certs.json'), `${JSON.stringify(certs, null, 2)}\n`)
  } catch (err) {
    throw new FileError(`cannot write to ${shown(dir)} (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  for (const c of found)
    if (!valid.includes(c))
      io.stderr(
        `skipped ${c.serial}: valid ${c.notBefore.toISOString()} → ${c.notAfter.toISOString()}, not now\n`,
      )
  io.stdout(
    redactor.redact(
      `${lines.join('\n')}\n${shown(join(dir, 'certs.json'))}: ${valid.length} certificate${valid.length === 1 ? '' : 's'}, for the certs option (--certs, WECHATPAY_CERTS)\n`,
    ),
  )
  return EXIT.OK
}
