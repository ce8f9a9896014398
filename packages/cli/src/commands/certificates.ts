import { createDecipheriv, X509Certificate } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { Wechatpay, WechatpayApiError, WechatpaySignatureError } from '@wxpay/core'
import { CREDENTIAL_FLAGS, CREDENTIALS_HELP, credentials } from '../credentials.js'
import { EXIT, FileError, type Io, type Redactor, UsageError } from '../io.js'

export const CERTIFICATES_HELP = `Usage: wxpay certificates download [--out DIR] [credentials]

Downloads the WeChat Pay platform certificates (GET /v3/certificates) of a merchant in
certificate mode, and writes them for the client's certs option:
  DIR/wechatpay_<serial>.pem   one PEM per certificate
  DIR/certs.json               { "<serial>": "<PEM>" }: new Wechatpay({ certs }), --certs, WECHATPAY_CERTS
Needs mchid, serial, private key and APIv3 key. The reply is trusted as the client trusts it
(autoCertificates): every certificate decrypts with the APIv3 key and is the one its serial_no
names, and the reply's signature verifies with the certificate it names; anything else exits 1
and writes nothing. Certificates that are expired or not yet valid are listed, not written.
A merchant in public-key mode (PUB_KEY_ID_…) has no certificates: 404 RESOURCE_NOT_EXISTS, exit 1.

  --out DIR   where to write (created if missing; default: the current directory)

${CREDENTIALS_HELP}`

interface Sealed {
  serial_no: string
  encrypt_certificate: { algorithm: string; nonce: string; associated_data?: string; ciphertext: string }
}

/** Upper-case hex without leading zeros: how WeChat Pay and X.509 tools may each write a serial. */
const normalize = (serial: string) => serial.toUpperCase().replace(/^0+(?=.)/, '')

function refuse(message: string): WechatpaySignatureError {
  return new WechatpaySignatureError(`platform certificates refused: ${message}`)
}

/**
 * AES-256-GCM open with the APIv3 key. The core does the same when it trusts a download; it does
 * not export that function, so the CLI opens the (already verified) reply with node:crypto.
 */
function open(apiv3Key: string, sealed: Sealed['encrypt_certificate']): string | undefined {
  const bytes = Buffer.from(sealed.ciphertext, 'base64')
  if (bytes.length <= 16) return undefined
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      Buffer.from(apiv3Key, 'utf8'),
      Buffer.from(sealed.nonce, 'utf8'),
    )
    decipher.setAAD(Buffer.from(sealed.associated_data ?? '', 'utf8'))
    decipher.setAuthTag(bytes.subarray(bytes.length - 16))
    return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString(
      'utf8',
    )
  } catch {
    return undefined
  }
}

function entries(data: unknown): Sealed[] {
  const list = (data as { data?: unknown } | null)?.data
  if (!Array.isArray(list)) throw refuse('the reply has no data array')
  return list.map((item: unknown, index) => {
    const entry = item as Partial<Sealed> | null
    const sealed = entry?.encrypt_certificate
    if (
      typeof entry?.serial_no !== 'string' ||
      !sealed ||
      sealed.algorithm !== 'AEAD_AES_256_GCM' ||
      typeof sealed.nonce !== 'string' ||
      typeof sealed.ciphertext !== 'string'
    )
      throw refuse(`data[${index}] is not a sealed AEAD_AES_256_GCM certificate`)
    return entry as Sealed
  })
}

/** `wxpay certificates download`. */
export async function certificates(args: string[], io: Io, redactor: Redactor): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...CREDENTIAL_FLAGS,
      out: { type: 'string', short: 'o' },
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
  const apiv3Key = options.apiv3Key!

  // The client downloads the certificates itself first (the bootstrap rule: each decrypts, and
  // the reply verifies with the certificate it names), then verifies this GET with them.
  const wxpay = new Wechatpay({ ...options, autoCertificates: true })
  let reply: Awaited<ReturnType<ReturnType<typeof wxpay.chain>['get']>>
  try {
    reply = await wxpay.chain('v3/certificates').get()
  } catch (err) {
    if (err instanceof WechatpayApiError && err.code === 'RESOURCE_NOT_EXISTS')
      io.stderr(
        'wxpay: this merchant has no platform certificates: it verifies WeChat Pay with a public key (PUB_KEY_ID_…).\n' +
          '       Download that key in the merchant platform (API安全) and put it in certs.\n',
      )
    throw err
  }

  const now = Date.now()
  const found: Array<{ serial: string; pem: string; notBefore: Date; notAfter: Date }> = []
  for (const [index, entry] of entries(reply.data).entries()) {
    const pem = open(apiv3Key, entry.encrypt_certificate)
    if (pem === undefined) throw refuse(`data[${index}] does not decrypt with the APIv3 key`)
    let certificate: X509Certificate
    try {
      certificate = new X509Certificate(pem)
    } catch {
      throw refuse(`data[${index}] is not an X.509 certificate`)
    }
    const serial = normalize(certificate.serialNumber)
    if (serial !== normalize(entry.serial_no))
      throw refuse(
        `data[${index}] is listed as ${entry.serial_no} but is the certificate with serial ${serial}`,
      )
    found.push({
      serial,
      pem,
      notBefore: new Date(certificate.validFrom),
      notAfter: new Date(certificate.validTo),
    })
  }
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
