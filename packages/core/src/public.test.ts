// The public surface of both entry points, name by name: an export added, dropped or leaked from
// an internal module (a transport, the chain's type machinery) fails here until this list says so.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, test } from 'vitest'

const src = dirname(fileURLToPath(import.meta.url))

const VALUES = [
  'DEFAULT_BACKUP_BASE_URL',
  'DEFAULT_BASE_URL',
  'DEFAULT_ONCE_WAIT_MS',
  'DEFAULT_TIMEOUT',
  'MAX_NOTIFICATION_BYTES',
  'VERSION',
  'Wechatpay',
  'WechatpayApiError',
  'WechatpayBusinessError',
  'WechatpayError',
  'WechatpaySignatureError',
  'WechatpayTransportError',
  'WechatpayValidationError',
  'acknowledge',
  'onceKey',
  'toHttpError',
]

const TYPES = [
  'AutoCertificatesOptions',
  'CertificatesEndpoint',
  'ClientCertificate',
  'Download',
  'DownloadOptions',
  'PagePath',
  'PageUrl',
  'PageUrlOptions',
  'AppPayParams',
  'AppPaySignInput',
  'JsapiPayParams',
  'MiniProgramPayParams',
  'PaySign',
  'PaySignInput',
  'PaySignV2',
  'Media',
  'PlatformCertificate',
  'Sensitive',
  'NotificationBody',
  'NotificationEvent',
  'NotificationHeaders',
  'NotificationReply',
  'NotificationRequest',
  'Notifications',
  'OnceEvent',
  'OnceOptions',
  'ClaimState',
  'SealedCertificates',
  'WechatpayStore',
  'OtherEventType',
  'OtherNotification',
  'RechargeNotification',
  'RechargeResource',
  'RefundNotification',
  'RefundResource',
  'TransactionResource',
  'TransactionSuccessNotification',
  'TypedResources',
  'V2Fields',
  'V2Notification',
  'V2RefundNotification',
  'V2SignedNotification',
  'WechatpayNotification',
  'CallOptions',
  'CloseOrderRequest',
  'CloseOrderResponse',
  'CloseOrderV2Reply',
  'CloseOrderV2Request',
  'EcommerceRecharge',
  'Endpoints',
  'LooseNode',
  'LooseRequestOptions',
  'LooseVerb',
  'QueryValue',
  'RechargeChannel',
  'RechargeCloseRequest',
  'RechargeState',
  'ReplyOf',
  'RequestOf',
  'SignType',
  'TransportFailure',
  'Verb',
  'VerbOf',
  'WechatpayClient',
  'WechatpayConstructor',
  'WechatpayErrorBody',
  'WechatpayOptions',
  'WechatpayResponse',
]

/** Every name an entry exports, types included, as the compiler sees it. */
function exportedNames(program: ts.Program, file: string): string[] {
  const checker = program.getTypeChecker()
  const source = program.getSourceFile(file)!
  const module = checker.getSymbolAtLocation(source)!
  return checker
    .getExportsOfModule(module)
    .map((symbol) => symbol.name)
    .sort()
}

describe('the public surface', () => {
  const entries = [join(src, 'index.ts'), join(src, 'node.ts')]
  const program = ts.createProgram(entries, {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  })

  test.each(entries.map((entry) => [entry.slice(src.length + 1), entry]))(
    '%s exports exactly the listed values and types',
    (_, entry) => {
      expect(exportedNames(program, entry)).toEqual([...new Set([...VALUES, ...TYPES])].sort())
    },
  )

  test.each([
    ['index', () => import('./index')],
    ['node', () => import('./node')],
  ])('%s: the values exist at run time, and nothing else does', async (_, load) => {
    expect(Object.keys(await load()).sort()).toEqual([...VALUES].sort())
  })
})
