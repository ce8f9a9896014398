import { aesGcmDecrypt } from '../crypto/aes-gcm'
import { importRsaKey } from '../crypto/keys'
import { PemError, parsePublicKey } from '../crypto/pem'
import { normalizeSerial } from '../crypto/x509'
import { fromBase64, isObject, utf8, utf8Decoder } from '../encoding'
import { apiErrorOf, WechatpaySignatureError, WechatpayValidationError } from '../errors'
import type { Config } from '../options'
import { type Door, send } from '../pipeline/send'
import type { TransportResponse } from '../transport/types'
import { authorization } from '../v3/authorization'
import { verifyReply } from '../v3/verify'
import { notIssuedBy } from './anchor'
import type { DownloadResult, KeyStore, PlatformKey } from './key-store'

/** The certificates reply is small (a few PEMs); anything near this is not one. */
const MAX_CERTIFICATES_BYTES = 1024 * 1024
const ALGORITHM = 'AEAD_AES_256_GCM'
const AAD = 'certificate'

export interface DownloadDeps {
  config: Config
  /** The client's one door (its transport, hooks, timeout). */
  door: Door
  store: KeyStore
  /** The APIv3 key, imported for AES-256-GCM (shared with notifications). */
  apiv3Key: () => Promise<CryptoKey>
}

/**
 * A WeChat Pay platform certificate as `wxpay.certificates()` returns it: decrypted with the APIv3
 * key, the certificate of the serial it is listed under, in a reply whose signature verified.
 */
export interface PlatformCertificate {
  /** Exactly as WeChat Pay lists it (`serial_no`, what `Wechatpay-Serial` names): the `certs` key. */
  serial: string
  /** The certificate, PEM (`-----BEGIN CERTIFICATE-----`), as decrypted. */
  pem: string
  /** Start of validity (the certificate's notBefore). */
  notBefore: Date
  /** End of validity (the certificate's notAfter). */
  notAfter: Date
}

/** One verified download: every certificate listed, and the keys of those valid now. */
export interface Downloaded {
  certificates: PlatformCertificate[]
  keys: PlatformKey[]
}

/** A call's own limits (`certificates({ signal, timeout })`). */
export interface CertificatesCall {
  signal?: AbortSignal | undefined
  timeout?: number | undefined
}

/**
 * `GET /v3/certificates` (or the `certificatesEndpoint`) through the client's one door, signed;
 * `decode` gets the raw reply (any status).
 */
function request<T>(
  deps: DownloadDeps,
  option: string,
  call: CertificatesCall,
  decode: (reply: TransportResponse) => T | Promise<T>,
): Promise<T> {
  const { config } = deps
  const { serial, signer } = config
  // Checked at construction with autoCertificates, and before I/O by `certificates()`.
  if (!serial || !signer)
    throw new WechatpayValidationError(option, 'needs serial and privateKey to sign the download')
  const pathAndQuery = `${config.baseUrl.pathname}${config.certificatesEndpoint}`
  return authorization({
    key: signer,
    mchid: config.mchid,
    serial,
    method: 'GET',
    pathAndQuery,
    body: '',
  }).then((value) =>
    send(
      deps.door,
      {
        method: 'GET',
        path: config.certificatesEndpoint,
        pathAndQuery,
        headers: { accept: 'application/json', authorization: value },
        body: undefined,
        maxBytes: MAX_CERTIFICATES_BYTES,
        timeout: call.timeout,
        signal: call.signal,
        idempotent: true,
      },
      decode,
    ),
  )
}

/**
 * The certificate download's raw reply (any status), through the one door; trusting it is
 * {@link trustCertificates}'s job (a shared store keeps this sealed, signed reply).
 */
export function fetchCertificatesReply(deps: DownloadDeps, option: string): Promise<TransportResponse> {
  return request(deps, option, {}, (reply) => reply)
}

/**
 * A `/v3/certificates` reply, trusted only as the official CertificateDownloader does it: each
 * certificate decrypts with the APIv3 key (AES-256-GCM, AAD `certificate`), is the certificate of
 * the `serial_no` it is listed under, is valid now, and the reply's signature verifies with the
 * decrypted certificate its `Wechatpay-Serial` names (or a key already trusted). Anything else
 * refuses the whole reply with a `WechatpaySignatureError`; nothing of it is kept.
 *
 * A 404 `RESOURCE_NOT_EXISTS` (a merchant in public-key mode) is "no certificates" when a public
 * key is configured, and the API error otherwise.
 *
 * `signedAt` (a reply read back from a shared store): the signature's timestamp is checked as of
 * that moment instead of now; the caller bounds the reply's age itself.
 */
