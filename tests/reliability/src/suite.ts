// The per-file setup the reliability suites share in CI (the report, report.ts, has its own).
import { afterAll, beforeAll, expect } from 'vitest'
import { watchUnhandled } from './guard'

/**
 * Starts a server before the file's tests and closes it after them, then fails the file if any
 * promise rejection went unhandled while it ran. Returns a getter for the started server.
 */
export function serverForFile<T extends { close(): Promise<void> }>(start: () => Promise<T>): () => T {
  const unhandled = watchUnhandled()
  let server: T | undefined
  beforeAll(async () => {
    server = await start()
  })
  afterAll(async () => {
    await server?.close()
    expect(unhandled.count()).toBe(0)
  })
  return () => {
    if (!server) throw new Error('the server is started in beforeAll; read it inside a test')
    return server
  }
}
