import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto'
import { promisify } from 'node:util'
import { alnum, digits, hexUpper } from './random'

const generateRsa = promisify(generateKeyPair)

/** The merchant's credentials: what a client needs to call the sandbox. */
export interface MerchantCredentials {
  /** Merchant id (`mchid` in v3, `mch_id` in v2). */
  mchid: string
  /** The appid bound to the merchant, checked on v2 calls. */
  appid: string
  /** Merchant API certificate serial: 40 uppercase hex characters. */
  serial: string
  /** Merchant API private key, PKCS#8 PEM. */
  privateKey: string
  /** APIv2 key: 32 characters. */
  secret: string
  /** APIv3 key: 32 ASCII characters, the AES-256-GCM key of notification resources. */
  apiv3Key: string
}

/** The platform ("WeChat Pay public key") side: what a client needs to verify replies. */
export interface PlatformCredentials {
  /** WeChat Pay public key id, `PUB_KEY_ID_…`. */
  serial: string
  /** SPKI PEM public key. */
  publicKey: string
}

/** Platform credentials including the private key the sandbox signs with. */
export interface PlatformKeys extends PlatformCredentials {
  /** PKCS#8 PEM private key. */
  privateKey: string
}

/** Credentials plus the parsed `KeyObject`s the sandbox uses internally. */
export interface SandboxKeys {
  merchant: MerchantCredentials
  merchantPublicKey: KeyObject
  platform: PlatformKeys
  platformPrivateKey: KeyObject
}

/** Default merchant id and appid: the ones of WeChat Pay's own documentation samples. */
export const DEFAULT_MCHID = '1900000109'
export const DEFAULT_APPID = 'wxd930ea5d5a258f4f'

async function rsaPair(): Promise<{ privateKey: string; publicKey: string }> {
  const { privateKey, publicKey } = await generateRsa('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  })
  return { privateKey, publicKey }
}

function yyyymmdd(date: Date): string {
  return date.toISOString().slice(0, 10).replaceAll('-', '')
}

/** A WeChat-Pay-public-key-style id, e.g. `PUB_KEY_ID_0119000001092026112200000000000001`. */
export function platformSerialFor(mchid: string, date = new Date()): string {
  return `PUB_KEY_ID_01${mchid}${yyyymmdd(date)}${digits(14)}`
}

/**
 * Builds the sandbox's credentials: anything given is used as is, anything missing is generated
 * (RSA-2048 key pairs, a random merchant serial and APIv2 key).
 */
export async function createKeys(
  merchant: Partial<MerchantCredentials> = {},
  platform: Partial<PlatformKeys> = {},
): Promise<SandboxKeys> {
  const mchid = merchant.mchid ?? DEFAULT_MCHID
  // AES-256 needs exactly 32 bytes; WeChat's APIv3 keys are 32 ASCII characters
  if (merchant.apiv3Key !== undefined && !/^[\x21-\x7e]{32}$/.test(merchant.apiv3Key)) {
    throw new TypeError('merchant.apiv3Key must be 32 printable ASCII characters')
  }
  if (platform.publicKey && !platform.privateKey) {
    throw new TypeError(
      'platform.publicKey was given without platform.privateKey: the sandbox signs replies, give both',
    )
  }
  const [merchantPem, platformPem] = await Promise.all([
    merchant.privateKey ? Promise.resolve(undefined) : rsaPair(),
    platform.privateKey ? Promise.resolve(undefined) : rsaPair(),
  ])
  // normalised to PKCS#8 so that `merchant.privateKey` is always the documented format
  const merchantKey = createPrivateKey(merchant.privateKey ?? merchantPem!.privateKey)
  const merchantPrivate = merchantKey.export({ type: 'pkcs8', format: 'pem' }) as string
  const merchantPublicKey = createPublicKey(merchantKey)
  const platformPrivate = platform.privateKey ?? platformPem!.privateKey
  const platformPrivateKey = createPrivateKey(platformPrivate)
  const platformPublic =
    platform.publicKey ??
    (createPublicKey(platformPrivateKey).export({ type: 'spki', format: 'pem' }) as string)
  return {
    merchant: {
      mchid,
      appid: merchant.appid ?? DEFAULT_APPID,
      serial: merchant.serial ?? hexUpper(20),
      privateKey: merchantPrivate,
      secret: merchant.secret ?? alnum(32),
      apiv3Key: merchant.apiv3Key ?? alnum(32),
    },
    merchantPublicKey,
    platform: {
      serial: platform.serial ?? platformSerialFor(mchid),
      publicKey: platformPublic,
      privateKey: platformPrivate,
    },
    platformPrivateKey,
  }
}
