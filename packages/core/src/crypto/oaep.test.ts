// Vector G: published test data of the official Java SDK (wechatpay-apiv3/wechatpay-java), copied
// here with its source. The key is the SDK's public test fixture, not a secret.
import { constants, privateDecrypt } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { fromBase64 } from '../encoding'
import { WechatpayValidationError } from '../errors'
import { Wechatpay } from '../node'
import { importOaepPrivateKey, oaepDecrypt } from './oaep'
import { parsePrivateKey } from './pem'

/** Vector G: RSAPrivacyDecryptorTest, with core/src/test/resources/merchant_private_key.pem (serial 5F1C72E2…). */
const VECTOR_G_KEY = `-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCaZzehUwzcxdLg
Gn/UNryHLdX0yBvCqD0p92/BdlCIBi0dmzZzrfc+FF0xK70AP9b2+Ry5q+zXUU+d
PucJmgwABiZ+Lte+4euMxqPCEkdEu9lyiphalpoaOVPbmDNatzq9k5a/P454QRWM
dkLUJZCeoL9bF2Gn/2+wWEw3sL8zFFcOM8Jr1PdOLmAx+h7pf/87jcmXXCm+SZqw
5MtILKQi9zHWujYdMA0IcYNeQaNl1h/NUnungdIHKaaU+17wCXqTcZsipAGoqfqr
Hx/sr30ZszOdHYOvFNiB+rhEldBGSLWwSYE6LFkbP9GdQWKIQCip3E5dLj5ZFkDe
Ov4Hekf9AgMBAAECggEAEsVsqnS90hNMzUj7dHHJHsgQRGeVlGc+tFzsHcGEDd1u
W7SUfKDQN6BjKgiuvBqGyFTFzL7dltnAS5YroWu0fMZCpMGOIhs2N1Go8/2j43PQ
/k9iMVUw2/JPQxmwWJ2BCy4nvA1+hRkohQCVpFQCzn4tdWYUzcdMrUw2y+h1fkCQ
5MJn7iw9QHKQSeFeCl1/xq2PvOtiK/r1LsckyKNSSNgFEfxyWYaKbnK9OH+5rFKQ
QuI+fnAgE6QiLvmW0NqqZUSfqkLKi/FSWI13ns0H6OxjqpLX8VQ6+Cw5qq8fCuv2
gzkVk8A85ZTCQL/q9qDilt9uAE0bE924WU+n2zkBoQKBgQDQvIufN6fKpm27k4yx
RNV23fj9nojewaVqGg/3yuyiAu6w/yFcTXkGMVOicTYraX2mliHTIoyP8ywKGqqa
XS/Kk3tGD1K04KriPiFwWXU54+DmOJEyYoJlmXOm4BoZ1lW0z5HECC9eO/VPSDY+
zQdRYSCTdSHEgYuOGQSLPPwdrQKBgQC9XTrvkUkIthayc+4IhV6m4kT8uwzuoc3f
uaJhFFcpLKqzcpQBH71TYCXfqkucnO0no0sGerBB4HJQoVRK+jsdhNZhcw1JKLau
E+YlCSRLZ62vyzBTzLw1fnFBp82z1VZBujCrMP+DdwXBTsnkRaUtmDEG0s6YsCwd
fayF0PB9kQKBgAHc/P4R2ByV+brH6WSXsbQa7SMObDhY0CovS18x34Tes9S+okSZ
qG/mttFnY01l5qo7AthIoaqTSBxa+pTgKhIL2PjaICnfK4dTeKbxFXvLzfEgJiOl
/3X6ta6Sp4j9gcxYYfu2+v1DWcA4a8uJtvwB+vF2BTQk1+MP1BuOEs4NAoGBAK3y
+HKdOUPBUPQ4vk4hhaMzcz/d67FB/UYo1lrrPm3aVCxnckHeECKIzgG6A58oIEor
HH4lMcgyD5C1wiLl3mvtXKlD8M5lkfoy2VToIukJomk783bnOXTCY/N12+X4cTYL
fS2k4vK24RiD8b25pFRP26ly+MkV/FBS46pBFsmhAoGAOjfl2vGyJo8CRQ/HBLsS
Bw2VQgRvZU7mom1qa2SKA2VlsFz/aiBCcT8XEsTJxkVYkvbdfbyx2Z9kCbI6Y2cz
Z+M/0rQSRv/eOiBW7anBImZMg6WcYNfRfumkuNq+6fcCKKtZuyrd7ZFc0jTcVasI
xNJ1TM6J6kRQdn5O6Ot4ERw=
-----END PRIVATE KEY-----
`
const VECTOR_G_CIPHERTEXT =
  'Qqsluo7R1IZyAqdkm/jBzwXDP5VndCwwFbRA+yILFTYciZzrRChQIQ7SKuI2k3YSR5auB3ZspdjR1WPB3PTCKe6BCFx3NnaPWhSwonYTmW8ZseXjkbcYSbKL5O/6dr6Zftg3t2A2FUd97acjM1fr2EIvIvRieQ3Hl8qVkDBY9520wm1rzvePUnxQWN70RZiBcqr7O7Gb0gU3l7FkvoUFSbY44HgDJetmVow3yGIV3Tcd45o2MNQ+5F1qvjIjb3/6dkGKce4/kNTYraUMO6o6kfFXlfg+bFRIiz8hiUpbToWdu7g0R5Hq0/YIE5vw/5Ms4gbk2HIQIfOLkY8sEPjYHA=='

