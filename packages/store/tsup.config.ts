import { defineConfig } from 'tsup'

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    memory: 'src/memory.ts',
    redis: 'src/redis.ts',
    postgres: 'src/postgres.ts',
    cloudflare: 'src/cloudflare.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  treeshake: true,
  // no engine client is imported: each store speaks to the client object it is given
  external: ['@wxpay/core'],
})
