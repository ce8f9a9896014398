import type { ModuleMetadata } from '@nestjs/common'
import { Test } from '@nestjs/testing'
import { type WechatpayOptions, WechatpayValidationError } from '@wxpay/core'
import { type Sandbox, startSandbox } from '@wxpay/sandbox'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { WechatpayModule } from './index'
import { sandboxOptions } from './test-helpers'

let sb: Sandbox

beforeAll(async () => {
  sb = await startSandbox()
})
afterAll(async () => {
  await sb?.close()
})

async function bootstrapError(imports: NonNullable<ModuleMetadata['imports']>) {
  const error = await Test.createTestingModule({ imports })
    .compile()
    .then(
      () => undefined,
      (err: unknown) => err,
    )
  expect(error).toBeInstanceOf(WechatpayValidationError)
  return error as WechatpayValidationError
}

describe('bad options fail the bootstrap with the core message naming the option', () => {
  test('forRoot: a 10-character secret', async () => {
    const err = await bootstrapError([
      WechatpayModule.forRoot({ ...sandboxOptions(sb), secret: '0123456789' }),
    ])
    expect(err.option).toBe('secret')
    expect(err.message).toBe('secret: the APIv2 key has 32 characters, this one has 10')
  })

  test('forRoot: a private key that is not a PEM', async () => {
    const err = await bootstrapError([WechatpayModule.forRoot({ ...sandboxOptions(sb), privateKey: 'nope' })])
    expect(err.message).toMatch(/^privateKey: /)
    expect(err.message).not.toContain('nope')
  })

  test('forRootAsync: a factory that misses mchid', async () => {
    const { mchid: _, ...rest } = sandboxOptions(sb)
    const err = await bootstrapError([
      WechatpayModule.forRootAsync({ useFactory: async () => rest as WechatpayOptions }),
    ])
    expect(err.message).toMatch(/^mchid: must be a non-empty string/)
  })

  test('forRootAsync: a factory that returns nothing', async () => {
    const err = await bootstrapError([
      WechatpayModule.forRootAsync({ useFactory: () => undefined as unknown as WechatpayOptions }),
    ])
    expect(err.option).toBe('options')
  })

  test('forRoot without options throws at once', () => {
    expect(() => WechatpayModule.forRoot(undefined as unknown as WechatpayOptions)).toThrow(
      WechatpayValidationError,
    )
  })

  test('the secret itself never appears in the message', async () => {
    const secret = 'Zz9-secret-of-the-wrong-length'
    const err = await bootstrapError([WechatpayModule.forRoot({ ...sandboxOptions(sb), secret })])
    expect(err.message).toContain('secret')
    expect(err.message).not.toContain(secret)
  })
})
