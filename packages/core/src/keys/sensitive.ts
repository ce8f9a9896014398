import { oaepDecrypt, oaepEncrypt, oaepMaxBytes } from '../crypto/oaep'
import { normalizeSerial } from '../crypto/x509'
import { fromBase64, toBase64, toHex, utf8 } from '../encoding'
import { WechatpayValidationError } from '../errors'
import { INSPECT } from '../inspect'
import { type KeyStore, wireSerial } from './key-store'

/** What a marker shows everywhere but in the encrypted request body. */
const REDACTED = '[wxpay sensitive]'

/** Plaintexts live here, keyed by their marker: nothing on the marker itself holds them. */
const plaintexts = new WeakMap<Sensitive, string>()

/** The markers met by the `JSON.stringify` running right now (it is synchronous: no interleaving). */
let collecting: { token: string; markers: Sensitive[] } | undefined

/**
 * A value to send RSA-OAEP encrypted (`wxpay.sensitive('张三')`). It shows as `[wxpay sensitive]`
 * through `String`, template literals, `JSON.stringify`, `util.inspect` and error messages; only
 * the request body of the call it is sent with carries it, encrypted.
 */
export class Sensitive {
  constructor(value: string) {
    plaintexts.set(this, value)
  }

  toJSON(): string {
    if (!collecting) return REDACTED
    // The token is drawn at the first marker: a body without sensitive() fields costs no randomness.
    collecting.token ||= randomToken()
    collecting.markers.push(this)
    return `${collecting.token}${collecting.markers.length - 1}`
  }

  toString(): string {
    return REDACTED
  }

  [Symbol.toPrimitive](): string {
    return REDACTED
  }

  [INSPECT](): string {
    return REDACTED
  }

  get [Symbol.toStringTag](): string {
    return 'Sensitive'
  }
}

/**
 * Refuses a `sensitive()` marker, or the text it shows as, where nothing is encrypted (a v2 `xml`
 * field, a `query` value, a header, a path variable): it would otherwise go out as
 * `[wxpay sensitive]`, or not at all. Only the fields of a v3 `json` body are encrypted.
 */
export function refuseSensitive(option: string, value: unknown): void {
  if (value instanceof Sensitive || (typeof value === 'string' && value.includes(REDACTED)))
    throw new WechatpayValidationError(
      option,
      'holds a sensitive() value, which is encrypted only as a field of a v3 `json` body; here it would be sent as the text [wxpay sensitive]',
    )
}

/** `wxpay.sensitive(value)`: checks the value now, before any I/O. */
export function sensitive(value: string): Sensitive {
  if (typeof value !== 'string')
    throw new WechatpayValidationError(
      'sensitive',
      `takes a string, not ${value === null ? 'null' : typeof value}`,
    )
  return new Sensitive(value)
}

function randomToken(): string {
  const bytes = new Uint8Array(16)
  globalThis.crypto.getRandomValues(bytes)
  return `wxpay-sensitive-${toHex(bytes)}-`
}

/**
 * `JSON.stringify(json)`, noting the sensitive markers it meets: each one is written as a unique
 * placeholder string, which {@link encryptSensitive} replaces with its ciphertext.
 */
export function stringifyJson(json: unknown): { text: string; token: string; markers: Sensitive[] } {
  const state = { token: '', markers: [] as Sensitive[] }
  collecting = state
  try {
    const text = JSON.stringify(json)
    return { text, token: state.token, markers: state.markers }
  } finally {
    collecting = undefined
  }
}

/**
 * Encrypts every marker of `text` with the one platform key of the store (the public key when
 * configured, else the newest valid certificate) and sets `Wechatpay-Serial` to that key's serial.
 * A `Wechatpay-Serial` set by the caller must name that key: WeChat Pay decrypts with the key it
 * names.
 */
export async function encryptSensitive(
  serialised: { text: string; token: string; markers: Sensitive[] },
  store: KeyStore,
  headers: Record<string, string>,
): Promise<string> {
  const { text, token, markers } = serialised
  const { key, encrypt } = await store.encryptionKey()
  const given = headers['wechatpay-serial']
  const serial = wireSerial(key)
  if (given !== undefined && normalizeSerial(given.trim()) !== normalizeSerial(key.serial))
    throw new WechatpayValidationError(
      'headers.Wechatpay-Serial',
      `names ${given}, but sensitive() fields are encrypted with ${serial}; leave the header to the SDK`,
    )
  const max = oaepMaxBytes(key.bits)
  const plains = markers.map((marker, index) => {
    const bytes = utf8.encode(plaintexts.get(marker) ?? '')
    if (bytes.length > max)
      throw new WechatpayValidationError(
        'sensitive',
        `value number ${index + 1} is ${bytes.length} bytes in UTF-8; RSA-OAEP with this key takes at most ${max}`,
      )
    return bytes
  })
  const cryptoKey = await encrypt
  const ciphertexts = await Promise.all(
    plains.map(async (bytes) => toBase64(await oaepEncrypt(cryptoKey, bytes))),
  )
  // A header the caller gave (any spelling of the same serial) is sent as given.
  headers['wechatpay-serial'] = given ?? serial
  // The placeholders are JSON strings the serialiser wrote as they are; base64 needs no escaping.
  const pattern = new RegExp(`"${token}(\\d+)"`, 'g')
  return text.replace(pattern, (_, index: string) => `"${ciphertexts[Number(index)]}"`)
}

/**
 * `wxpay.decrypt(ciphertext)`: a reply field WeChat Pay encrypted for the merchant (RSA-OAEP SHA-1
 * with the merchant API certificate's key), decrypted with the merchant private key.
 */
export async function decryptField(
  decryptionKey: (() => Promise<CryptoKey>) | undefined,
  ciphertext: string,
): Promise<string> {
  if (!decryptionKey)
    throw new WechatpayValidationError('privateKey', 'decrypt() needs the merchant private key')
  if (typeof ciphertext !== 'string' || ciphertext === '')
    throw new WechatpayValidationError('ciphertext', 'must be the base64 string of an encrypted field')
  const data = fromBase64(ciphertext)
  if (!data) throw new WechatpayValidationError('ciphertext', 'is not base64')
  const plain = await oaepDecrypt(await decryptionKey(), data)
  if (!plain)
    throw new WechatpayValidationError(
      'ciphertext',
      'does not decrypt with the merchant private key (RSA-OAEP SHA-1): encrypted for another key?',
    )
  return new TextDecoder('utf-8', { fatal: false }).decode(plain)
}
