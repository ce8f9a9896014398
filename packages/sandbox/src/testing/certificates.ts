// Platform certificates and `/v3/certificates` replies for tests: the sandbox's own certificate
// builder (pure DER + node:crypto signing) and AES-256-GCM sealing, to script genuine and forged
// certificate downloads on the raw gateway.
import { createPlatformCertificate, type PlatformCertificate } from '../certificate'
import { alnum } from '../random'
import { encryptResource } from './notification'

export { createPlatformCertificate, type PlatformCertificate }

/** One entry of a scripted `/v3/certificates` reply. */
export interface CertificateEntry {
  /** The X.509 PEM to seal. */
  certificate: string
  /** The serial it is listed under (a forgery may list it under another one). */
  serial_no: string
  /** Seal with this APIv3 key (a forgery uses another one). */
  apiv3Key: string
  /** Default `certificate`. */
  associated_data?: string
}

/** The JSON body of a `/v3/certificates` reply: each certificate sealed with AES-256-GCM. */
export function certificatesBody(entries: CertificateEntry[]): string {
  const data = entries.map((entry) => {
    const nonce = alnum(12)
    const aad = entry.associated_data ?? 'certificate'
    return {
      serial_no: entry.serial_no,
      effective_time: '2026-01-01T00:00:00+08:00',
      expire_time: '2031-01-01T00:00:00+08:00',
      encrypt_certificate: {
        algorithm: 'AEAD_AES_256_GCM',
        nonce,
        associated_data: aad,
        ciphertext: encryptResource(entry.apiv3Key, nonce, aad, entry.certificate),
      },
    }
  })
  return JSON.stringify({ data })
}
