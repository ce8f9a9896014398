// Vectors F and G: published test data of the official Java SDK (wechatpay-apiv3/wechatpay-java),
// copied here with their source. Both keys are the SDK's public test fixtures, not secrets.
import { constants, createHash, privateDecrypt } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { aesGcmDecrypt, importAesGcmKey } from '../crypto/aes-gcm'
import { importOaepPrivateKey, oaepDecrypt } from '../crypto/oaep'
import { parsePrivateKey, parsePublicKey } from '../crypto/pem'
import { fromBase64, utf8 } from '../encoding'
import { Wechatpay, WechatpayValidationError } from '../node'

/** Vector F: TestConfig.DOWNLOAD_CERTIFICATE_RESPONSE (core/src/test/java/…/core/model/TestConfig.java). */
const VECTOR_F = {
  apiv3Key: 'a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb',
  serial_no: '5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC',
  nonce: '14b16c03dc1b',
  associated_data: 'certificate',
  ciphertext:
    'Mr/AxbvY+WL9hKlD5nIa03LOMPpn5f+CWeNxE4ujl0f5gXZ9XLJ9CldkArCOTsbU62XgKnTc3YvRMZQ7wCmE2fzwmAenAySTYsPms72JhggPWfdqVxri9YD5wBYKn8Ck0Fc5JIiVw9WlN2oxHBz83mRVsjoTGC5+cX1CdYqKuZ8pkvi0aCJIq07ZC8MHoTowUz+4jYJy9XeKqip83Z7BmUYxsePpNM+HtihBqTJIUYXJfX7Col5X0ACsApRoU9l6swfW/kzvqNpDJavhDBGasLrr5822+Fk5nVkcTi53f8Wbue7ODWjJxj1yhRYcxFCvXLtpYNB+Qa1aXtrBSdBdBI2p7o+6Imn+auHLBCzkrZqF/yd+d4vTn4tqHPLUj89XcHsMf96uBo3T/HQV8LEDeIO+6YvOK9FrIDYsvp+imN4n/mnF7eJKo9mpN/QqWJiawrFpAmMMxFKBjIdpgMnVUl3Z11RcWKyfOJ3kcmItTWcnZFNyDgR9cS0aU6QPlefa3uUW89uzBuHjcFdDl43yU3LE4qZnHLDcDgx4qt0OFCLiy51GXtEpyYs5k99YJBvKK+RyIs4Yc1/smBmClQUhxW+8bsPNOcXfDvH2yX4YzESoO4TV0RqiCgnsSd4zIFyJPiMKIGzVHiw6Kg0eGCmB4mGHEEZCQ0eN3SSPO0QVjjtBYfgXDZfVHSaAB8PjWBVNFimoViZZQrwT6Ygo0LU0Dd8+F5aHFYr4OPHPslr3hrgutEYXDTv1vTA6ABJGqknJ9Y2vtyWpy7aIwxc0kQq/1ezjs+RMVL/LRpGDnbx1/CGPDjZhYgZypKa55+PDhoaQxqkF3xCLz2DGoNHZYmFqxzAOsAK0vJZw4VcAk6ssbA6YIaMuiemEpxfLC9ZiXtRqsX9s+GWjjtA8JywOFMO+NKZm9BH/E5YNg2DDD3sHG9Mciwn7yJ6sdf8h2lAWlEExAOeiBNyshOHAQ0/S+x1ncWNiqY+Uh5n0rtonvePV2MsxVlEWR3AVHn1abcEWkzivd+G5kg7LYO0goqzGClcQfnFfZdO6KwcMXsBCnm9A1Bl4+k5LLokTIYH5/36SRIZ9j0CHGD77BQLE7x8AlNsoFS2m263tLLq78TFqvZUTIZIQcVIl+NInscS3xQbA38qqFqutCWIwoF1azuJ7woiJyMvnS3xzIpNzP+rzJ8VDXxjLjpEUBOC9WDs74+QMtsAdmh6g0KDclHEk8WJ4P2bnso4z3VCGoDT5X/0bS1C+jMZMKaOCNB21FZ08qgUHmKeDeg8ylENu+mh2Y/AaEDSGkGBHIfFbhMYO3uRxhk9hldiHEnHgdkXiVAAUWk/IhtmGijibO/L76vB74Xpes973uK+2iFKgNBk8qTLLZZnuWbcMQuA6VsFULRb/C+q9B21YuAWPMzvgBwr4EX2m/OpF5w8Q0HL7v1H5H0mIGJbrjnklUPoBYrw30W3uk7yF0KE6sfMukafFx0S9rBOL0RykGDPwC0lHSNySkXDeM5XvDJ+dtHK+RDwhJR+azfrWAHGMtZcQ+YVamjWVmHxXM03j3GeCXgqae1upwHzkPL5OwojcQ5MQi3Kv/1xtwY0cRN/yeZTOsXfujtqhkJj/Vltby4lnW4SCj4LjWQF19BY6zhzF4yybBA8bhhtoNP/zx8QkhHAkIROkK2ZVgfocCAPvfQ+vSrsIBO+L5cmg6mzFn4g84lsHscgXnszIlzUrzx/4Tam0uwuS9J1gddZ0I0QUt9SJzfsoBCTU0OgNMUtXKS5HvgXe7abexMtFH5eulOsAuFZkQ5LYJa/m4yHFInXzL/t3hjdTi2NmxUufvYzwIyffRTu5vS9vjscARD9lUQDHFQ/xgWe1i8EkRlrSfjlXt00+4//h2bcJKyTBT3IXwvKNsuY29V9/vU3HkvWKZ99zpSlmcZRuBa1BHbyPEvc0NlqIIoKidxqUvOR64MzudHhAjgWFP+IXojfhS3Gj9OJhBL7s',
}

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

describe('Vector F: a /v3/certificates entry decrypts to the listed certificate', () => {
  test('AES-256-GCM with the APIv3 key and AAD "certificate" → the 1,475-byte PEM of serial 5DEA10EF…', async () => {
    const key = await importAesGcmKey(utf8.encode(VECTOR_F.apiv3Key))
    const plain = await aesGcmDecrypt(
      key,
      utf8.encode(VECTOR_F.nonce),
      fromBase64(VECTOR_F.ciphertext)!,
      utf8.encode(VECTOR_F.associated_data),
    )
    expect(plain).toBeDefined()
    expect(plain!.length).toBe(1475)
    expect(createHash('sha256').update(plain!).digest('hex')).toBe(
      '8693813ac0735cb54b6e67f25086a5924c103712255b8857049b8e502d564eb4',
    )
    const material = parsePublicKey(new TextDecoder().decode(plain!))
    expect(material.certificate?.serial).toBe(VECTOR_F.serial_no)
    expect(material.certificate?.notBefore.toISOString()).toBe('2023-09-19T15:15:58.000Z')
    expect(material.certificate?.notAfter.toISOString()).toBe('2028-09-17T15:15:58.000Z')
  })

  test('another APIv3 key or another AAD does not decrypt it', async () => {
    const other = await importAesGcmKey(utf8.encode('b7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb'))
    const sealed = fromBase64(VECTOR_F.ciphertext)!
    expect(
      await aesGcmDecrypt(other, utf8.encode(VECTOR_F.nonce), sealed, utf8.encode('certificate')),
    ).toBeUndefined()
    const key = await importAesGcmKey(utf8.encode(VECTOR_F.apiv3Key))
    expect(
      await aesGcmDecrypt(key, utf8.encode(VECTOR_F.nonce), sealed, utf8.encode('transaction')),
    ).toBeUndefined()
  })
})

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
