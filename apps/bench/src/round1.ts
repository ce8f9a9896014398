// Round 1's @wxpay/core, built from git history, for the overhead measurement: the issue asks for
// the SDK's own cost per call "back to round 1's order", and a figure from another machine cannot
// be compared with this one's. Its source (`packages/core` at the last commit of round 1) is
// extracted with `git archive` into core's node_modules/.cache and bundled with the repository's
// tsup (ESM, Node entry only, no declarations), so it runs on the same Node and the same installed
// dependencies as today's core, in the same process, on the same in-memory transport and stubs.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Wechatpay } from '@wxpay/core'

/**
 * Round 1's client class, typed as today's: the one call measured (a v3 close in the chain style,
 * with the same options minus `backupBaseUrl`) has the same shape in both.
 */
export type Round1Client = typeof Wechatpay

/** The last commit of round 1 (2026-11-22), before round 2 began. */
export const ROUND_1_END = '7ef3d7d81eab8e800d4fbaaf3e02aebaf82bf662'

const repo = fileURLToPath(new URL('../../../', import.meta.url))
const dir = join(repo, 'packages/core/node_modules/.cache/round-1-core')

/** The round-1 client class, or why it could not be built (no git history, say). */
export async function loadRound1Core(): Promise<{ Wechatpay: Round1Client } | { skipped: string }> {
  const entry = join(dir, 'dist/node.js')
  try {
    if (!existsSync(entry)) {
      rmSync(dir, { recursive: true, force: true })
      mkdirSync(dir, { recursive: true })
      execFileSync(
        'sh',
        [
          '-c',
          `git -C "${repo}" archive ${ROUND_1_END} packages/core | tar -x -C "${dir}" --strip-components=2`,
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      )
      execFileSync(
        join(repo, 'node_modules/.bin/tsup'),
        ['src/node.ts', '--format', 'esm', '--target', 'es2022', '--no-config', '--out-dir', 'dist'],
        { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
      )
    }
    const module = (await import(entry)) as { Wechatpay: Round1Client }
    return { Wechatpay: module.Wechatpay }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true })
    return {
      skipped: `round 1's core could not be built from git history (${(err as Error).message.split('\n')[0]})`,
    }
  }
}
