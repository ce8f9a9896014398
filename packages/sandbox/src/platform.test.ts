// Certificate-mode merchants: /v3/certificates, rotation, signing keys, and the encrypted-field
// endpoint, checked with node:crypto here (X509Certificate, AES-GCM, OAEP), not the sandbox's code.
import { constants, createDecipheriv, publicEncrypt, X509Certificate } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { envLines } from './env-lines'
import type { Sandbox } from './start'
import { authorization, start, v3 } from './test-helpers'
import { verifyV3Reply } from './testing/v3'

const OAEP_SHA1 = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' } as const

interface Listed {
  serial_no: string
  effective_time: string
  expire_time: string
  encrypt_certificate: { algorithm: string; nonce: string; associated_data: string; ciphertext: string }
}

function open(apiv3Key: string, sealed: Listed['encrypt_certificate']): string {
  const data = Buffer.from(sealed.ciphertext, 'base64')
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiv3Key), Buffer.from(sealed.nonce), {
    authTagLength: 16,
  })
  decipher.setAAD(Buffer.from(sealed.associated_data))
  decipher.setAuthTag(data.subarray(-16))
  return Buffer.concat([decipher.update(data.subarray(0, -16)), decipher.final()]).toString('utf8')
}

async function addReceiver(sb: Sandbox, name: string | undefined, serial: string | undefined) {
  const target = '/v3/profitsharing/receivers/add'
  const body = JSON.stringify({
    appid: sb.merchant.appid,
    type: 'PERSONAL_OPENID',
    account: 'o1',
    relation_type: 'USER',
    ...(name === undefined ? {} : { name }),
  })
  const res = await fetch(new URL(target.slice(1), sb.url), {
    method: 'POST',
    headers: {
      Authorization: authorization(sb, 'POST', target, body),
      'Content-Type': 'application/json',
      ...(serial ? { 'Wechatpay-Serial': serial } : {}),
    },
    body,
  })
  return { status: res.status, headers: res.headers, text: await res.text() }
}

describe('certificate mode', () => {
  let sb: Sandbox
  beforeAll(async () => {
    sb = await start({ platformMode: 'certificate' })
  })
  afterAll(() => sb.close())

  test('/v3/certificates lists each certificate sealed with the APIv3 key under its own serial, signed by it', async () => {
    const reply = await v3(sb, '/v3/certificates', undefined, { method: 'GET' })
    expect(reply.status).toBe(200)
    const { data } = reply.json() as { data: Listed[] }
    expect(data).toHaveLength(1)
    const [entry] = data
    expect(entry!.encrypt_certificate.algorithm).toBe('AEAD_AES_256_GCM')
    expect(entry!.encrypt_certificate.associated_data).toBe('certificate')
    const pem = open(sb.merchant.apiv3Key, entry!.encrypt_certificate)
    const x509 = new X509Certificate(pem)
    expect(x509.serialNumber).toBe(entry!.serial_no)
    // issued by the sandbox's own root CA (node:crypto checks the signature and the names)
    const root = new X509Certificate(sb.platform.rootCertificate!)
    expect(x509.verify(root.publicKey)).toBe(true)
    expect(x509.checkIssued(root)).toBe(true)
    expect(root.ca).toBe(true)
    expect(new Date(x509.validFrom).getTime()).toBeLessThan(Date.now())
    expect(new Date(x509.validTo).getTime()).toBeGreaterThan(Date.now())
    expect(reply.headers.get('wechatpay-serial')).toBe(entry!.serial_no)
    expect(
      verifyV3Reply({
        headers: reply.headers,
        body: reply.text,
        serial: entry!.serial_no,
        publicKey: x509.publicKey,
      }),
    ).toBe(true)
    // an unsigned request is refused like any other
    const res = await fetch(new URL('v3/certificates', sb.url))
    expect(res.status).toBe(401)
  })

  test('env lines: no WECHATPAY_CERTS, WECHATPAY_AUTO_CERTIFICATES=true', () => {
    const lines = envLines(sb)
    expect(lines.some((l) => l.startsWith('WECHATPAY_CERTS='))).toBe(false)
    expect(lines).toContain('WECHATPAY_AUTO_CERTIFICATES=true')
  })

  test('rotate(): the new certificate is served beside the old one and signs; retire() drops the old one', async () => {
    const [old] = sb.platform.certificates()
    const next = await sb.platform.rotate()
    const listed = (await v3(sb, '/v3/certificates', undefined, { method: 'GET' })).json() as {
      data: Listed[]
    }
    expect(listed.data.map((d) => d.serial_no)).toEqual([old!.serial, next.serial])
    const reply = await v3(sb, '/v3/certificates', undefined, { method: 'GET' })
    expect(reply.headers.get('wechatpay-serial')).toBe(next.serial)
    sb.platform.retire()
    expect(sb.platform.certificates().map((c) => c.serial)).toEqual([next.serial])
  })

  test('receivers/add decrypts name with the certificate Wechatpay-Serial names; wrong serial or bad field → 400 PARAM_ERROR', async () => {
    const [current] = sb.platform.certificates()
    const cert = new X509Certificate(current!.certificate)
    const encrypted = publicEncrypt({ key: cert.publicKey, ...OAEP_SHA1 }, Buffer.from('张三')).toString(
      'base64',
    )
    const ok = await addReceiver(sb, encrypted, current!.serial)
    expect(ok.status).toBe(200)
    expect(sb.receivers.at(-1)).toMatchObject({ name: '张三', serial: current!.serial })

    for (const [name, serial] of [
      [encrypted, sb.platform.serial], // the public key is not this merchant's key in certificate mode
      [encrypted, '0123456789ABCDEF'],
      [encrypted, undefined],
      ['bm90IGVuY3J5cHRlZA==', current!.serial],
      [
        publicEncrypt({ key: sb.platform.publicKey, ...OAEP_SHA1 }, Buffer.from('x')).toString('base64'),
        current!.serial,
      ],
    ] as const) {
      const refused = await addReceiver(sb, name, serial)
      expect(refused.status).toBe(400)
      expect(JSON.parse(refused.text).code).toBe('PARAM_ERROR')
    }
  })
})

