import { generateKeyPairSync, sign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { checkV3Request, parseAuthorization } from './v3-auth'

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const NOW = 1_800_000_000

function header(pairs: Record<string, string>): string {
  return `WECHATPAY2-SHA256-RSA2048 ${Object.entries(pairs)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}`
}

// Signed here rather than with ./testing's v3Authorization: the pairs go out in a non-canonical
// order (serial_no first), which the parser must accept.
function signed(body: string, target = '/v3/x?a=1', timestamp = NOW, method = 'POST') {
  const nonce = 'n'.repeat(32)
  const signature = sign(
    'sha256',
    Buffer.from(`${method}\n${target}\n${timestamp}\n${nonce}\n${body}\n`),
    privateKey,
  )
  return {
    method,
    target,
    body: Buffer.from(body),
    authorization: header({
      serial_no: 'SERIAL',
      signature: signature.toString('base64'),
      timestamp: String(timestamp),
      mchid: '1900000109',
      nonce_str: nonce,
    }),
  }
}

const expectation = { mchid: '1900000109', serial: 'SERIAL', publicKey, nowSeconds: NOW }

describe('parseAuthorization', () => {
  it('takes the pairs in any order', () => {
    const parsed = parseAuthorization(
      'WECHATPAY2-SHA256-RSA2048 timestamp="1",serial_no="S",nonce_str="N",mchid="M",signature="X=="',
    )
    expect(parsed).toEqual({ timestamp: '1', serial_no: 'S', nonce_str: 'N', mchid: 'M', signature: 'X==' })
  })

  it.each([
    [undefined, 'missing'],
    ['Bearer x', 'scheme'],
    ['WECHATPAY2-SHA256-RSA2048 mchid="M",nonce_str="N",signature="X",timestamp="1"', 'lacks serial_no'],
    [
      'WECHATPAY2-SHA256-RSA2048 mchid="M",mchid="M",nonce_str="N",signature="X",timestamp="1",serial_no="S"',
      'repeats',
    ],
    ['WECHATPAY2-SHA256-RSA2048 mchid=M,nonce_str="N"', 'pairs'],
    [
      'WECHATPAY2-SHA256-RSA2048 mchid="M",nonce_str="",signature="X",timestamp="1",serial_no="S"',
      'lacks nonce_str',
    ],
  ])('refuses %s', (value, reason) => {
    expect(parseAuthorization(value)).toContain(reason)
  })
})

describe('checkV3Request', () => {
  it('accepts a request signed over the raw target and body', () => {
    expect(checkV3Request(signed('{"mchid":"1900000109"}'), expectation)).toBeUndefined()
    expect(checkV3Request(signed(''), expectation)).toBeUndefined()
  })

  it('refuses a changed body, target or method', () => {
    expect(checkV3Request({ ...signed('{}'), body: Buffer.from('{ }') }, expectation)).toContain('signature')
    expect(checkV3Request({ ...signed(''), target: '/v3/x?a=2' }, expectation)).toContain('signature')
    expect(checkV3Request({ ...signed(''), method: 'GET' }, expectation)).toContain('signature')
  })

  it('refuses another merchant, serial or key', () => {
    expect(checkV3Request(signed(''), { ...expectation, mchid: '1' })).toContain('mchid')
    expect(checkV3Request(signed(''), { ...expectation, serial: 'OTHER' })).toContain('serial_no')
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey
    expect(checkV3Request(signed(''), { ...expectation, publicKey: other })).toContain('signature')
  })

  it('says an unknown serial or a key that does not verify may be stale credentials of an earlier run', () => {
    const stale =
      /stale credentials\? The sandbox makes new keys on every start: re-export its env lines .*--keys-file/
    const serial = checkV3Request(signed(''), { ...expectation, serial: 'RESTARTED' })
    expect(serial).toMatch(/^serial_no SERIAL is not this sandbox's merchant API certificate serial: /)
    expect(serial).toMatch(stale)
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey
    const key = checkV3Request(signed(''), { ...expectation, publicKey: other })
    expect(key).toMatch(/^the signature does not verify with this sandbox's merchant key: /)
    expect(key).toMatch(stale)
  })

  it.each([
    [-301, false],
    [-300, false],
    [-299, true],
    [0, true],
    [299, true],
    [300, false],
    [301, false],
  ])('timestamp offset %i s accepted: %s', (offset, ok) => {
    const problem = checkV3Request(signed('', '/v3/x', NOW + offset), expectation)
    if (ok) expect(problem).toBeUndefined()
    else expect(problem).toContain('300 s')
  })

  it('refuses a signature that is not base64 without throwing', () => {
    const req = signed('')
    req.authorization = req.authorization.replace(/signature="[^"]*"/, 'signature="WECHATPAY/SIGNTEST/%%%"')
    expect(checkV3Request(req, expectation)).toContain('signature')
  })
})
