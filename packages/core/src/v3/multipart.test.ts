// The upload encoding: the meta JSON and its signature against the worked example of the protocol
// notes (file bytes `hello`, the official test key), and the multipart body taken apart by a
// parser written here, independently of the encoder.
import { createHash } from 'node:crypto'
import { OFFICIAL_TEST_PRIVATE_KEY } from '@wxpay/sandbox/testing'
import { expect, test } from 'vitest'
import { parsePrivateKey } from '../crypto/pem'
import { importRsaKey } from '../crypto/signature'
import { authorization } from './authorization'
import { encodeMedia } from './multipart'

const HELLO = new TextEncoder().encode('hello')
const EXAMPLE_META =
  '{"filename":"filea.jpg","sha256":"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"}'
const EXAMPLE_SIGNATURE =
  'ToxRNXZaHhjkDQwPZ+hDZnunWYekWf/wd0Fiu6PhorVT2pMSoThbuQILBQDOs51qpGzh5cKP3R9WEalUhUV9UeTv6e5mTb9BPROJEc2PpH4UaXcg9DTsRSufYrhtjRQt9zqplEUfBNzy8ZG53KxOyU/+7dxOZE4cKpiIZ7gyb9mcIuc5pVTNhvCKOH4febm1aknuttl8N3pHrkQ/kCYtVSMaJ/1nowpfYIyDmcQBCmHzi7hO8HjFu1fFtVe/o2tjVnhq8gak3DFzU5t/SmdB+H2aR1a7fbXMAx9QBN2jzfsWdlIQjVH1PtFy8J7xQVFiixhSsxQotv4EX7IOSIyEnA=='

/** A minimal multipart/form-data reader (RFC 7578), for this test only. */
function parts(body: Uint8Array, contentType: string) {
  const boundary = /boundary=(.+)$/.exec(contentType)![1]!
  const text = Buffer.from(body).toString('latin1')
  const pieces = text.split(`--${boundary}`)
  expect(pieces[0]).toBe('')
  expect(pieces.at(-1)).toBe('--\r\n')
  return pieces.slice(1, -1).map((piece) => {
    expect(piece.startsWith('\r\n') && piece.endsWith('\r\n')).toBe(true)
    const [head, ...rest] = piece.slice(2, -2).split('\r\n\r\n')
    return { head: head!.split('\r\n'), body: Buffer.from(rest.join('\r\n\r\n'), 'latin1') }
  })
}

test('the meta JSON and its signature: the worked example (file bytes `hello`, official test key)', async () => {
  const { meta } = await encodeMedia({ filename: 'filea.jpg', data: HELLO })
  expect(meta).toBe(EXAMPLE_META)
  const key = await importRsaKey(parsePrivateKey(OFFICIAL_TEST_PRIVATE_KEY))
  const header = await authorization({
    key,
    mchid: '1900000109',
    serial: 'SERIAL',
    method: 'POST',
    pathAndQuery: '/v3/merchant/media/upload',
    body: meta,
    timestamp: '1554208460',
    nonce: '593BEC0C930BF1AFEB40B4A08C8FB242',
  })
  expect(/signature="([^"]+)"/.exec(header)![1]).toBe(EXAMPLE_SIGNATURE)
})

test('meta first, then the file; the sha256 is the file’s, computed by node:crypto here', async () => {
  const data = new Uint8Array(300).map((_, i) => (i * 7) & 0xff) // every byte value, CR and LF included
  const { meta, body, contentType } = await encodeMedia({
    filename: 'photo.PNG',
    data: new Blob([data]),
    meta: { bank_type: 'CMB' },
  })
  expect(contentType).toMatch(/^multipart\/form-data; boundary=[\w-]+$/)
  const [first, second, ...more] = parts(body, contentType)
  expect(more).toEqual([])
  expect(first!.head).toEqual([
    'Content-Disposition: form-data; name="meta"',
    'Content-Type: application/json',
  ])
  expect(first!.body.toString()).toBe(meta)
  expect(JSON.parse(meta)).toEqual({
    filename: 'photo.PNG',
    sha256: createHash('sha256').update(data).digest('hex'),
    bank_type: 'CMB',
  })
  expect(second!.head).toEqual([
    'Content-Disposition: form-data; name="file"; filename="photo.PNG"',
    'Content-Type: image/png',
  ])
  expect(Buffer.compare(second!.body, Buffer.from(data))).toBe(0)
})

test.each([
  [undefined, 'media'],
  [{ filename: 'a"b.jpg', data: HELLO }, 'media.filename'],
  [{ filename: 'a\r\n.jpg', data: HELLO }, 'media.filename'],
  [{ filename: 'a.jpg', data: 'hello' }, 'media.data'],
  [{ filename: 'a.jpg', data: new Uint8Array() }, 'media.data'],
  [{ filename: 'a.jpg', data: HELLO, contentType: 'image/jpeg\r\nX: y' }, 'media.contentType'],
  [{ filename: 'a.jpg', data: HELLO, meta: { sha256: 'x' } }, 'media.meta.sha256'],
])('bad media %o → a validation error naming %s', async (media, option) => {
  await expect(encodeMedia(media)).rejects.toMatchObject({ name: 'WechatpayValidationError', option })
})
