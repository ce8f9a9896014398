// The field reference docs/endpoints/*.md (written by scripts/docs-endpoints.mjs; `lint` checks it
// is up to date): every catalogue endpoint has exactly one section, its required request fields are
// marked required, and every link is an absolute GitHub URL of this repository naming a file that
// exists, so the pages' links work wherever they are read (npm shows the README only).
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { applyErrata } from '../../catalogue/apply-errata.mjs'

const pkg = join(dirname(fileURLToPath(import.meta.url)), '../..')
const repoRoot = join(pkg, '../..')
const docs = join(repoRoot, 'docs/endpoints')
const pages = readdirSync(docs)
  .filter((name) => name.endsWith('.md'))
  .map((name) => ({ name, text: readFileSync(join(docs, name), 'utf8') }))

interface Schema {
  properties?: Record<string, Schema>
  required?: string[]
}
interface Endpoint {
  method: string
  uri: string
  path: string
  protocol: string
  kind: string
  json?: Schema
}
const { endpoints } = applyErrata(
  JSON.parse(readFileSync(join(pkg, 'catalogue/wechatpay-api.json'), 'utf8')) as { endpoints: Endpoint[] },
)
const { repository } = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as {
  repository: { url: string }
}
const github = repository.url.replace(/^git\+/, '').replace(/\.git$/, '')

/** The section of `METHOD uri` in its page, up to the next section. */
function sectionOf(e: Endpoint): string | undefined {
  const heading = `### ${e.method.toUpperCase()} ${e.uri}\n`
  for (const { text } of pages) {
    const at = text.indexOf(heading)
    if (at < 0) continue
    const end = text.indexOf('\n### ', at + heading.length)
    return text.slice(at, end < 0 ? undefined : end)
  }
  return undefined
}

describe('docs/endpoints', () => {
  test('every catalogue endpoint has one section, and there are no others', () => {
    const headings = pages.flatMap(({ text }) => [...text.matchAll(/^### (.+)$/gm)].map((m) => m[1]!))
    const expected = endpoints.map((e) => `${e.method.toUpperCase()} ${e.uri}`)
    expect(headings.sort()).toEqual(expected.sort())
  })

  test("a v3 endpoint's required JSON fields are marked required, the optional ones not", () => {
    let checked = 0
    for (const e of endpoints) {
      if (e.protocol !== 'v3' || e.kind !== 'json' || !e.json?.properties) continue
      const section = sectionOf(e)!
      const request = section.slice(section.indexOf('`json`:'), section.indexOf('**Reply**'))
      for (const name of Object.keys(e.json.properties)) {
        const line = request.split('\n').find((l) => l.startsWith(`| \`${name}\` |`))
        expect(line, `${e.path}: ${name}`).toBeDefined()
        // cells split on unescaped pipes: field, type, required, description
        const cells = line!.split(/(?<!\\)\|/).map((c) => c.trim())
        expect(cells[3], `${e.path}: ${name}`).toBe(e.json.required?.includes(name) ? 'yes' : '')
        checked++
      }
    }
    expect(checked).toBeGreaterThan(3000)
  })

  test('every link is an absolute URL of this repository naming a file that exists', () => {
    const prefix = `${github}/blob/main/`
    const links = new Set<string>()
    for (const { text } of pages) for (const m of text.matchAll(/\]\(([^)]+)\)/g)) links.add(m[1]!)
    expect(links.size).toBeGreaterThan(pages.length)
    for (const link of links) {
      expect(link.startsWith(prefix), link).toBe(true)
      expect(existsSync(join(repoRoot, link.slice(prefix.length))), link).toBe(true)
    }
  })

  test('the index links every page', () => {
    const index = pages.find((p) => p.name === 'README.md')!.text
    for (const { name } of pages)
      if (name !== 'README.md') expect(index, name).toContain(`/docs/endpoints/${name})`)
  })
})
