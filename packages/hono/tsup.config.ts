import { defineConfig } from 'tsup'

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  treeshake: true,
  // dependencies and peerDependencies are external already; say so for the two that matter
  external: ['hono', '@wxpay/core'],
})
