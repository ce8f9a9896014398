// Writes the generated files, or (`--check`) reports those that differ from what would be written.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'

/**
 * `files` (absolute path → text): writes those that differ and removes any other file of `out`;
 * with `check`, writes nothing and exits 1 when any differs. `docs` is the docs file, for the summary.
 */
export function writeOrCheck({ files, out, root, docs, check, endpoints }) {
  const CHECK = check
  const OUT = out
  const DOCS = docs
  const stale = []
  if (!CHECK) mkdirSync(OUT, { recursive: true })
  const expected = new Set(files.keys())
  for (const [file, text] of files) {
    const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined
    if (current === text) continue
    stale.push(relative(root, file))
    if (!CHECK) writeFileSync(file, text)
  }
  for (const name of existsSync(OUT) ? readdirSync(OUT) : []) {
    const file = join(OUT, name)
    if (expected.has(file)) continue
    stale.push(`${relative(root, file)} (not generated)`)
    if (!CHECK) rmSync(file)
  }
  if (CHECK) {
    if (stale.length) {
      console.error(
        `pnpm generate would change ${stale.length} file(s):\n  ${stale.join('\n  ')}\nRun pnpm generate.`,
      )
      process.exit(1)
    }
    console.log(
      `generated endpoint files are up to date (${files.size} files, ${endpoints.length} endpoints)`,
    )
  } else {
    console.log(
      `${stale.length} of ${files.size} files written (${endpoints.length} endpoints) → ${relative(root, dirname(DOCS))}, src/endpoints/catalogue`,
    )
  }
}
