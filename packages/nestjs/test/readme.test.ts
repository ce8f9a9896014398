// The README's registrations, read as text: every example that configures a full client (one with
// a privateKey) also passes apiv3Key, without which the notification endpoints it documents answer
// 500. (A newcomer copied the forRootAsync example without it.)
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string)
const registrations = blocks.filter(
  (b) => /WechatpayModule\.forRoot(Async)?\(/.test(b) && b.includes('privateKey:'),
)

describe('README registrations', () => {
  test('there are some (forRoot and forRootAsync)', () => {
    expect(registrations.some((b) => b.includes('forRootAsync'))).toBe(true)
    expect(registrations.some((b) => b.includes('forRoot({'))).toBe(true)
  })
  test.each(registrations.map((b, i) => [i + 1, b]))('example %i passes apiv3Key', (_, block) => {
    expect(block).toMatch(/apiv3Key:/)
  })
})
