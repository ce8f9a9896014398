/** Applies catalogue/errata.json to a parsed catalogue, in place, and returns it. */
export function applyErrata<T extends { endpoints: unknown[] }>(catalogue: T): T
