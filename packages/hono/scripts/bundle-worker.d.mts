import type { Metafile } from 'esbuild'

/** True for `node:fs`, `fs`, `fs/promises`, …: anything a Worker without nodejs_compat lacks. */
export function isNodeBuiltin(specifier: string): boolean

/**
 * Bundles a Worker as Wrangler does (minified ESM, workerd conditions), listing Node built-in imports.
 * With `splitting`, `code` is what loads at start (the entry chunk and its static imports) and
 * `lazy` the chunks only a dynamic import reaches.
 */
export function bundleWorker(
  entry: string | { contents: string; resolveDir: string },
  options?: { splitting?: boolean },
): Promise<{ code: string; lazy: string[]; metafile: Metafile; nodeImports: string[] }>
