// The product (the gateway) never imports the test doubles of src/testing/: they wrap the product's
// primitives (reply signing, notification envelopes), so that there is one implementation of each.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

const src = dirname(fileURLToPath(import.meta.url))

test('no product module imports from ./testing', () => {
  const product = readdirSync(src).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && file !== 'test-helpers.ts',
  )
  expect(product.length).toBeGreaterThan(10)
  const offenders = product.filter((file) =>
    /from '\.\/testing[/']/.test(readFileSync(join(src, file), 'utf8')),
  )
  expect(offenders).toEqual([])
})
