import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { ExampleConfig } from '../config'
import { createApp } from './app'

/** Serves the Hono app with @hono/node-server on loopback `port` (0: a free one). */
export async function startHono(
  config: ExampleConfig,
  port = 0,
): Promise<{ url: string; close(): Promise<void> }> {
  const app = createApp(config.options, config.appid, undefined, config.once)
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s))
  })
  const address = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
