// The red-packet route on the mutual-TLS listener: signed requests checked (node:crypto sign made
// here), replies without a `sign` as WeChat Pay sends them, one red packet per mch_billno.
import { request as httpsRequest } from 'node:https'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Sandbox } from './start'
import { fieldsOf, start, xmlOf } from './test-helpers'
import { v2Sign } from './v2-sign'

let sb: Sandbox
beforeAll(async () => {
  sb = await start({ mtls: true })
})
afterAll(() => sb.close())

function sendredpack(fields: Record<string, string>, secret = sb.merchant.secret) {
  const all: Record<string, string> = {
    nonce_str: 'n1',
    mch_id: sb.merchant.mchid,
    wxappid: sb.merchant.appid,
    send_name: 'shop',
    re_openid: 'o1',
    total_amount: '100',
    total_num: '1',
    wishing: 'hi',
    client_ip: '127.0.0.1',
    act_name: 'a',
    remark: 'r',
    ...fields,
  }
  all.sign = v2Sign(all, secret, 'MD5')
  return new Promise<Record<string, string>>((resolve, reject) => {
    const req = httpsRequest(
      new URL('mmpaymkttransfers/sendredpack', sb.mtls!.url),
      { method: 'POST', ca: sb.mtls!.ca, ...sb.mtls!.clientCert, headers: { 'Content-Type': 'text/xml' } },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve(fieldsOf(Buffer.concat(chunks).toString())))
      },
    )
    req.on('error', reject)
    req.end(xmlOf(all))
  })
}

describe('POST /mmpaymkttransfers/sendredpack (mutual TLS)', () => {
  test('SUCCESS without a sign; the same mch_billno answers the same red packet', async () => {
    const first = await sendredpack({ mch_billno: 'RP1' })
    expect(first).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS', mch_billno: 'RP1' })
    expect(first).not.toHaveProperty('sign')
    expect(first.send_listid).toMatch(/^\d{30}$/)
    expect(await sendredpack({ mch_billno: 'RP1' })).toEqual(first)
    expect((await sendredpack({ mch_billno: 'RP2' })).send_listid).not.toBe(first.send_listid)
  })

  test('a bad sign, a missing field', async () => {
    expect(await sendredpack({ mch_billno: 'RP3' }, 'x'.repeat(32))).toEqual({
      return_code: 'FAIL',
      return_msg: 'SIGNERROR',
    })
    expect(await sendredpack({ mch_billno: 'RP4', wishing: '' })).toMatchObject({
      result_code: 'FAIL',
      err_code: 'PARAM_ERROR',
    })
  })
})
