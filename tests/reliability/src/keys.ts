// Key material for the reliability suite, generated per run with node:crypto (never stored).
import { generateKeyPairSync, randomBytes } from 'node:crypto'

export interface KeyPair {
  privateKey: string
  publicKey: string
}

/** An RSA-2048 pair as PKCS#8 / SPKI PEM. */
export function rsaPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  }
}

/** `length` characters of `[0-9A-Za-z]`: an APIv2 key (32) or an APIv3 key (32). */
export function alnum(length = 32): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
  return Array.from(randomBytes(length), (b) => alphabet[b % 62]).join('')
}

/** The credentials of one merchant and of the gateway that answers it. */
export interface Credentials {
  mchid: string
  appid: string
  merchantSerial: string
  merchant: KeyPair
  platformSerial: string
  platform: KeyPair
  /** An unrelated pair: signatures with it are forgeries. */
  other: KeyPair
  secret: string
}

export function credentials(): Credentials {
  return {
    mchid: '1900000109',
    appid: 'wxd930ea5d5a258f4f',
    merchantSerial: randomBytes(20).toString('hex').toUpperCase(),
    merchant: rsaPair(),
    platformSerial: 'PUB_KEY_ID_0119000001092026112200000000000001',
    platform: rsaPair(),
    other: rsaPair(),
    secret: alnum(32),
  }
}
