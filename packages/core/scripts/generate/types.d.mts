// Types of types.mjs, for the tests (tsc does not read the .mjs).
export type Mode = 'request' | 'xmlRequest' | 'xmlReply' | 'reply'
export type Schema = Record<string, unknown>
export declare const HOIST_MIN: number
export declare const openEnum: (values: readonly unknown[]) => string
export declare function createSchemaTypes(): {
  typeOf(schema: Schema | undefined, mode: Mode, indent: number, trail?: string[]): string
  endCounting(reserved: readonly string[]): void
  hoistedText: Map<string, string>
}
export declare function emitTypeFiles(options: {
  endpoints: readonly Schema[]
  areas: ReadonlyMap<string, readonly Schema[]>
  out: string
  header: string
}): { files: Map<string, string> }
