/**
 * `@wxpay/sandbox`: a local WeChat Pay gateway with real signatures, real state and injectable
 * faults. Start one with {@link startSandbox}.
 *
 * @packageDocumentation
 */
export type { SandboxClock } from './clock'
export type { Listener, RequestLog, RequestRecord } from './context'
export { envLines } from './env-lines'
export type { FaultKind, FaultRule, FaultSpec, SandboxFaults } from './faults'
export { FaultSpecError } from './faults'
export type { MerchantCredentials, PlatformCredentials, PlatformKeys } from './keys'
export { KeysFileError } from './keys-file'
export type { UploadedMedia } from './media-routes'
export { type NotificationAttempt, type NotificationLog, RETRY_SCHEDULE_SECONDS } from './notify'
export type { PlatformCertificateInfo, PlatformMode, PlatformSigner } from './platform'
export type { RefundRecord, RefundStatus, RefundStore, SandboxRefunds } from './refunds'
export { runSandboxCli, SANDBOX_CLI_EXIT, type SandboxCliIo, sandboxUsage } from './run-cli'
export {
  type Sandbox,
  type SandboxClientOptions,
  type SandboxMtls,
  type SandboxOptions,
  type SandboxPlatform,
  startSandbox,
} from './start'
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
} from './state'
export { SandboxInputError } from './state'
export { v2Sign } from './v2-sign'
export type { ProfitsharingReceiver } from './v3-key-routes'
