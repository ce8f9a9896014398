import { defineConfig } from 'vitest/config'

// A real browser on a CI machine that may be loaded: the limits are generous on purpose (nothing
// here asserts speed; a rotation makes an RSA key, which can take seconds).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    expect: { poll: { timeout: 30_000 } },
  },
})
