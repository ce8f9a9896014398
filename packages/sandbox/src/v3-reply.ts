import { type KeyObject, randomBytes, sign } from 'node:crypto'
import { alnum } from './random.js'

/** How a signed reply should be spoiled, if at all (see faults). */
export type SignatureTamper = 'none' | 'bad' | 'signtest'

export interface ReplySigner {
  serial: string
  privateKey: KeyObject
}

/**
 * The `Wechatpay-*` headers of a 2xx APIv3 reply: SHA256withRSA over `TIMESTAMP\nNONCE\nBODY\n`
 * with the raw body (empty for a 204, which is still signed: PROTOCOL.md).
 *
 * `bad` yields a genuine RSA signature of a different message (valid base64, wrong value);
 * `signtest` mimics WeChat's deliberate probes: `WECHATPAY/SIGNTEST/` + base64 garbage.
 */
export function signedReplyHeaders(
  body: string,
  timestamp: number,
  signer: ReplySigner,
  tamper: SignatureTamper = 'none',
): Record<string, string> {
  const nonce = alnum(32)
  const message = `${timestamp}\n${nonce}\n${body}\n`
  let signature: string
  if (tamper === 'signtest') {
    signature = `WECHATPAY/SIGNTEST/${randomBytes(192).toString('base64')}`
  } else {
    const signed = tamper === 'bad' ? `${message}tampered\n` : message
    signature = sign('sha256', Buffer.from(signed), signer.privateKey).toString('base64')
  }
  return {
    'Wechatpay-Timestamp': String(timestamp),
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Signature': signature,
    'Wechatpay-Serial': signer.serial,
    'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
  }
}
