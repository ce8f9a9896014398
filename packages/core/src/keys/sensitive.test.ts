// sensitive() and decrypt(): round trips against node:crypto (publicEncrypt / privateDecrypt with
// oaepHash 'sha1', written here as an independent oracle), the raw gateway (what went on the wire),
// and the sandbox's receivers/add (which decrypts with the key Wechatpay-Serial names).
import { constants, privateDecrypt, publicEncrypt } from 'node:crypto'
import { inspect } from 'node:util'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { type Gateway, startGateway, testCredentials } from '@wxpay/sandbox/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Wechatpay as FetchWechatpay } from '../index'
import { Wechatpay, WechatpayValidationError } from '../node'

// The catalogue types `name` as a string; until its generated types accept sensitive() markers
// for encrypted fields, the loose path takes them (a path typed as plain `string`).
const RECEIVERS_ADD: string = 'v3/profitsharing/receivers/add'
const receiversAdd = (wxpay: Wechatpay) => wxpay.chain(RECEIVERS_ADD)

const OAEP_SHA1 = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' } as const
const creds = testCredentials()
const NAME = '张三 Zhang San'

let gateway: Gateway
beforeAll(async () => {
  gateway = await startGateway({
    mchid: creds.mchid,
    merchantSerial: creds.merchantSerial,
    merchantPublicKey: creds.merchant.publicKey,
    platformSerial: creds.platformSerial,
    platformKey: creds.platform.privateKey,
  })
})
afterAll(() => gateway.close())

const options = (): ConstructorParameters<typeof Wechatpay>[0] => ({
  mchid: creds.mchid,
  serial: creds.merchantSerial,
  privateKey: creds.merchant.privateKey,
  certs: { [creds.platformSerial]: creds.platform.publicKey },
  baseUrl: gateway?.url,
  backupBaseUrl: false,
})

describe('a marker never shows its plaintext', () => {
  // Nothing here reaches the network: the one call is refused before any I/O.
  const wxpay = new Wechatpay({ ...options(), baseUrl: 'http://127.0.0.1:9/' })
  const marker = wxpay.sensitive(NAME)
  test.each([
    ['JSON.stringify', () => JSON.stringify({ name: marker })],
    ['String', () => String(marker)],
    ['template literal', () => `${marker}`],
    ['concatenation', () => `x${marker}`],
    ['util.inspect', () => inspect({ name: marker }, { showHidden: true, depth: 10 })],
    ['console.log format', () => inspect(marker)],
    ['Object.entries', () => JSON.stringify(Object.entries(marker))],
  ])('%s', (_, show) => {
    const shown = show()
    expect(shown).not.toContain('张三')
    expect(shown).not.toContain('Zhang')
  })

  test('error messages do not quote it: a value too long for RSA-OAEP', async () => {
    const long = '秘'.repeat(100) // 300 bytes of UTF-8, more than 214
    const error = await receiversAdd(wxpay)
      .post({ json: { name: wxpay.sensitive(long) } })
      .catch((err: unknown) => err)
    expect(error).toBeInstanceOf(WechatpayValidationError)
    expect((error as Error).message).toMatch(/300 bytes.*at most 214/)
    expect(`${(error as Error).message}${(error as Error).stack}${inspect(error)}`).not.toContain('秘')
  })

  test('sensitive() takes a string, checked at once', () => {
    expect(() => wxpay.sensitive(42 as unknown as string)).toThrow(WechatpayValidationError)
  })
})

describe.each([
  ['undici', Wechatpay],
  ['fetch', FetchWechatpay as typeof Wechatpay],
])('on the wire (%s)', (_, Client) => {
  test('each marker is encrypted with the platform public key before signing; Wechatpay-Serial names it', async () => {
    gateway.seen.length = 0
    gateway.handler = () => ({ status: 200, body: '{"ok":true}' })
    const wxpay = new Client(options())
    const marker = wxpay.sensitive(NAME)
    await receiversAdd(wxpay).post({
      json: { type: 'PERSONAL_OPENID', name: marker, nested: [{ again: marker }], plain: 'kept' },
    })
    const [seen] = gateway.seen
    expect(seen?.valid).toBe(true) // the signature covers the body with the ciphertexts
    expect(seen?.headers['wechatpay-serial']).toBe(creds.platformSerial)
    expect(seen?.body).not.toContain('张三')
    const body = JSON.parse(seen!.body) as { name: string; nested: Array<{ again: string }>; plain: string }
    expect(body.plain).toBe('kept')
    expect(body.name).not.toBe(body.nested[0]!.again) // OAEP is randomised: two encryptions differ
    for (const ciphertext of [body.name, body.nested[0]!.again]) {
      const decrypted = privateDecrypt(
        { key: creds.platform.privateKey, ...OAEP_SHA1 },
        Buffer.from(ciphertext, 'base64'),
      ).toString('utf8')
      expect(decrypted).toBe(NAME)
    }
  })

  test('a Wechatpay-Serial of another key is refused before any I/O', async () => {
    gateway.seen.length = 0
    const wxpay = new Client(options())
    const error = await receiversAdd(wxpay)
      .post({ json: { name: wxpay.sensitive(NAME) }, headers: { 'Wechatpay-Serial': 'PUB_KEY_ID_0000' } })
      .catch((err: unknown) => err)
    expect(error).toBeInstanceOf(WechatpayValidationError)
    expect((error as WechatpayValidationError).option).toBe('headers.Wechatpay-Serial')
    expect(gateway.seen).toHaveLength(0)
  })

  test('decrypt() reverses node:crypto publicEncrypt (OAEP SHA-1) with the merchant public key', async () => {
    const wxpay = new Client(options())
    const ciphertext = publicEncrypt(
      { key: creds.merchant.publicKey, ...OAEP_SHA1 },
      Buffer.from(NAME, 'utf8'),
    ).toString('base64')
    expect(await wxpay.decrypt(ciphertext)).toBe(NAME)
    // Encrypted for another key (the platform's): refused, and the message does not guess.
    const other = publicEncrypt({ key: creds.platform.publicKey, ...OAEP_SHA1 }, Buffer.from(NAME)).toString(
      'base64',
    )
    await expect(wxpay.decrypt(other)).rejects.toThrow(WechatpayValidationError)
  })
})

