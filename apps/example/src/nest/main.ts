import 'reflect-metadata'
import type { INestApplication, LogLevel } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import type { ExampleConfig } from '../config'
import { appModule } from './app.module'

/**
 * Starts the NestJS app on `port` (0: a free one) of loopback; resolves to the app and its URL.
 * `rawBody: true` keeps the exact bytes of each request, which `@WechatpayEvent()` verifies.
 */
export async function startNest(
  config: ExampleConfig,
  port = 0,
  logger: LogLevel[] = ['error', 'warn'],
): Promise<{ app: INestApplication; url: string }> {
  const app = await NestFactory.create(appModule(config), { rawBody: true, logger })
  app.enableShutdownHooks()
  await app.listen(port, '127.0.0.1')
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') }
}
