import { defineConfig } from 'tsup'

export default defineConfig({
  entry: { index: 'src/index.ts', node: 'src/node.ts', otel: 'src/otel.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  treeshake: true,
  // The CommonJS build wraps modules reached by a dynamic import() in lazy initialisers, where
  // `exports.X = class extends ...` would leave every error class anonymous (`Error [X]` in Nest's
  // log instead of `X: message`): keep the names there.
  esbuildOptions(options, context) {
    if (context.format === 'cjs') options.keepNames = true
  },
})
