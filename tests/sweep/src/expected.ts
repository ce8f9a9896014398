// Endpoints the sweep cannot call successfully, keyed by reason: empty, since every endpoint of
// the catalogue answers a valid call through the core (pages are opened from `wxpay.pageUrl`, as a
// browser opens them; the certificate endpoints go over the sandbox's mutual-TLS listener). The
// sweep fails when a listed endpoint starts to pass, so the table can only shrink.
export const EXPECTED_FAILURES: Readonly<Record<string, readonly string[]>> = {}

/** `method path` → the reason it is expected to fail. */
export const EXPECTED: ReadonlyMap<string, string> = new Map(
  Object.entries(EXPECTED_FAILURES).flatMap(([reason, keys]) => keys.map((key) => [key, reason] as const)),
)

/**
 * Invalid calls (a required field left out) that are not refused naming the field, keyed by
 * `method path`, with the reason: none.
 */
export const INVALID_NOT_REFUSED: ReadonlyMap<string, string> = new Map()
