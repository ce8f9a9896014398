// The Hono app as a Cloudflare Worker, run locally inside workerd through Miniflare: bundled the
// way Wrangler bundles it (esbuild, `workerd` conditions), configured by bindings, served on a
// loopback port.
import { builtinModules } from 'node:module'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { type ExampleConfig, toEnv } from '../config'

const builtins = new Set(builtinModules)

/** Bundles src/hono/worker.ts; refuses a bundle that would need any Node built-in. */
export async function bundleWorker(): Promise<string> {
  const nodeImports: string[] = []
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./worker.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    minify: true,
    logLevel: 'silent',
    plugins: [
      {
        name: 'no-node-builtins',
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) => {
            if (!args.path.startsWith('node:') && !builtins.has(args.path.split('/')[0]!)) return undefined
            nodeImports.push(args.path)
            return { path: args.path, external: true }
          })
        },
      },
    ],
  })
  if (nodeImports.length)
    throw new Error(`the Worker bundle imports Node built-ins: ${nodeImports.join(', ')}`)
  return result.outputFiles[0]!.text
}

/** Starts the Worker in workerd with the configuration as bindings; resolves to its URL. */
export async function startWorker(config: ExampleConfig): Promise<{ url: string; close(): Promise<void> }> {
  const mf = new Miniflare({
    modules: true,
    script: await bundleWorker(),
    compatibilityDate: '2025-01-01',
    bindings: toEnv(config),
    host: '127.0.0.1',
    port: 0,
  })
  const url = await mf.ready
  return { url: url.href, close: () => mf.dispose() }
}
