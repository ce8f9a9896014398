// `certificatesEndpoint` (docs/protocol-3.md, "Certificates outside the mainland"): cross-border and
// HK merchants download their platform certificates from another path, which the download signs
// and requests, for `certificates()` and `autoCertificates` alike. The gateway of
// @wxpay/sandbox/testing checks the request's signature and seals and signs the reply with node:crypto.
import {
  certificatesBody,
  checkV3Authorization,
  createPlatformCertificate,
  type Gateway,
  type PlatformCertificate,
  signV3Reply,
  startGateway,
  testCredentials,
} from '@wxpay/sandbox/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Wechatpay } from '../index'

const creds = testCredentials()
let gateway: Gateway
let genuine: PlatformCertificate

beforeAll(async () => {
  genuine = await createPlatformCertificate()
  gateway = await startGateway({
    mchid: creds.mchid,
    merchantSerial: creds.merchantSerial,
    merchantPublicKey: creds.merchant.publicKey,
  })
  gateway.handler = (req) => {
    const body = /^\/(?:v3|hk\/v3|v3\/global)\/certificates$/.test(req.url)
      ? certificatesBody([
          { certificate: genuine.certificate, serial_no: genuine.serial, apiv3Key: creds.apiv3Key },
        ])
      : ''
    return {
      status: body ? 200 : 204,
      headers: { ...signV3Reply({ serial: genuine.serial, privateKey: genuine.privateKey, body }) },
      body,
      sign: false,
    }
  }
})
afterAll(() => gateway.close())

const client = (certificatesEndpoint?: string, autoCertificates = false) =>
  new Wechatpay({
    mchid: creds.mchid,
    serial: creds.merchantSerial,
    privateKey: creds.merchant.privateKey,
    apiv3Key: creds.apiv3Key,
    baseUrl: gateway.url,
    backupBaseUrl: false,
    autoCertificates,
    ...(certificatesEndpoint === undefined ? {} : { certificatesEndpoint: certificatesEndpoint as never }),
  })

describe('certificatesEndpoint', () => {
  test.each([
    [undefined, '/v3/certificates'],
    ['v3/certificates', '/v3/certificates'],
    ['v3/global/certificates', '/v3/global/certificates'],
    ['hk/v3/certificates', '/hk/v3/certificates'],
  ])('%s: certificates() downloads from %s, signed for that path', async (endpoint, url) => {
    gateway.seen.length = 0
    const certificates = await client(endpoint).certificates()
    expect(certificates.map((c) => c.serial)).toEqual([genuine.serial])
    expect(gateway.seen.map((s) => s.url)).toEqual([url])
    // The request is signed for that path (checked with node:crypto, whatever the prefix).
    const seen = gateway.seen[0]!
    const reason = checkV3Authorization(
      { method: 'GET', target: seen.url, authorization: seen.headers.authorization, body: '' },
      { mchid: creds.mchid, serial: creds.merchantSerial, publicKey: creds.merchant.publicKey },
    )
    expect(reason).toBeUndefined()
  })

  test('autoCertificates uses it too', async () => {
    gateway.seen.length = 0
    await client('v3/global/certificates', true)
      .chain('v3/global/anything' as string)
      .get()
    expect(gateway.seen.map((s) => s.url)[0]).toBe('/v3/global/certificates')
  })

  test.each(['v3/global/certificate', '/v3/certificates', 'https://evil.example/v3/certificates', 42])(
    'refuses %o at construction, naming the option',
    (endpoint) => {
      expect(() => client(endpoint as string)).toThrow(
        expect.objectContaining({ name: 'WechatpayValidationError', option: 'certificatesEndpoint' }),
      )
    },
  )
})
