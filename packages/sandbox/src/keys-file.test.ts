import { createPublicKey, sign, verify } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadOrCreateKeys } from './keys-file'

const dir = mkdtempSync(join(tmpdir(), 'wxpay-keys-file-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const posix = process.platform !== 'win32'

describe('loadOrCreateKeys', () => {
  it('creates the file once (0600) and reads the same credentials back', async () => {
    const path = join(dir, 'a.json')
    const first = await loadOrCreateKeys(path)
    expect(first.created).toBe(true)
    if (posix) expect(statSync(path).mode & 0o777).toBe(0o600)
    const again = await loadOrCreateKeys(path)
    expect(again.created).toBe(false)
    expect(again.warning).toBeUndefined()
    expect(again.keys.merchant).toEqual(first.keys.merchant)
    expect(again.keys.platform).toEqual(first.keys.platform)
    // the stored platform pair is a pair: what it signs verifies with the public key clients get
    const signature = sign('sha256', Buffer.from('m'), again.keys.platform.privateKey)
    expect(
      verify('sha256', Buffer.from('m'), createPublicKey(first.keys.platform.publicKey), signature),
    ).toBe(true)
  })

  it('gives two sandboxes starting at once the same credentials', async () => {
    const path = join(dir, 'race.json')
    const [a, b] = await Promise.all([loadOrCreateKeys(path), loadOrCreateKeys(path)])
    expect([a.created, b.created].sort()).toEqual([false, true])
    expect(a.keys.merchant).toEqual(b.keys.merchant)
    expect(JSON.parse(readFileSync(path, 'utf8')).merchant).toEqual(a.keys.merchant)
  })

  it('fills in a field an older file lacks and writes it back', async () => {
    const path = join(dir, 'old.json')
    const { keys } = await loadOrCreateKeys(path)
    const stored = JSON.parse(readFileSync(path, 'utf8'))
    // the APIv3 key came with notifications: a file written before them has none
    const { apiv3Key: _dropped, ...merchant } = stored.merchant
    writeFileSync(path, JSON.stringify({ ...stored, merchant }), { mode: 0o600 })
    const reread = await loadOrCreateKeys(path)
    expect(reread.keys.merchant.serial).toBe(keys.merchant.serial)
    expect(reread.keys.merchant.secret).toBe(keys.merchant.secret)
    expect(reread.keys.merchant.apiv3Key).toMatch(/^[0-9A-Za-z]{32}$/)
    expect(JSON.parse(readFileSync(path, 'utf8')).merchant.apiv3Key).toBe(reread.keys.merchant.apiv3Key)
  })

  if (!posix)
    console.warn(
      'SKIPPED: file modes are POSIX; the "readable by other users" warning is not checked on Windows',
    )
  it.skipIf(!posix)('warns about a file other users can read', async () => {
    const path = join(dir, 'open.json')
    await loadOrCreateKeys(path)
    const { chmodSync } = await import('node:fs')
    chmodSync(path, 0o644)
    const { warning } = await loadOrCreateKeys(path)
    expect(warning).toContain('readable by other users (mode 644)')
  })

  it.each([
    ['not JSON', '{"version":1,', 'is not JSON'],
    ['another format', '{"version":2,"merchant":{},"platform":{}}', 'is not a wxpay-sandbox keys file'],
    [
      'a missing platform key',
      '{"version":1,"merchant":{"mchid":"1","appid":"a","serial":"S","privateKey":"P","secret":"K"},"platform":{}}',
      'platform.serial is missing',
    ],
  ])('refuses %s, naming the file and never its contents', async (_, text, message) => {
    const path = join(dir, 'bad.json')
    writeFileSync(path, text)
    const err = (await loadOrCreateKeys(path).catch((e: unknown) => e)) as Error
    expect(err.name).toBe('KeysFileError')
    expect(err.message).toContain(path)
    expect(err.message).toContain(message)
  })

  it('names the file it cannot create', async () => {
    const path = join(dir, 'no-such-dir', 'keys.json')
    const err = (await loadOrCreateKeys(path).catch((e: unknown) => e)) as Error
    expect(err.name).toBe('KeysFileError')
    expect(err.message).toBe(`cannot create ${path}: ENOENT`)
  })

  it('refuses keys that do not parse without echoing them', async () => {
    const path = join(dir, 'garbled.json')
    const { keys } = await loadOrCreateKeys(path)
    const stored = JSON.parse(readFileSync(path, 'utf8'))
    stored.merchant.privateKey = '-----BEGIN PRIVATE KEY-----\nTOPSECRETGARBAGE\n-----END PRIVATE KEY-----\n'
    writeFileSync(path, JSON.stringify(stored))
    const err = (await loadOrCreateKeys(path).catch((e: unknown) => e)) as Error
    expect(err.name).toBe('KeysFileError')
    expect(err.message).toContain('delete it to start with new credentials')
    expect(err.message).not.toContain('TOPSECRETGARBAGE')
    expect(err.message).not.toContain(keys.platform.privateKey.slice(40, 80))
  })
})
