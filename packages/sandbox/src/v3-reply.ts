import { type KeyObject, randomBytes, sign } from 'node:crypto'
import { alnum } from './random'

/** How a signed reply should be spoiled, if at all (see faults). */
export type SignatureTamper = 'none' | 'bad' | 'signtest'

export interface ReplySigner {
  serial: string
  /** A parsed key, or PKCS#8/PKCS#1 PEM. */
  privateKey: KeyObject | string
}

/**
 * The `Wechatpay-*` headers of a 2xx APIv3 reply: SHA256withRSA over `TIMESTAMP\nNONCE\nBODY\n`
 * with the raw body (empty for a 204, which is still signed: docs/protocol.md). `nonce` is 32 random
 * alphanumerics unless given (tests pin it).
 *
 * `bad` yields a genuine RSA signature of a different message (valid base64, wrong value);
 * `signtest` mimics WeChat's deliberate probes: `WECHATPAY/SIGNTEST/` + base64 garbage.
 */
export function signedReplyHeaders(
  body: string | Uint8Array,
  // a string too: @wxpay/sandbox/testing signs malformed timestamps exactly as they are sent
  timestamp: number | string,
  signer: ReplySigner,
  tamper: SignatureTamper = 'none',
  nonce: string = alnum(32),
): Record<string, string> {
  const message = Buffer.concat([
    Buffer.from(`${timestamp}\n${nonce}\n`),
    typeof body === 'string' ? Buffer.from(body) : body,
    Buffer.from(tamper === 'bad' ? '\ntampered\n' : '\n'),
  ])
  let signature: string
  if (tamper === 'signtest') {
    signature = `WECHATPAY/SIGNTEST/${randomBytes(192).toString('base64')}`
  } else {
    signature = sign('sha256', message, signer.privateKey).toString('base64')
  }
  return {
    'Wechatpay-Timestamp': String(timestamp),
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Signature': signature,
    'Wechatpay-Serial': signer.serial,
    'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
  }
}
