import { Wechatpay } from '@wxpay/core'
import { startSandbox } from '@wxpay/sandbox'
import { test } from 'vitest'
import { ENDPOINTS } from './catalogue.js'
import { validOptions } from './inputs.js'
import { call, describeError } from './run.js'

test('explore', async () => {
  const sb = await startSandbox({ mtls: true })
  const wxpay = new Wechatpay(sb.clientOptions())
  const cert = new Wechatpay({ ...sb.clientOptions(), baseUrl: sb.mtls!.url, backupBaseUrl: false, clientCert: { ...sb.mtls!.clientCert, ca: sb.mtls!.ca } } as never)
  const id = { mchid: sb.merchant.mchid, appid: sb.merchant.appid, sensitive: (p: string) => wxpay.sensitive(p) }
  const fails: string[] = []
  const t0 = Date.now()
  for (const e of ENDPOINTS) {
    if (e.kind === 'webhook') continue
    const r = await call(e.apiCert ? cert : wxpay, e, validOptions(e, id))
    if (!r.ok) fails.push(`${e.method} ${e.path} [${e.kind}] ${describeError(r.error).slice(0, 300)}`)
  }
  console.log(fails.join('\n'), '\nFAILS', fails.length, Date.now() - t0, 'ms')
  await sb.close()
})
