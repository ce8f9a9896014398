// Bundles a Worker the way Wrangler does (esbuild, workerd conditions, ESM, minified) and records
// every Node built-in the bundle tried to import. Shared by scripts/bundle-size.mjs and the workerd test.
import { builtinModules } from 'node:module'
import { build } from 'esbuild'

const builtins = new Set(builtinModules)

/** True for `node:fs`, `fs`, `fs/promises`, …: anything a Worker without nodejs_compat lacks. */
export function isNodeBuiltin(specifier) {
  return specifier.startsWith('node:') || builtins.has(specifier) || builtins.has(specifier.split('/')[0])
}

/**
 * @param {string | { contents: string, resolveDir: string }} entry path of the Worker module, or its source
 * @returns {Promise<{ code: string, metafile: import('esbuild').Metafile, nodeImports: string[] }>}
 */
export async function bundleWorker(entry) {
  const nodeImports = []
  const result = await build({
    ...(typeof entry === 'string'
      ? { entryPoints: [entry] }
      : {
          stdin: {
            contents: entry.contents,
            resolveDir: entry.resolveDir,
            loader: 'ts',
            sourcefile: 'stdin.ts',
          },
        }),
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    minify: true,
    metafile: true,
    logLevel: 'silent',
    plugins: [
      {
        name: 'record-node-builtins',
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) => {
            if (!isNodeBuiltin(args.path)) return undefined
            nodeImports.push(`${args.path} (imported by ${args.importer})`)
            // keep going so that every offender is listed, not only the first
            return { path: args.path, external: true }
          })
        },
      },
    ],
  })
  return { code: result.outputFiles[0].text, metafile: result.metafile, nodeImports }
}
