import type { KeyObject } from 'node:crypto'
import {
  createPlatformCertificate,
  createRootCertificate,
  type PlatformCertificate,
  type RootCertificate,
} from './certificate'
import type { SandboxKeys } from './keys'
import type { ReplySigner } from './v3-reply'

/**
 * How the sandbox's merchant verifies WeChat Pay: with the WeChat Pay public key (`PUB_KEY_ID_…`,
 * merchants since about October 2024), with platform certificates downloaded from
 * `/v3/certificates` (older merchants), or both during a migration.
 */
export type PlatformMode = 'publicKey' | 'certificate' | 'both'

/** Which key signs replies and notifications in `both` mode. */
export type PlatformSigner = 'publicKey' | 'certificate'

/** A served certificate, as `sb.platform.certificates()` lists it (no private key). */
export interface PlatformCertificateInfo {
  serial: string
  /** X.509 PEM. */
  certificate: string
  notBefore: Date
  notAfter: Date
}

/** The platform's certificates and mode; one per sandbox. */
export interface PlatformState {
  mode: PlatformMode
  signWith: PlatformSigner
  /** Served by `/v3/certificates`, oldest first; the last one signs. */
  certificates: PlatformCertificate[]
  /** The root CA that issues them (not in `publicKey` mode). */
  root: RootCertificate | undefined
}

export const PLATFORM_MODES: readonly PlatformMode[] = ['publicKey', 'certificate', 'both']

export async function createPlatformState(
  mode: PlatformMode,
  signWith: PlatformSigner | undefined,
): Promise<PlatformState> {
  if (!PLATFORM_MODES.includes(mode))
    throw new TypeError(`platformMode must be one of ${PLATFORM_MODES.join(', ')}`)
  if (signWith !== undefined && signWith !== 'publicKey' && signWith !== 'certificate')
    throw new TypeError('platformSignWith must be publicKey or certificate')
  const root = mode === 'publicKey' ? undefined : await createRootCertificate()
  const certificates = root ? [await createPlatformCertificate(Date.now(), undefined, root)] : []
  return {
    root,
    mode,
    signWith:
      mode === 'both' ? (signWith ?? 'certificate') : mode === 'certificate' ? 'certificate' : 'publicKey',
    certificates,
  }
}

/** The key that signs replies and notifications now: the public key, or the newest certificate. */
export function replySigner(keys: SandboxKeys, platform: PlatformState): ReplySigner {
  const newest = platform.certificates.at(-1)
  if (platform.signWith === 'certificate' && newest)
    return { serial: newest.serial, privateKey: newest.privateKey }
  return { serial: keys.platform.serial, privateKey: keys.platformPrivateKey }
}

/** The private key of the platform key a request's `Wechatpay-Serial` names, if the merchant has it. */
export function privateKeyFor(
  keys: SandboxKeys,
  platform: PlatformState,
  serial: string,
): KeyObject | undefined {
  if (platform.mode !== 'certificate' && serial === keys.platform.serial) return keys.platformPrivateKey
  return platform.certificates.find((c) => c.serial === serial)?.privateKey
}

/** Serves a new certificate beside the others and signs with it from now on. */
export async function rotate(platform: PlatformState): Promise<PlatformCertificateInfo> {
  if (platform.mode === 'publicKey')
    throw new TypeError(
      'rotate() needs platformMode certificate or both: a public-key merchant has no certificates',
    )
  const next = await createPlatformCertificate(Date.now(), new Date(Date.now() - 60_000), platform.root)
  platform.certificates.push(next)
  return info(next)
}

/** Stops serving every certificate but the newest (or the one named). */
export function retire(platform: PlatformState, serial?: string): void {
  if (serial === undefined) platform.certificates.splice(0, platform.certificates.length - 1)
  else {
    const index = platform.certificates.findIndex((c) => c.serial === serial)
    if (index < 0) throw new TypeError(`no served certificate has serial ${serial}`)
    platform.certificates.splice(index, 1)
  }
}

export function info(c: PlatformCertificate): PlatformCertificateInfo {
  return { serial: c.serial, certificate: c.certificate, notBefore: c.notBefore, notAfter: c.notAfter }
}
