/**
 * `@wxpay/sandbox/testing`: the test doubles of the wxpay repository, in one place. Signers and
 * checkers use node:crypto (independent of `@wxpay/core`'s Web Crypto code) and, where the
 * primitive is the same, the sandbox's own implementation; `startGateway` is a scriptable raw
 * gateway for byte-level tests (the sandbox itself is the faithful one).
 *
 * Not for production: these sign with whatever key they are given and check nothing twice.
 *
 * @packageDocumentation
 */
export {
  type CertificateEntry,
  certificatesBody,
  createPlatformCertificate,
  type PlatformCertificate,
} from './certificates'
export {
  type Answer,
  type Gateway,
  type GatewayOptions,
  type RawSocketReply,
  type Reply,
  type Seen,
  type StreamReply,
  startGateway,
} from './gateway'
export { alnum, type KeyPair, rsaKeyPair, type TestCredentials, testCredentials } from './keys'
export {
  decryptResource,
  type EncryptedResource,
  encryptResource,
  type SignV3NotificationOptions,
  signV3Notification,
} from './notification'
export { type SeededInputs, seededInputs, testSeed } from './seed'
export { isV2SignType, parseV2Xml, signedV2Xml, type V2SignType, v2Sign, v2Xml } from './v2'
export {
  type CheckV3AuthorizationOptions,
  checkV3Authorization,
  type SignV3ReplyOptions,
  signV3Reply,
  type V3AuthorizationOptions,
  type VerifyV3ReplyOptions,
  v3Authorization,
  verifyV3Reply,
  type WechatpayHeaders,
} from './v3'
export { NOTIFICATION_VECTOR, OFFICIAL_TEST_PRIVATE_KEY } from './vectors'
