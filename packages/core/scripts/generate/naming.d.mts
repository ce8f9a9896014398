// Types of naming.mjs, for the tests (tsc does not read the .mjs).
export declare const RESERVED: ReadonlySet<string>
export declare const RESERVED_TYPE_NAMES: readonly string[]
export declare const pascal: (text: string) => string
export declare const key: (name: string) => string
export declare const str: (text: string) => string
export declare const doc: (text: string) => string
export declare const variablesOf: (template: string) => string[]
export declare function runtimeSegment(property: string): string
export declare function propertyChain(template: string): string | undefined
/** Where a shape appears: an endpoint's path and method, and the names down to it (`['json', 'amount']`). */
export interface ShapeUser {
  path: string
  method?: string
  trail: string[]
}
export declare function commonPrefix(paths: readonly string[]): string[]
export declare function nameSteps(users: readonly ShapeUser[]): [string, string, string, string, string]
export declare function hoistedNames(
  shapes: ReadonlyMap<string, readonly ShapeUser[]>,
  reserved?: readonly string[],
): Map<string, string>
