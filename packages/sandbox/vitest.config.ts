import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    typecheck: {
      enabled: true,
      include: ['src/**/*.test-d.ts', 'test/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
    // CLI tests start the sandbox in child processes (fresh RSA keys each); a loaded CI machine is slow.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
