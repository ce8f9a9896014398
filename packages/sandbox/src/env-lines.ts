import type { Sandbox } from './start.js'

/**
 * The sandbox's credentials as ready-to-paste `NAME=value` lines (dotenv and POSIX-shell friendly).
 * `WECHATPAY_PRIVATE_KEY` is double-quoted with its newlines written as `\n`;
 * `WECHATPAY_CERTS` is a single-quoted JSON object `{ serial: publicKeyPem }`.
 */
export function envLines(sb: Pick<Sandbox, 'url' | 'backupUrl' | 'merchant' | 'platform'>): string[] {
  return [
    `WECHATPAY_MCHID=${sb.merchant.mchid}`,
    `WECHATPAY_APPID=${sb.merchant.appid}`,
    `WECHATPAY_SERIAL=${sb.merchant.serial}`,
    `WECHATPAY_PRIVATE_KEY="${sb.merchant.privateKey.replaceAll('\r', '').replaceAll('\n', '\\n')}"`,
    `WECHATPAY_CERTS='${JSON.stringify({ [sb.platform.serial]: sb.platform.publicKey })}'`,
    `WECHATPAY_SECRET=${sb.merchant.secret}`,
    `WECHATPAY_APIV3_KEY=${sb.merchant.apiv3Key}`,
    `WECHATPAY_BASE_URL=${sb.url}`,
    `WECHATPAY_BACKUP_BASE_URL=${sb.backupUrl}`,
  ]
}
