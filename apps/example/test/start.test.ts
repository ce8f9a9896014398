// pnpm start keeps serving, prints the sandbox's dashboard URL first and curl lines that work: run some.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

test('pnpm start serves the apps and its curl lines close an order', async () => {
  const cwd = fileURLToPath(new URL('..', import.meta.url))
  const env: NodeJS.ProcessEnv = { ...process.env, NEST_PORT: '0', HONO_PORT: '0' }
  for (const name of Object.keys(env)) if (name.startsWith('WECHATPAY_')) delete env[name]
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/start.ts'], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  try {
    let out = ''
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        if (out.includes('Ctrl-C to stop.')) resolve()
      })
      child.once('exit', (code) => reject(new Error(`start exited with ${code}: ${out}`)))
    })
    // the first line: the sandbox's dashboard, which serves its page
    const dashboard = /^Dashboard: (http:\/\/\S+\/) /.exec(out)?.[1]
    expect(dashboard).toBeDefined()
    expect(await fetch(dashboard!).then((r) => r.text())).toContain('<title>wxpay sandbox</title>')
    const v3 = /curl -i -X POST (\S+orders\/T1\/close)/.exec(out)?.[1]
    const paid = /curl -i -X POST (\S+orders\/PAID1\/close)/.exec(out)?.[1]
    expect(v3).toBeDefined()
    expect((await fetch(v3!, { method: 'POST' })).status).toBe(204)
    const res = await fetch(paid!, { method: 'POST' })
    expect(res.status).toBe(502)
    expect(await res.json()).toMatchObject({ code: 'ORDER_PAID' })
    // the payment line: the sandbox notifies the NestJS app, which records it
    const pay = /curl -s -X POST (\S+sandbox\/orders\/PAY1\/pay)/.exec(out)?.[1]
    const records = /curl -s (\S+\/notifications) /.exec(out)?.[1]
    expect(pay).toBeDefined()
    expect(records).toBeDefined()
    expect(await fetch(records!).then((r) => r.json())).toEqual({ deliveries: 0, records: [] })
    expect((await fetch(pay!, { method: 'POST' })).status).toBe(200)
    expect(await fetch(records!).then((r) => r.json())).toMatchObject({
      deliveries: 1,
      records: [{ event_type: 'TRANSACTION.SUCCESS', subject: 'PAY1', state: 'SUCCESS', amount: 2500 }],
    })
  } finally {
    child.kill('SIGTERM')
  }
})
