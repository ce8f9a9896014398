import { defineConfig } from 'vitest/config'

// One file calls every endpoint of the catalogue (about 2,000 calls) against one sandbox; the
// limits are generous for a loaded CI machine (nothing here asserts speed).
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 120_000 },
})
