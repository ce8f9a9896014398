// Counts unhandled promise rejections in this process: the suite and the report require zero.
const seen: unknown[] = []
let installed = false

/** Starts counting (idempotent) and returns a reader of what was seen so far. */
export function watchUnhandled(): { count(): number; reasons(): unknown[] } {
  if (!installed) {
    installed = true
    process.on('unhandledRejection', (reason) => {
      seen.push(reason)
    })
  }
  return { count: () => seen.length, reasons: () => [...seen] }
}