describe('public-key mode', () => {
  let sb: Sandbox
  beforeAll(async () => {
    sb = await start()
  })
  afterAll(() => sb.close())

  test('/v3/certificates answers 404 RESOURCE_NOT_EXISTS; rotate() is refused', async () => {
    const reply = await v3(sb, '/v3/certificates', undefined, { method: 'GET' })
    expect(reply.status).toBe(404)
    expect(reply.json()).toMatchObject({ code: 'RESOURCE_NOT_EXISTS' })
    expect(sb.platform.certificates()).toEqual([])
    await expect(sb.platform.rotate()).rejects.toThrow(TypeError)
    expect(sb.clientOptions().autoCertificates).toBeUndefined()
  })

  test('env lines: WECHATPAY_CERTS, no WECHATPAY_AUTO_CERTIFICATES', () => {
    const lines = envLines(sb)
    expect(lines.some((l) => l.startsWith('WECHATPAY_CERTS='))).toBe(true)
    expect(lines.some((l) => l.startsWith('WECHATPAY_AUTO_CERTIFICATES'))).toBe(false)
  })

  test('receivers/add decrypts name with the public key', async () => {
    const encrypted = publicEncrypt(
      { key: sb.platform.publicKey, ...OAEP_SHA1 },
      Buffer.from('李四'),
    ).toString('base64')
    expect((await addReceiver(sb, encrypted, sb.platform.serial)).status).toBe(200)
    expect(sb.receivers.at(-1)).toMatchObject({ name: '李四' })
  })
})

describe('both mode (migration)', () => {
  test('signs with the certificate by default, with the public key after signWith(); both decrypt', async () => {
    const sb = await start({ platformMode: 'both' })
    try {
      const [cert] = sb.platform.certificates()
      const a = await v3(sb, '/v3/certificates', undefined, { method: 'GET' })
      expect(a.headers.get('wechatpay-serial')).toBe(cert!.serial)
      sb.platform.signWith('publicKey')
      const b = await v3(sb, '/v3/certificates', undefined, { method: 'GET' })
      expect(b.headers.get('wechatpay-serial')).toBe(sb.platform.serial)
      const byKey = publicEncrypt({ key: sb.platform.publicKey, ...OAEP_SHA1 }, Buffer.from('x')).toString(
        'base64',
      )
      expect((await addReceiver(sb, byKey, sb.platform.serial)).status).toBe(200)
      const x509 = new X509Certificate(cert!.certificate)
      const byCert = publicEncrypt({ key: x509.publicKey, ...OAEP_SHA1 }, Buffer.from('y')).toString('base64')
      expect((await addReceiver(sb, byCert, cert!.serial)).status).toBe(200)
      expect(sb.clientOptions()).toMatchObject({
        autoCertificates: true,
        certs: { [sb.platform.serial]: sb.platform.publicKey },
      })
    } finally {
      await sb.close()
    }
  })
})
