import type { Sandbox } from './start'

/**
 * The sandbox's credentials as ready-to-paste `NAME=value` lines (dotenv and POSIX-shell friendly).
 * `WECHATPAY_PRIVATE_KEY` is double-quoted with its newlines written as `\n`;
 * `WECHATPAY_CERTS` is a single-quoted JSON object `{ serial: publicKeyPem }` (left out in
 * certificate mode), and `WECHATPAY_AUTO_CERTIFICATES=true` and `WECHATPAY_CERTIFICATE_ANCHOR` (the
 * sandbox's root CA, double-quoted like the private key) are added in certificate and both modes.
 */
export function envLines(
  sb: Pick<Sandbox, 'url' | 'backupUrl' | 'merchant'> & {
    platform: Pick<Sandbox['platform'], 'serial' | 'publicKey'> & {
      mode?: Sandbox['platform']['mode']
      rootCertificate?: string | undefined
    }
  },
): string[] {
  return [
    `WECHATPAY_MCHID=${sb.merchant.mchid}`,
    `WECHATPAY_APPID=${sb.merchant.appid}`,
    `WECHATPAY_SERIAL=${sb.merchant.serial}`,
    `WECHATPAY_PRIVATE_KEY="${sb.merchant.privateKey.replaceAll('\r', '').replaceAll('\n', '\\n')}"`,
    // a certificate-mode merchant has no key to type in: the client downloads the certificates
    ...(sb.platform.mode === 'certificate'
      ? []
      : [`WECHATPAY_CERTS='${JSON.stringify({ [sb.platform.serial]: sb.platform.publicKey })}'`]),
    ...(sb.platform.mode === 'publicKey' || sb.platform.mode === undefined
      ? []
      : ['WECHATPAY_AUTO_CERTIFICATES=true']),
    // the sandbox's own root, which issued its platform certificates
    ...(sb.platform.rootCertificate
      ? [
          `WECHATPAY_CERTIFICATE_ANCHOR="${sb.platform.rootCertificate.replaceAll('\r', '').replaceAll('\n', '\\n')}"`,
        ]
      : []),
    `WECHATPAY_SECRET=${sb.merchant.secret}`,
    `WECHATPAY_APIV3_KEY=${sb.merchant.apiv3Key}`,
    `WECHATPAY_BASE_URL=${sb.url}`,
    `WECHATPAY_BACKUP_BASE_URL=${sb.backupUrl}`,
  ]
}
