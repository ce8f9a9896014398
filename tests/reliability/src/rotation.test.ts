import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { runRotation } from './rotation'

let sb: Sandbox
beforeAll(async () => {
  sb = await startSandbox({ platformMode: 'certificate' })
})
afterAll(() => sb.close())

test('calls across a certificate rotation: no false rejection, two certificates used, few downloads', async () => {
  const result = await runRotation(sb, { calls: 600, concurrency: 8 })
  expect([...result.refused]).toEqual([])
  expect(result.ok).toBe(600)
  expect(result.serials).toHaveLength(2)
  // the bootstrap, then the refresh the new serial triggers (once: single-flight)
  expect(result.downloads).toBe(2)
})
