// Serial and validity read from the certificate DER, against what `openssl x509` prints (the oracle).
import { mkdtempSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { type TestKeys, testKeys } from '../../test/keys'
import { certificate, openssl, pemDer } from '../../test/openssl'
import { normalizeSerial, readCertificate } from './x509'

let keys: TestKeys
let dir: string

/** serial, notBefore and notAfter as openssl prints them. */
function opensslView(pem: string) {
  const out = openssl(['x509', '-noout', '-serial', '-startdate', '-enddate'], pem)
  const field = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(out)![1]!
  return {
    serial: field('serial'),
    notBefore: new Date(field('notBefore')),
    notAfter: new Date(field('notAfter')),
  }
}

function read(pem: string) {
  const der = new Uint8Array(pemDer(pem))
  const { serial, notBefore, notAfter, spki } = readCertificate(der)
  return { serial, notBefore, notAfter, spki: Buffer.from(der.subarray(spki.start, spki.end)) }
}

beforeAll(() => {
  keys = testKeys()
  dir = mkdtempSync(join(keys.dir, 'x509-'))
  writeFileSync(join(dir, 'cert.pem'), keys.certKey)
})

describe('readCertificate', () => {
  test('the run certificate (v3, UTCTime): serial and dates as openssl prints them', () => {
    const view = opensslView(keys.certificate)
    const info = read(keys.certificate)
    expect(info.serial).toBe(view.serial)
    expect(info.serial).toBe(keys.certificateSerial)
    expect(info.notBefore).toEqual(view.notBefore)
    expect(info.notAfter).toEqual(view.notAfter)
    const spki = pemDer(openssl(['x509', '-noout', '-pubkey'], keys.certificate))
    expect(info.spki.equals(spki)).toBe(true)
  })

  test('GeneralizedTime dates (after 2049), a high-bit serial (00 sign byte), a short serial', () => {
    const path = join(dir, 'cert.pem')
    for (const [serial, start, end] of [
      ['F0E1D2C3B4A5968778695A4B3C2D1E0F01234567', '20510101000000Z', '20520615120000Z'],
      ['05', '20200101000000Z', '20210101000000Z'],
      ['7FFF', '19991231235959Z', '20500101000000Z'],
    ] as const) {
      const pem = certificate(dir, path, { serial, start, end })
      const view = opensslView(pem)
      const info = read(pem)
      expect(info.serial).toBe(normalizeSerial(view.serial))
      expect(info.notBefore).toEqual(view.notBefore)
      expect(info.notAfter).toEqual(view.notAfter)
    }
  })

  test('a v1 certificate (no [0] version field)', () => {
    const csr = openssl(['req', '-new', '-key', join(dir, 'cert.pem'), '-subj', '/CN=v1'])
    const pem = openssl(
      ['x509', '-req', '-key', join(dir, 'cert.pem'), '-days', '1', '-set_serial', '0x2A'],
      csr,
    )
    expect(openssl(['x509', '-noout', '-text'], pem)).toMatch(/Version: 1 \(0x0\)/)
    const info = read(pem)
    expect(info.serial).toBe('2A')
    expect(info.notAfter).toEqual(opensslView(pem).notAfter)
    expect(info.spki.equals(pemDer(openssl(['x509', '-noout', '-pubkey'], pem)))).toBe(true)
  })
})

test('normalizeSerial: upper case, leading zeros dropped, zero kept', () => {
  expect(normalizeSerial('00c3e1')).toBe('C3E1')
  expect(normalizeSerial('0102')).toBe('102')
  expect(normalizeSerial('0')).toBe('0')
  expect(normalizeSerial('000')).toBe('0')
})