export async function trustCertificates(
  deps: Pick<DownloadDeps, 'store' | 'apiv3Key'> & { config?: Pick<Config, 'certificateAnchor'> },
  reply: TransportResponse,
  signedAt?: number,
): Promise<Downloaded | 'none'> {
  const { store } = deps
  const { status, body } = reply
  if (status < 200 || status > 299) {
    const error = apiErrorOf(reply)
    if (status === 404 && error.code === 'RESOURCE_NOT_EXISTS' && store.publicKey) return 'none'
    throw error
  }
  const requestId = reply.headers['request-id']
  const fail = (message: string) =>
    new WechatpaySignatureError(`platform certificates refused: ${message}`, { status, requestId })

  let parsed: unknown
  try {
    parsed = JSON.parse(utf8Decoder.decode(body))
  } catch {
    throw fail('the reply is not JSON')
  }
  const data = isObject(parsed) ? parsed.data : undefined
  if (!Array.isArray(data)) throw fail('the reply has no data array')

  const aes = await deps.apiv3Key()
  const now = Date.now()
  const found: PlatformKey[] = []
  const certificates: PlatformCertificate[] = []
  for (const [index, item] of data.entries()) {
    const where = `data[${index}]`
    if (!isObject(item) || typeof item.serial_no !== 'string' || !isObject(item.encrypt_certificate))
      throw fail(`${where} is not { serial_no, encrypt_certificate }`)
    const { algorithm, nonce, associated_data, ciphertext } = item.encrypt_certificate
    if (algorithm !== ALGORITHM) throw fail(`${where}.encrypt_certificate.algorithm is not ${ALGORITHM}`)
    if (typeof nonce !== 'string' || typeof ciphertext !== 'string')
      throw fail(`${where}.encrypt_certificate has no nonce or ciphertext`)
    // docs/protocol-2.md §3: every entry is sealed with the literal associated data `certificate`.
    if (associated_data !== AAD) throw fail(`${where}.encrypt_certificate.associated_data is not ${AAD}`)
    const sealed = fromBase64(ciphertext)
    const plain = sealed && (await aesGcmDecrypt(aes, utf8.encode(nonce), sealed, utf8.encode(AAD)))
    if (!plain)
      throw fail(`${where} does not decrypt with the APIv3 key (wrong apiv3Key, or not from WeChat Pay)`)
    const pem = utf8Decoder.decode(plain)
    let material: ReturnType<typeof parsePublicKey>
    try {
      material = parsePublicKey(pem)
    } catch (err) {
      if (err instanceof PemError) throw fail(`${where} ${err.message}`)
      throw err
    }
    const certificate = material.certificate
    if (!certificate) throw fail(`${where} is not an X.509 certificate`)
    if (certificate.serial !== normalizeSerial(item.serial_no))
      throw fail(
        `${where} is listed as ${item.serial_no} but is the certificate with serial ${certificate.serial}`,
      )
    const anchors = deps.config?.certificateAnchor
    const unanchored = anchors && (await notIssuedBy(pem, anchors))
    if (unanchored) throw fail(`${where} ${unanchored}`)
    const notBefore = certificate.notBefore.getTime()
    const notAfter = certificate.notAfter.getTime()
    certificates.push({
      serial: item.serial_no,
      pem,
      notBefore: new Date(notBefore),
      notAfter: new Date(notAfter),
    })
    // An expired or not-yet-valid certificate is not trusted (nor refused as a forgery).
    if (notBefore > now || notAfter < now) continue
    const verify = importRsaKey(material)
    verify.catch(() => {}) // a refused import fails verification; it must not go unhandled
    found.push({
      serial: item.serial_no,
      kind: 'certificate',
      notBefore,
      notAfter,
      bits: material.bits,
      verify,
      spki: material.der,
    })
  }
  // The bootstrap rule: the reply is checked with the certificate it names among those it just
  // delivered, or with a key the client already trusts (a migration signs with the public key).
  const candidates = new Map(found.map((key) => [normalizeSerial(key.serial), key]))
  await verifyReply({
    status,
    headers: reply.headers,
    body,
    keys: {
      resolve: async (name: string) => (candidates.get(normalizeSerial(name)) ?? store.lookup(name))?.verify,
    },
    ...(signedAt === undefined ? {} : { now: signedAt }),
  })
  return { certificates, keys: found }
}

/** One download, fetched and trusted: the code path of both the key store and `certificates()`. */
async function download(
  deps: DownloadDeps,
  option: string,
  call: CertificatesCall = {},
): Promise<Downloaded | 'none'> {
  // Trusted inside the door, so that a refused reply reaches the `error` hook.
  return request(deps, option, call, (reply) => trustCertificates(deps, reply))
}

/** The key store's download: the keys of the certificates valid now, or "none". */
export async function downloadCertificates(deps: DownloadDeps): Promise<DownloadResult> {
  const result = await download(deps, 'autoCertificates')
  return result === 'none' ? result : result.keys
}

/**
 * `wxpay.certificates()`: every certificate of one verified download, valid now or not (the
 * caller sees the dates); `[]` when the merchant is in public-key mode and a public key is
 * configured.
 */
export async function platformCertificates(
  deps: DownloadDeps,
  call: CertificatesCall = {},
): Promise<PlatformCertificate[]> {
  const result = await download(deps, 'certificates', call)
  return result === 'none' ? [] : result.certificates
}
