import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // every test spawns `node dist/cli.js` (turbo builds before it tests) on a shared, loaded machine
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
