// A red packet end to end over real mutual TLS against @wxpay/sandbox (its HTTPS listener requires
// the client certificate of its own test CA, and answers sendredpack as WeChat Pay does: SUCCESS
// without a sign). The money has moved: the client must take that reply (docs/protocol-3.md §1).
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { Wechatpay } from './node'

let sb: Sandbox
beforeAll(async () => {
  sb = await startSandbox({ mtls: true })
}, 60_000)
afterAll(() => sb.close())

test('sendredpack over mutual TLS: the unsigned SUCCESS is the result; a retry with the same mch_billno answers the same red packet', async () => {
  const wxpay = new Wechatpay({
    ...sb.clientOptions(),
    baseUrl: sb.mtls!.url,
    backupBaseUrl: false,
    clientCert: { ...sb.mtls!.clientCert, ca: sb.mtls!.ca },
  })
  const xml = {
    mch_billno: `RP${Date.now()}`,
    mch_id: sb.merchant.mchid,
    wxappid: sb.merchant.appid,
    send_name: 'shop',
    re_openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
    total_amount: 100,
    total_num: 1,
    wishing: '恭喜发财',
    client_ip: '127.0.0.1',
    act_name: 'launch',
    remark: 'thanks',
  }
  const { data } = await wxpay.v2.mmpaymkttransfers.sendredpack.post({ xml })
  expect(data).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS', mch_billno: xml.mch_billno })
  expect(data).not.toHaveProperty('sign')
  const again = await wxpay.v2.mmpaymkttransfers.sendredpack.post({ xml })
  expect(again.data.send_listid).toBe(data.send_listid)
  expect(sb.requests.filter((r) => r.listener === 'mtls').map((r) => r.path)).toEqual([
    '/mmpaymkttransfers/sendredpack',
    '/mmpaymkttransfers/sendredpack',
  ])
})
