import { defineConfig } from 'tsup'

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  treeshake: true,
  // Nest, its peers and the core must stay single instances shared with the application.
  external: [/^@nestjs\//, 'reflect-metadata', 'rxjs', '@wxpay/core'],
})
