import { rsaSign } from '../crypto/signature'
import { fromBase64, toBase64, utf8 } from '../encoding'
import { WechatpayError, WechatpayValidationError } from '../errors'

/**
 * `signer` of `new Wechatpay()`: signs a message with the merchant API private key
 * (RSASSA-PKCS1-v1_5 with SHA-256) and resolves to the signature in base64, so the key can stay in
 * a KMS or HSM. `message` is the exact string to sign (the APIv3 request message, or a pay-sign
 * message), to be signed as its UTF-8 bytes.
 *
 * @example
 * ```ts
 * // AWS KMS, an RSA_2048 key with SIGN_VERIFY usage
 * const signer = async (message: string) => {
 *   const { Signature } = await kms.send(new SignCommand({ KeyId, Message: Buffer.from(message),
 *     MessageType: 'RAW', SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' }))
 *   return Buffer.from(Signature!).toString('base64')
 * }
 * ```
 */
export type Signer = (message: string) => Promise<string>

/** A signer on an imported key (the `privateKey` PEM, or a non-extractable `CryptoKey` given as `signer`). */
export function keySigner(key: Promise<CryptoKey> | CryptoKey): Signer {
  return async (message) => toBase64(await rsaSign(await key, utf8.encode(message)))
}

/** A 2048-bit (or larger) RSA signature in base64: what the user's signer must resolve to. */
const SIGNATURE = /^[A-Za-z0-9+/]{340,}={0,2}$/

/**
 * The user's signer, guarded: what it throws, or a result that is not a base64 RSA signature,
 * becomes a `WechatpayValidationError` naming `signer` (before any I/O: requests are signed
 * before they leave); a `WechatpayError` passes through.
 */
export function guardSigner(signer: Signer): Signer {
  return async (message) => {
    let signature: unknown
    try {
      signature = await signer(message)
    } catch (err) {
      if (err instanceof WechatpayError) throw err
      throw new WechatpayValidationError('signer', 'the signer failed (see `cause`)', { cause: err })
    }
    if (typeof signature !== 'string' || !SIGNATURE.test(signature) || !fromBase64(signature))
      throw new WechatpayValidationError(
        'signer',
        'must resolve to the base64 RSASSA-PKCS1-v1_5 SHA-256 signature of the message (2048 bits or more)',
      )
    return signature
  }
}

/** Checks the `signer` option: a function, or a private RSASSA-PKCS1-v1_5 SHA-256 `CryptoKey` that signs. */
export function checkSigner(value: unknown): Signer {
  if (typeof value === 'function') return guardSigner(value as Signer)
  const key = value as CryptoKey
  if (
    typeof CryptoKey !== 'undefined' &&
    value instanceof CryptoKey &&
    key.type === 'private' &&
    key.algorithm.name === 'RSASSA-PKCS1-v1_5' &&
    (key.algorithm as RsaHashedKeyAlgorithm).hash?.name === 'SHA-256' &&
    key.usages.includes('sign')
  )
    return keySigner(key)
  throw new WechatpayValidationError(
    'signer',
    'must be an async function (message) => base64 signature, or a private RSASSA-PKCS1-v1_5 SHA-256 CryptoKey with the sign usage',
  )
}
