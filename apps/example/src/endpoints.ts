// Issue 19's per-endpoint rules, each shown once against the sandbox with `@wxpay/core` alone: a red
// packet (an APIv2 reply WeChat Pay sends without a `sign`, over mutual TLS), an 电子发票 file upload
// (its `meta` carries an SM3 digest), a cross-border merchant's statement (signed over its SHA-1), a
// page URL for the payer's browser (signed, no I/O) and a profit-sharing order answered from the
// sandbox's catalogue responder. Each result is also checked here, independently of the SDK.
import { createHash } from 'node:crypto'
import { Wechatpay } from '@wxpay/core'
import type { Sandbox } from '@wxpay/sandbox'
import type { CheckedRow } from './agree'
import { measure, OPENID } from './direct'

/** APIv2's MD5 sign, written here from the rule (sorted non-empty fields, `&key=`), not the SDK's. */
function v2Md5(fields: Record<string, string>, key: string): string {
  const text = Object.keys(fields)
    .filter((k) => k !== 'sign' && fields[k] !== '')
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('&')
  return createHash('md5').update(`${text}&key=${key}`).digest('hex').toUpperCase()
}

export async function perEndpoint(sandbox: Sandbox, rows: CheckedRow[], problems: string[]): Promise<void> {
  const options = sandbox.clientOptions()
  const { appid, mchid } = sandbox.merchant
  const wxpay = new Wechatpay({ ...options, backupBaseUrl: false })
  const mtls = sandbox.mtls
  if (!mtls) {
    problems.push('the sandbox has no mutual TLS listener')
    return
  }
  const tls = new Wechatpay({
    ...options,
    baseUrl: mtls.url,
    backupBaseUrl: false,
    clientCert: { ...mtls.clientCert, ca: mtls.ca },
  })

  rows.push({
    ...(await measure('direct', 'v2 red packet (unsigned reply, mTLS)', 'property chain', async () => {
      const before = sandbox.requests.filter((r) => r.listener === 'mtls').length
      const { status, data } = await tls.v2.mmpaymkttransfers.sendredpack.post({
        xml: {
          mch_billno: `${mchid}20261207DEMO01`,
          mch_id: mchid,
          wxappid: appid,
          send_name: 'wxpay demo',
          re_openid: OPENID,
          total_amount: '100',
          total_num: '1',
          wishing: 'thanks',
          client_ip: '127.0.0.1',
          act_name: 'demo',
          remark: 'demo',
        },
      })
      const overMtls = sandbox.requests.filter((r) => r.listener === 'mtls').length > before
      const unsigned = !('sign' in data)
      return {
        status,
        result: `result_code ${data.result_code}${unsigned ? ', no sign' : ', signed'}${overMtls ? '' : ' (not mTLS)'}`,
      }
    })),
    expected: { status: 200, result: 'result_code SUCCESS, no sign' },
  })

  const pdf = new TextEncoder().encode('%PDF-1.4\n% wxpay demo fapiao\n%%EOF\n')
  rows.push({
    ...(await measure('direct', 'v3 fapiao file upload (SM3 meta)', 'property chain', async () => {
      const { status, data } = await wxpay.v3.newTaxControlFapiao.fapiaoApplications.uploadFapiaoFile.post({
        media: { filename: 'fapiao.pdf', data: pdf, meta: { file_type: 'PDF' } },
      })
      // the sandbox refuses a meta whose SM3 `digest` is not the file's: a 200 is the check
      return { status, result: data.fapiao_media_id ? 'fapiao_media_id, SM3 digest accepted' : 'no media id' }
    })),
    expected: { status: 200, result: 'fapiao_media_id, SM3 digest accepted' },
  })

  rows.push({
    ...(await measure('direct', 'v3 global statement (cross-border)', 'chain()', async () => {
      const { status, headers, data } = await wxpay
        .chain('v3/global/statements')
        .get({ query: { date: '2026-12-01', mchid } })
      const bytes = data as unknown as Uint8Array
      // the SDK checked the signature over {"sha1":…} and the digest; check the digest once more here
      const sha1 = createHash('sha1').update(bytes).digest('hex')
      const same = sha1 === String(headers['wechatpay-statement-sha1']).toLowerCase()
      return { status, result: same ? `SHA-1 verified, ${bytes.length} bytes CSV` : 'SHA-1 differs' }
    })),
    expected: { status: 200, result: '' },
  })
  const statement = rows.at(-1)
  if (statement && /^SHA-1 verified, \d+ bytes CSV$/.test(statement.result))
    statement.expected.result = statement.result

  rows.push({
    ...(await measure('direct', 'v2 papay entrustweb page URL (no I/O)', 'pageUrl()', async () => {
      const sent = sandbox.requests.length
      const query = {
        appid,
        mch_id: mchid,
        plan_id: '12535',
        contract_code: 'DEMO-C1',
        request_serial: '1',
        contract_display_account: 'wxpay demo',
        notify_url: 'https://example.com/wechatpay/contract',
        version: '1.0',
        timestamp: '1765000000',
      }
      const url = new URL(await wxpay.pageUrl('v2/papay/entrustweb', { query }))
      const fields = Object.fromEntries(url.searchParams)
      const signed = fields.sign === v2Md5(fields, options.secret ?? '')
      const quiet = sandbox.requests.length === sent
      if (url.origin !== new URL(sandbox.url).origin)
        problems.push(`the page URL ${url.href} is not on baseUrl`)
      return {
        status: 200,
        result: `${url.host}${url.pathname}, ${signed ? 'MD5 sign verifies' : 'sign wrong'}${quiet ? '' : ', sent a request'}`,
      }
    })),
    expected: { status: 200, result: `${new URL(sandbox.url).host}/papay/entrustweb, MD5 sign verifies` },
  })

  rows.push({
    ...(await measure('direct', 'v3 profit-sharing order (catalogue)', 'property chain', async () => {
      const { status, data } = await wxpay.v3.profitsharing.orders.post({
        json: {
          appid,
          transaction_id: '4208450740201411110007820472',
          out_order_no: 'DEMOPS1',
          receivers: [{ type: 'MERCHANT_ID', account: '86693852', amount: 888, description: 'share' }],
          unfreeze_unsplit: true,
        },
      })
      return { status, result: `state ${data.state}, ${data.receivers?.length ?? 0} receiver` }
    })),
    expected: { status: 200, result: 'state PROCESSING, 1 receiver' },
  })
}
