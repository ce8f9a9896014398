import type { Metafile } from 'esbuild'

/** True for `node:fs`, `fs`, `fs/promises`, …: anything a Worker without nodejs_compat lacks. */
export function isNodeBuiltin(specifier: string): boolean

/** Bundles a Worker as Wrangler does (minified ESM, workerd conditions), listing Node built-in imports. */
export function bundleWorker(
  entry: string,
): Promise<{ code: string; metafile: Metafile; nodeImports: string[] }>
