import { nonce as makeNonce } from '../encoding'
import { keySigner, type Signer } from '../keys/signer'

/** The scheme of the APIv3 `Authorization` header and of `Wechatpay-Signature-Type`. */
export const SCHEME = 'WECHATPAY2-SHA256-RSA2048'

/**
 * The APIv3 string to sign: five lines, each ending in `\n`, the last one the exact body
 * (empty when there is none). PATH_AND_QUERY is what goes on the request line.
 */
export function requestMessage(
  method: string,
  pathAndQuery: string,
  timestamp: string,
  nonce: string,
  body: string,
) {
  return `${method}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${body}\n`
}

export interface AuthorizationInput {
  /** The merchant private key, or a signer holding it (a KMS). */
  key: CryptoKey | Signer
  mchid: string
  serial: string
  method: string
  pathAndQuery: string
  body: string
  /** Unix seconds; defaults to now. */
  timestamp?: string
  nonce?: string
}

/** Builds `WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…"`. */
export async function authorization(input: AuthorizationInput): Promise<string> {
  const timestamp = input.timestamp ?? String(Math.floor(Date.now() / 1000))
  const nonce = input.nonce ?? makeNonce()
  const message = requestMessage(input.method, input.pathAndQuery, timestamp, nonce, input.body)
  const sign = typeof input.key === 'function' ? input.key : keySigner(input.key)
  const signature = await sign(message)
  return `${SCHEME} mchid="${input.mchid}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${input.serial}"`
}
