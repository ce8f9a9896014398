// Types of index.mjs, for the tests (tsc does not read the .mjs).
/** packages/core */
export declare const root: string
export declare const OUT: string
export declare const DOCS: string
export declare const HEADER: string
export declare function generate(options?: { catalogueFile?: string; out?: string; docs?: string }): {
  files: Map<string, string>
  endpoints: readonly unknown[]
}
