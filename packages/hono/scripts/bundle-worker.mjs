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
 * @param {{ splitting?: boolean }} [options] `splitting`: dynamic imports become chunks of their own
 *   (`code` is then the entry chunk and the chunks it imports statically, what a Worker loads at
 *   start; `lazy` the chunks only a dynamic import reaches)
 * @returns {Promise<{ code: string, lazy: string[], metafile: import('esbuild').Metafile, nodeImports: string[] }>}
 */
export async function bundleWorker(entry, { splitting = false } = {}) {
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
    ...(splitting ? { splitting: true, outdir: 'worker-chunks' } : {}),
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
  if (!splitting)
    return { code: result.outputFiles[0].text, lazy: [], metafile: result.metafile, nodeImports }
  // What loads at start: the entry chunk and every chunk it imports statically, transitively.
  const outputs = result.metafile.outputs
  const entryOutput = Object.keys(outputs).find((path) => outputs[path].entryPoint)
  const atStart = new Set([entryOutput])
  for (const path of atStart)
    for (const imported of outputs[path].imports)
      if (imported.kind === 'import-statement' && outputs[imported.path]) atStart.add(imported.path)
  const started = (file) => [...atStart].some((path) => file.path.endsWith(`/${path}`))
  return {
    code: result.outputFiles
      .filter(started)
      .map((file) => file.text)
      .join('\n'),
    lazy: result.outputFiles.filter((file) => !started(file)).map((file) => file.text),
    metafile: result.metafile,
    nodeImports,
  }
}
