/**
 * `@wxpay/sandbox`: a local WeChat Pay gateway with real signatures, real state and injectable
 * faults. Start one with {@link startSandbox}.
 *
 * @packageDocumentation
 */
export type { SandboxClock } from './clock.js'
export type { Listener, RequestLog, RequestRecord } from './context.js'
export { envLines } from './env-lines.js'
export type { FaultKind, FaultRule, FaultSpec, SandboxFaults } from './faults.js'
export { FaultSpecError } from './faults.js'
export type { MerchantCredentials, PlatformCredentials, PlatformKeys } from './keys.js'
export { KeysFileError } from './keys-file.js'
export type { UploadedMedia } from './media-routes.js'
export { type NotificationAttempt, type NotificationLog, RETRY_SCHEDULE_SECONDS } from './notify.js'
export type { PlatformCertificateInfo, PlatformMode, PlatformSigner } from './platform.js'
export type { RefundRecord, RefundStatus, RefundStore, SandboxRefunds } from './refunds.js'
export { runSandboxCli, SANDBOX_CLI_EXIT, type SandboxCliIo, sandboxUsage } from './run-cli.js'
export {
  type Sandbox,
  type SandboxClientOptions,
  type SandboxMtls,
  type SandboxOptions,
  type SandboxPlatform,
  startSandbox,
} from './start.js'
export type {
  OrderInput,
  OrderRecord,
  OrderState,
  OrderStore,
  PayInput,
  RechargeInput,
  RechargeRecord,
  RechargeState,
  RechargeStore,
  SandboxOrders,
  TradeType,
} from './state.js'
export { SandboxInputError } from './state.js'
export { v2Sign } from './v2-sign.js'
export type { ProfitsharingReceiver } from './v3-key-routes.js'
