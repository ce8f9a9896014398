// A platform certificate filed under any spelling of its serial that `certs` accepts (hex, any case,
// leading zeros ignored) is found wherever a serial is looked up: reply verification, certificate
// downloads, notifications and sensitive(). The oracle: openssl writes the certificate with a
// serial whose DER needs a leading zero byte, and prints the serial as tools show it; replies and
// notifications are signed, and sensitive() ciphertexts decrypted, with node:crypto.
import { constants, privateDecrypt } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  certificatesBody,
  type Gateway,
  signV3Notification,
  signV3Reply,
  startGateway,
  testCredentials,
} from '@wxpay/sandbox/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { certificate, openssl, rsaKey } from '../../test/openssl'
import { Wechatpay } from '../node'

const creds = testCredentials()
/** First bit set: DER writes it `00 8F …`, openssl prints `8F…`, other tools `00:8f:…`. */
const SERIAL = '8F1E2D3C4B5A69788796A5B4C3D2E1F001122334'
const LOOSE_PATH: string = 'v3/some/query'

let dir: string
let key: { key: string; path: string }
let pem: string
let printed: string
let gateway: Gateway
/** The serial the gateway names in `Wechatpay-Serial` of its replies. */
let replyName = SERIAL

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wxpay-serial-'))
  key = rsaKey(dir, 2048)
  pem = certificate(dir, key.path, { serial: SERIAL, start: '20200101000000Z', end: '20491231000000Z' })
  printed = openssl(['x509', '-noout', '-serial'], pem)
    .trim()
    .replace(/^serial=/, '')
  gateway = await startGateway({
    mchid: creds.mchid,
    merchantSerial: creds.merchantSerial,
    merchantPublicKey: creds.merchant.publicKey,
  })
  gateway.handler = () => ({
    status: 200,
    headers: signV3Reply({ serial: replyName, privateKey: key.key, body: '{}' }),
    body: '{}',
    sign: false,
  })
})
afterAll(async () => {
  await gateway?.close()
  rmSync(dir, { recursive: true, force: true })
})

const client = (filedAs: string) =>
  new Wechatpay({
    mchid: creds.mchid,
    serial: creds.merchantSerial,
    privateKey: creds.merchant.privateKey,
    certs: { [filedAs]: pem },
    apiv3Key: creds.apiv3Key,
    baseUrl: gateway.url,
    backupBaseUrl: false,
  })

/** Spellings of one serial: as openssl prints it, lower case, and with the DER's leading zero byte. */
const spellings = () => [printed, printed.toLowerCase(), `00${printed}`, `00${printed.toLowerCase()}`]

describe('a certificate filed under any spelling of its serial', () => {
  test('openssl prints the serial without the DER padding byte', () => {
    expect(printed).toBe(SERIAL)
  })

  test('verifies replies that name it in any spelling', async () => {
    for (const filed of spellings()) {
      const wxpay = client(filed)
      for (const named of spellings()) {
        replyName = named
        const reply = await wxpay.chain(LOOSE_PATH).get()
        expect(reply.status, `filed ${filed}, named ${named}`).toBe(200)
      }
    }
    replyName = SERIAL
  })

  test('verifies notifications that name it in any spelling', async () => {
    for (const filed of spellings()) {
      const wxpay = client(filed)
      for (const named of spellings()) {
        const { headers, body } = signV3Notification({
          privateKey: key.key,
          serial: named,
          apiv3Key: creds.apiv3Key,
          resource: { out_trade_no: 'S1' },
        })
        const event = await wxpay.notifications.parse({ headers, body })
        expect(event.resource, `filed ${filed}, named ${named}`).toEqual({ out_trade_no: 'S1' })
      }
    }
  })

  test('sensitive(): encrypted with that certificate, named in upper case; a header naming it in another spelling is accepted', async () => {
    const wxpay = client(`00${printed.toLowerCase()}`)
    for (const given of [undefined, printed.toLowerCase()]) {
      gateway.seen.length = 0
      await wxpay.chain(LOOSE_PATH).post({
        json: { name: wxpay.sensitive('张三') },
        ...(given === undefined ? {} : { headers: { 'Wechatpay-Serial': given } }),
      })
      const [seen] = gateway.seen
      expect(seen?.headers['wechatpay-serial']).toBe(given ?? `00${printed}`)
      const ciphertext = (JSON.parse(seen?.body ?? '{}') as { name: string }).name
      const plain = privateDecrypt(
        { key: key.key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
        Buffer.from(ciphertext, 'base64'),
      )
      expect(plain.toString('utf8')).toBe('张三')
    }
  })
})

describe('a downloaded certificate listed under one spelling, named by replies in another', () => {
  test('the download and later replies verify', async () => {
    const listed = `00${printed.toLowerCase()}`
    const body = certificatesBody([{ certificate: pem, serial_no: listed, apiv3Key: creds.apiv3Key }])
    gateway.seen.length = 0
    gateway.handler = (req) => {
      const reply = req.url === '/v3/certificates' ? body : '{}'
      return {
        status: 200,
        headers: signV3Reply({ serial: printed, privateKey: key.key, body: reply }),
        body: reply,
        sign: false,
      }
    }
    const wxpay = new Wechatpay({
      mchid: creds.mchid,
      serial: creds.merchantSerial,
      privateKey: creds.merchant.privateKey,
      apiv3Key: creds.apiv3Key,
      autoCertificates: true,
      baseUrl: gateway.url,
      backupBaseUrl: false,
    })
    const reply = await wxpay.chain(LOOSE_PATH).get()
    expect(reply.status).toBe(200)
    expect(gateway.seen.map((s) => s.url)).toEqual(['/v3/certificates', `/${LOOSE_PATH}`])
    // The request names the certificate as WeChat Pay listed it (upper-cased).
    expect(gateway.seen[1]?.headers['wechatpay-serial']).toBe(listed.toUpperCase())
  })
})

describe('at construction, serials compare in the same spelling-blind way', () => {
  test('two spellings of one serial in certs are refused, naming the second', () => {
    expect(() => client(printed)).not.toThrow()
    expect(
      () =>
        new Wechatpay({
          mchid: creds.mchid,
          certs: { [printed]: pem, [`00${printed.toLowerCase()}`]: pem },
        }),
    ).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', option: `certs["00${printed.toLowerCase()}"]` }),
    )
  })

  test('the merchant serial inside certs is refused in any spelling', () => {
    expect(
      () =>
        new Wechatpay({
          mchid: creds.mchid,
          serial: creds.merchantSerial,
          certs: { [`00${creds.merchantSerial.toLowerCase()}`]: pem },
        }),
    ).toThrow(expect.objectContaining({ option: 'certs' }))
  })
})
