// Test keys are generated here, per run, with openssl (never stored in the repo).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestKeys {
  dir: string
  /** PKCS#8 merchant key and its SPKI public key. */
  merchantKey: string
  merchantPublicKey: string
  /** The same merchant key as PKCS#1. */
  merchantKeyPkcs1: string
  /** Platform (WeChat Pay public key mode). */
  platformKey: string
  platformPublicKey: string
  /** Platform certificate mode: a self-signed X.509 certificate and its key. */
  certKey: string
  certificate: string
  certificateSerial: string
  /** An unrelated key pair, for forgeries. */
  otherKey: string
  otherPublicKey: string
  cleanup(): void
}

function openssl(args: string[], input?: string): string {
  return execFileSync('openssl', args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] })
}

export function generateKeys(): TestKeys {
  const dir = mkdtempSync(join(tmpdir(), 'wxpay-core-'))
  const pair = (name: string) => {
    const key = join(dir, `${name}.pem`)
    openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key])
    const pub = openssl(['pkey', '-in', key, '-pubout'])
    return { key: readFileSync(key, 'utf8'), pub, path: key }
  }
  const merchant = pair('merchant')
  const platform = pair('platform')
  const other = pair('other')
  const cert = pair('cert')
  const merchantKeyPkcs1 = openssl(['rsa', '-in', merchant.path, '-traditional'])
  const certificate = openssl([
    'req',
    '-x509',
    '-key',
    cert.path,
    '-subj',
    '/CN=Wechatpay Test Platform',
    '-days',
    '2',
    '-set_serial',
    '0x5B1F6A0D3C2E4F8091A2B3C4D5E6F708',
  ])
  return {
    dir,
    merchantKey: merchant.key,
    merchantPublicKey: merchant.pub,
    merchantKeyPkcs1,
    platformKey: platform.key,
    platformPublicKey: platform.pub,
    certKey: cert.key,
    certificate,
    certificateSerial: '5B1F6A0D3C2E4F8091A2B3C4D5E6F708',
    otherKey: other.key,
    otherPublicKey: other.pub,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/** `openssl dgst -sha256 -sign key` over `message`, base64: the byte-exact oracle for v3 signatures. */
export function opensslSign(keyPem: string, message: string, dir: string): string {
  const keyPath = join(dir, `k-${Math.random().toString(36).slice(2)}.pem`)
  writeFileSync(keyPath, keyPem)
  const signature = execFileSync('openssl', ['dgst', '-sha256', '-sign', keyPath], { input: message })
  rmSync(keyPath)
  return signature.toString('base64')
}
