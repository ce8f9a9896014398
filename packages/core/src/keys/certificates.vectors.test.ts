// Vector F: published test data of the official Java SDK (wechatpay-apiv3/wechatpay-java), copied
// here with its source. The key is the SDK's public test fixture, not a secret. Vector G (RSA-OAEP)
// is in crypto/oaep.test.ts.
import { createHash } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { aesGcmDecrypt, importAesGcmKey } from '../crypto/aes-gcm'
import { parsePublicKey } from '../crypto/pem'
import { fromBase64, utf8 } from '../encoding'

/** Vector F: TestConfig.DOWNLOAD_CERTIFICATE_RESPONSE (core/src/test/java/…/core/model/TestConfig.java). */
const VECTOR_F = {
  apiv3Key: 'a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb',
  serial_no: '5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC',
  nonce: '14b16c03dc1b',
  associated_data: 'certificate',
  ciphertext:
    'Mr/AxbvY+WL9hKlD5nIa03LOMPpn5f+CWeNxE4ujl0f5gXZ9XLJ9CldkArCOTsbU62XgKnTc3YvRMZQ7wCmE2fzwmAenAySTYsPms72JhggPWfdqVxri9YD5wBYKn8Ck0Fc5JIiVw9WlN2oxHBz83mRVsjoTGC5+cX1CdYqKuZ8pkvi0aCJIq07ZC8MHoTowUz+4jYJy9XeKqip83Z7BmUYxsePpNM+HtihBqTJIUYXJfX7Col5X0ACsApRoU9l6swfW/kzvqNpDJavhDBGasLrr5822+Fk5nVkcTi53f8Wbue7ODWjJxj1yhRYcxFCvXLtpYNB+Qa1aXtrBSdBdBI2p7o+6Imn+auHLBCzkrZqF/yd+d4vTn4tqHPLUj89XcHsMf96uBo3T/HQV8LEDeIO+6YvOK9FrIDYsvp+imN4n/mnF7eJKo9mpN/QqWJiawrFpAmMMxFKBjIdpgMnVUl3Z11RcWKyfOJ3kcmItTWcnZFNyDgR9cS0aU6QPlefa3uUW89uzBuHjcFdDl43yU3LE4qZnHLDcDgx4qt0OFCLiy51GXtEpyYs5k99YJBvKK+RyIs4Yc1/smBmClQUhxW+8bsPNOcXfDvH2yX4YzESoO4TV0RqiCgnsSd4zIFyJPiMKIGzVHiw6Kg0eGCmB4mGHEEZCQ0eN3SSPO0QVjjtBYfgXDZfVHSaAB8PjWBVNFimoViZZQrwT6Ygo0LU0Dd8+F5aHFYr4OPHPslr3hrgutEYXDTv1vTA6ABJGqknJ9Y2vtyWpy7aIwxc0kQq/1ezjs+RMVL/LRpGDnbx1/CGPDjZhYgZypKa55+PDhoaQxqkF3xCLz2DGoNHZYmFqxzAOsAK0vJZw4VcAk6ssbA6YIaMuiemEpxfLC9ZiXtRqsX9s+GWjjtA8JywOFMO+NKZm9BH/E5YNg2DDD3sHG9Mciwn7yJ6sdf8h2lAWlEExAOeiBNyshOHAQ0/S+x1ncWNiqY+Uh5n0rtonvePV2MsxVlEWR3AVHn1abcEWkzivd+G5kg7LYO0goqzGClcQfnFfZdO6KwcMXsBCnm9A1Bl4+k5LLokTIYH5/36SRIZ9j0CHGD77BQLE7x8AlNsoFS2m263tLLq78TFqvZUTIZIQcVIl+NInscS3xQbA38qqFqutCWIwoF1azuJ7woiJyMvnS3xzIpNzP+rzJ8VDXxjLjpEUBOC9WDs74+QMtsAdmh6g0KDclHEk8WJ4P2bnso4z3VCGoDT5X/0bS1C+jMZMKaOCNB21FZ08qgUHmKeDeg8ylENu+mh2Y/AaEDSGkGBHIfFbhMYO3uRxhk9hldiHEnHgdkXiVAAUWk/IhtmGijibO/L76vB74Xpes973uK+2iFKgNBk8qTLLZZnuWbcMQuA6VsFULRb/C+q9B21YuAWPMzvgBwr4EX2m/OpF5w8Q0HL7v1H5H0mIGJbrjnklUPoBYrw30W3uk7yF0KE6sfMukafFx0S9rBOL0RykGDPwC0lHSNySkXDeM5XvDJ+dtHK+RDwhJR+azfrWAHGMtZcQ+YVamjWVmHxXM03j3GeCXgqae1upwHzkPL5OwojcQ5MQi3Kv/1xtwY0cRN/yeZTOsXfujtqhkJj/Vltby4lnW4SCj4LjWQF19BY6zhzF4yybBA8bhhtoNP/zx8QkhHAkIROkK2ZVgfocCAPvfQ+vSrsIBO+L5cmg6mzFn4g84lsHscgXnszIlzUrzx/4Tam0uwuS9J1gddZ0I0QUt9SJzfsoBCTU0OgNMUtXKS5HvgXe7abexMtFH5eulOsAuFZkQ5LYJa/m4yHFInXzL/t3hjdTi2NmxUufvYzwIyffRTu5vS9vjscARD9lUQDHFQ/xgWe1i8EkRlrSfjlXt00+4//h2bcJKyTBT3IXwvKNsuY29V9/vU3HkvWKZ99zpSlmcZRuBa1BHbyPEvc0NlqIIoKidxqUvOR64MzudHhAjgWFP+IXojfhS3Gj9OJhBL7s',
}

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
