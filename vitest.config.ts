import { defineConfig } from 'vitest/config'

// One run over the whole workspace: each project is a workspace's own vitest.config.ts, unchanged, so
// `vitest run` inside a package (what turbo's `test` task calls) and `npx vitest run` here agree.
// Every project is named after its package.json `name`: `npx vitest run --project @wxpay/core`.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'apps/*/vitest.config.ts', 'tests/*/vitest.config.ts'],
  },
})