describe('Vector G: RSA-OAEP (SHA-1, MGF1-SHA-1) with the merchant private key', () => {
  test('the Web Crypto primitive decrypts it to "plaintext"', async () => {
    const key = await importOaepPrivateKey(parsePrivateKey(VECTOR_G_KEY).der)
    const plain = await oaepDecrypt(key, fromBase64(VECTOR_G_CIPHERTEXT)!)
    expect(new TextDecoder().decode(plain)).toBe('plaintext')
  })

  test('wxpay.decrypt() decrypts it; node:crypto (independent oracle) agrees, and SHA-256 OAEP does not', async () => {
    const wxpay = new Wechatpay({
      mchid: '1234567891',
      serial: '5F1C72E2A8931B72A2E13AF8DEE92471EB397115',
      privateKey: VECTOR_G_KEY,
    })
    expect(await wxpay.decrypt(VECTOR_G_CIPHERTEXT)).toBe('plaintext')
    const data = Buffer.from(VECTOR_G_CIPHERTEXT, 'base64')
    const oaep = (oaepHash: string) =>
      privateDecrypt(
        { key: VECTOR_G_KEY, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash },
        data,
      ).toString()
    expect(oaep('sha1')).toBe('plaintext')
    expect(() => oaep('sha256')).toThrow()
  })

  test('a flipped bit or text that is not base64 is a WechatpayValidationError naming ciphertext', async () => {
    const wxpay = new Wechatpay({
      mchid: '1234567891',
      serial: '5F1C72E2A8931B72A2E13AF8DEE92471EB397115',
      privateKey: VECTOR_G_KEY,
    })
    const bytes = Buffer.from(VECTOR_G_CIPHERTEXT, 'base64')
    bytes[10] = (bytes[10] ?? 0) ^ 1
    for (const bad of [bytes.toString('base64'), 'not base64!', '']) {
      const error = await wxpay.decrypt(bad).catch((err: unknown) => err)
      expect(error).toBeInstanceOf(WechatpayValidationError)
      expect((error as WechatpayValidationError).option).toBe('ciphertext')
    }
    const noKey = new Wechatpay({ mchid: '1234567891' })
    await expect(noKey.decrypt(VECTOR_G_CIPHERTEXT)).rejects.toMatchObject({ option: 'privateKey' })
  })
})
