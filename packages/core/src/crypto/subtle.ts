/**
 * Web Crypto's `SubtleCrypto`, or an error that says what is missing: the one guard every
 * primitive of crypto/ goes through (Node.js 20+ and edge runtimes have it).
 */
export function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle
  if (!s)
    throw new Error('Web Crypto (globalThis.crypto.subtle) is required; use Node.js 20+ or an edge runtime')
  return s
}
