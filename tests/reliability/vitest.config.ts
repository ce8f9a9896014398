import { defineConfig } from 'vitest/config'

// End-to-end suites: each file starts servers, makes RSA keys and runs hundreds of calls, on a CI
// machine that may be loaded; the limits are generous on purpose (nothing here asserts speed).
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 120_000 },
})
