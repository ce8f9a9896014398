// openssl as an independent oracle for the key tests: it writes the keys and certificates (bad
// ones too) that the SDK's own DER reader must accept or refuse. Nothing here is stored in the repo.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export function openssl(args: string[], input?: string): string {
  return execFileSync('openssl', args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] })
}

/** The DER inside a PEM, decoded with Buffer (independently of the SDK's decoder). */
export function pemDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----(BEGIN|END) [^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
}

/** A PEM of `der` under `label`, 64 characters a line. */
export function pemOf(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64')
  return `-----BEGIN ${label}-----\n${base64.replace(/.{64}/g, '$&\n')}\n-----END ${label}-----\n`
}

/** A new RSA key of `bits` (PKCS#8 PEM), its path and its SPKI public key PEM. */
export function rsaKey(dir: string, bits: number): { key: string; path: string; publicKey: string } {
  const path = join(dir, `rsa-${bits}-${Math.random().toString(36).slice(2)}.pem`)
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${bits}`, '-out', path])
  return { key: readFileSync(path, 'utf8'), path, publicKey: openssl(['pkey', '-in', path, '-pubout']) }
}

/**
 * A self-signed certificate over the key at `keyPath` with the given serial (hex) and validity
 * (`YYYYMMDDHHMMSSZ`), signed by `openssl ca` (the only openssl 3.0 command that takes both dates).
 */
export function certificate(
  dir: string,
  keyPath: string,
  { serial, start, end }: { serial: string; start: string; end: string },
): string {
  const ca = mkdtempSync(join(dir, 'ca-'))
  mkdirSync(join(ca, 'out'))
  writeFileSync(join(ca, 'index.txt'), '')
  writeFileSync(join(ca, 'serial'), `${serial}\n`)
  const config = join(ca, 'ca.cnf')
  writeFileSync(
    config,
    [
      '[ca]',
      'default_ca = d',
      '[d]',
      `database = ${join(ca, 'index.txt')}`,
      `new_certs_dir = ${join(ca, 'out')}`,
      `serial = ${join(ca, 'serial')}`,
      'default_md = sha256',
      'policy = p',
      '[p]',
      'commonName = supplied',
      '',
    ].join('\n'),
  )
  const csr = join(ca, 'req.csr')
  openssl(['req', '-new', '-key', keyPath, '-subj', '/CN=Wechatpay Test Platform', '-out', csr])
  return openssl([
    'ca',
    '-batch',
    '-config',
    config,
    '-selfsign',
    '-keyfile',
    keyPath,
    '-in',
    csr,
    '-startdate',
    start,
    '-enddate',
    end,
    '-notext',
  ])
}
