// Types of table.mjs, for the tests (tsc does not read the .mjs).
export declare function pattern(templates: readonly string[], endpoints: readonly { path: string }[]): string
