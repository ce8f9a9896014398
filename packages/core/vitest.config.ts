import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Tests sit beside their modules (the generator's in scripts/generate/); test/ holds the shared helpers and the type tests that need
    // an application's tsconfig (test/user-config, see tsconfig.user.json).
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    typecheck: {
      enabled: true,
      include: ['src/**/*.test-d.ts', 'test/user-config/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
