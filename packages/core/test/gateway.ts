// Moved to @wxpay/sandbox/testing (the repository's one set of test doubles); this re-export lets
// the core's tests keep their imports while they move beside their modules. Import from
// '@wxpay/sandbox/testing' in new code.
import { signV3Reply } from '@wxpay/sandbox/testing'

export {
  type Gateway,
  type GatewayOptions,
  type Reply,
  type Seen,
  signedV2Xml,
  startGateway,
  v2Sign,
  v2Xml,
} from '@wxpay/sandbox/testing'

/** The old positional form of `signV3Reply`. */
export function signReply(privateKey: string, serial: string, body: string, timestamp?: number) {
  return signV3Reply({ privateKey, serial, body, ...(timestamp === undefined ? {} : { timestamp }) })
}
