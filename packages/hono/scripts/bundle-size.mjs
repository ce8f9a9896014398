// Prints what the middleware costs a Cloudflare Worker: examples/worker.ts bundled as Wrangler
// does (esbuild, workerd conditions, minified ESM), in bytes minified and gzipped, against the
// same routes with Hono alone; then the packages that dominate. `--analyze`: every input file.
// Usage: node scripts/bundle-size.mjs [--analyze]   (bundles dist/: run `pnpm build` first)
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { analyzeMetafile } from 'esbuild'
import { bundleWorker } from './bundle-worker.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
if (!existsSync(`${root}dist/index.js`)) {
  console.error('dist/index.js is missing: run `pnpm build` (tsup) first')
  process.exit(1)
}

const baseline = `
import { Hono } from 'hono'
const app = new Hono()
app.post('/orders/:no/close', (c) => c.body(null, 204))
app.onError((err, c) => c.text('Internal Server Error', 500))
export default app
`

const kb = (bytes) => `${bytes.toLocaleString('en-US')} B (${(bytes / 1024).toFixed(1)} KiB)`

function report(label, { code, nodeImports }) {
  const min = Buffer.byteLength(code)
  const gz = gzipSync(code).length
  console.log(`${label.padEnd(34)} minified ${kb(min).padEnd(24)} gzipped ${kb(gz)}`)
  if (nodeImports.length) console.log(`  Node built-ins imported: ${nodeImports.join(', ')}`)
  return { min, gz }
}

/** Bytes in the output per npm package (or per workspace package folder). */
function byPackage(metafile) {
  const [output] = Object.values(metafile.outputs)
  const sizes = new Map()
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const match = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/)
    // a workspace package: `../core/dist/…` from this folder, `packages/core/dist/…` from the root
    const workspace = path.match(/^(?:\.\.\/|packages\/)([^/]+)\//)
    const name = match ? match[1] : workspace ? `@wxpay/${workspace[1]}` : '@wxpay/hono'
    sizes.set(name, (sizes.get(name) ?? 0) + bytesInOutput)
  }
  return [...sizes].sort((a, b) => b[1] - a[1])
}

const example = await bundleWorker(`${root}examples/worker.ts`)
const bare = await bundleWorker({ contents: baseline, resolveDir: root })
console.log('Worker bundle (esbuild --bundle --minify --format=esm --conditions=workerd,worker,browser)')
const full = report('examples/worker.ts', example)
const base = report('same routes, Hono alone', bare)
console.log(
  `${'cost of @wxpay/hono + @wxpay/core'.padEnd(34)} minified ${kb(full.min - base.min).padEnd(24)} gzipped ${kb(full.gz - base.gz)}`,
)
console.log('\nLargest packages in examples/worker.ts (minified bytes):')
for (const [name, bytes] of byPackage(example.metafile).slice(0, 12)) {
  console.log(`  ${name.padEnd(28)} ${bytes.toLocaleString('en-US').padStart(8)}`)
}
// The same Worker bundled with code splitting: @wxpay/core imports its APIv2 codec (and the XML
// library) on the first v2 call, so a bundler that splits (esbuild --splitting, Vite, webpack)
// leaves it out of what a v3-only Worker evaluates at start. Wrangler's default bundle does not
// split: there the lazy chunks stay in the one file (the first line), evaluated only when called.
const split = await bundleWorker(`${root}examples/worker.ts`, { splitting: true })
const lazyBytes = split.lazy.reduce((sum, code) => sum + Buffer.byteLength(code), 0)
const lazyGz = split.lazy.reduce((sum, code) => sum + gzipSync(code).length, 0)
console.log('\nWith code splitting (esbuild --splitting): what a v3-only Worker loads at start')
report('examples/worker.ts at start', split)
console.log(
  `${'lazy chunks (v2 codec, XML, …)'.padEnd(34)} minified ${kb(lazyBytes).padEnd(24)} gzipped ${kb(lazyGz)} in ${split.lazy.length} files`,
)
if (process.argv.includes('--analyze')) console.log(await analyzeMetafile(example.metafile))
if (example.nodeImports.length) process.exitCode = 1
