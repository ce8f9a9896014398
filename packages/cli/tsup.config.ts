import { defineConfig } from 'tsup'

export default defineConfig({
  // cli: the `wxpay` bin; index: run() for scripts and tests that want it in-process
  entry: { cli: 'src/cli.ts', index: 'src/index.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  treeshake: true,
  external: ['@wxpay/core', '@wxpay/sandbox'],
})