describe('a marker where nothing is encrypted is refused before any I/O, naming the option', () => {
  // Only a v3 `json` body is encrypted: anywhere else the marker (or its String() text) would be
  // sent as the placeholder `[wxpay sensitive]`. The raw gateway's request log is the oracle for "no I/O".
  const LOOSE: string = 'v3/loose/{name}'
  const V2: string = 'v2/pay/orderquery'
  const wxpay = () => new Wechatpay({ ...options(), secret: creds.secret })
  // The types already refuse a marker in these places (hence the casts); plain JS does not.
  test.each([
    [
      'a query value',
      'query.name',
      (w: Wechatpay, m: unknown) => w.chain(LOOSE).get({ name: 'n', query: { name: m as string } }),
    ],
    [
      'a header',
      'headers.X-Name',
      (w: Wechatpay, m: unknown) => w.chain(LOOSE).get({ name: 'n', headers: { 'X-Name': m as string } }),
    ],
    ['a path variable', 'name', (w: Wechatpay, m: unknown) => w.chain(LOOSE).get({ name: m as string })],
    [
      'a v2 xml field',
      'xml.name',
      (w: Wechatpay, m: unknown) => w.chain(V2).post({ xml: { mch_id: creds.mchid, name: m as string } }),
    ],
  ])('in %s (%s): the marker, or the text it shows as', async (_, option, call) => {
    gateway.seen.length = 0
    const client = wxpay()
    const marker = client.sensitive(NAME)
    for (const value of [marker, String(marker), `name: ${marker}`]) {
      const error = await (call(client, value) as Promise<unknown>).catch((err: unknown) => err)
      expect(error).toBeInstanceOf(WechatpayValidationError)
      expect((error as WechatpayValidationError).option).toBe(option)
      expect((error as Error).message).toMatch(/sensitive\(\).*v3 `json` body/)
    }
    expect(gateway.seen).toHaveLength(0)
  })
})

describe('against the sandbox: receivers/add decrypts name with the key Wechatpay-Serial names', () => {
  const sandboxes: Sandbox[] = []
  afterAll(() => Promise.all(sandboxes.map((sb) => sb.close())))

  test.each([
    ['publicKey', 'the public key'],
    ['certificate', 'the newest certificate (downloaded first)'],
    ['both', 'the public key (it wins over certificates)'],
  ] as const)(
    '%s mode: encrypted with %s, decrypted by the sandbox, the reply name decrypts with decrypt()',
    async (mode, _key) => {
      const sb = await startSandbox({ platformMode: mode })
      sandboxes.push(sb)
      const wxpay = new Wechatpay({ ...sb.clientOptions(), backupBaseUrl: false })
      const reply = await receiversAdd(wxpay).post({
        json: {
          appid: sb.merchant.appid,
          type: 'PERSONAL_OPENID',
          account: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
          name: wxpay.sensitive(NAME),
          relation_type: 'USER',
        },
      })
      const expected = mode === 'certificate' ? sb.platform.certificates().at(-1)!.serial : sb.platform.serial
      expect(sb.receivers.at(-1)).toMatchObject({ name: NAME, serial: expected })
      const { name } = reply.data as { name: string }
      expect(name).not.toContain('张三')
      expect(await wxpay.decrypt(name)).toBe(NAME)
    },
  )

  test('after a rotation the new certificate encrypts; a Wechatpay-Serial of the old one is refused by the client', async () => {
    const sb = await startSandbox({ platformMode: 'certificate' })
    sandboxes.push(sb)
    const wxpay = new Wechatpay({ ...sb.clientOptions(), backupBaseUrl: false })
    const add = (headers?: Record<string, string>) =>
      receiversAdd(wxpay).post({
        json: {
          appid: sb.merchant.appid,
          type: 'PERSONAL_OPENID',
          account: 'o1',
          name: wxpay.sensitive(NAME),
          relation_type: 'USER',
        },
        ...(headers ? { headers } : {}),
      })
    await add()
    const next = await sb.platform.rotate()
    // A reply under the new serial makes the client download the new set; then it encrypts with it.
    sb.orders.create({ out_trade_no: 'R1' })
    await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({
      out_trade_no: 'R1',
      json: { mchid: sb.merchant.mchid },
    })
    await add()
    expect(sb.receivers.at(-1)).toMatchObject({ name: NAME, serial: next.serial })
    const old = sb.platform.certificates()[0]!.serial
    const error = await add({ 'Wechatpay-Serial': old }).catch((err: unknown) => err)
    expect(error).toBeInstanceOf(WechatpayValidationError) // the client refuses first: not the key it used
  })
})
