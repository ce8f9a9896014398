// Test key material, generated per run with node:crypto (never stored in the repository).
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { DEFAULT_APPID, DEFAULT_MCHID } from '../keys'
import { alnum } from '../random'

export { alnum }

/** An RSA key pair as PEM. */
export interface KeyPair {
  /** PKCS#8 PEM. */
  privateKey: string
  /** SPKI PEM. */
  publicKey: string
}

/** A fresh RSA-2048 pair (synchronous: about 50–200 ms, more on a loaded machine). */
export function rsaKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  }
}

/** One merchant, the gateway that answers it, and an unrelated key for forgeries. */
export interface TestCredentials {
  mchid: string
  appid: string
  /** Merchant API certificate serial: 40 uppercase hex characters. */
  merchantSerial: string
  merchant: KeyPair
  /** WeChat Pay public key id. */
  platformSerial: string
  platform: KeyPair
  /** An unrelated pair: signatures with it are forgeries. */
  other: KeyPair
  /** APIv2 key: 32 characters. */
  secret: string
  /** APIv3 key: 32 characters. */
  apiv3Key: string
}

/** Fresh credentials: three RSA-2048 pairs, random serial and keys, the documentation's ids. */
export function testCredentials(): TestCredentials {
  return {
    mchid: DEFAULT_MCHID,
    appid: DEFAULT_APPID,
    merchantSerial: randomBytes(20).toString('hex').toUpperCase(),
    merchant: rsaKeyPair(),
    platformSerial: 'PUB_KEY_ID_0119000001092026112200000000000001',
    platform: rsaKeyPair(),
    other: rsaKeyPair(),
    secret: alnum(32),
    apiv3Key: alnum(32),
  }
}
