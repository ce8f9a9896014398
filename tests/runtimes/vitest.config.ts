import { defineConfig } from 'vitest/config'

// Each runtime starts cold (Deno also loads the npm packages through its Node compatibility layer)
// on a CI machine that may be loaded: the limits are generous on purpose.
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 180_000 },
})
