// Applies catalogue/errata.json to the parsed catalogue, in place. Shared by the core's generator
// (scripts/generate.mjs) and the sandbox's catalogue script, so the types and the sandbox agree.
import { readFileSync } from 'node:fs'

const ERRATA = new URL('./errata.json', import.meta.url)

/** Loads the errata and applies them to `catalogue.endpoints`; throws when one no longer applies. */
export function applyErrata(catalogue) {
  const { errata, failureOnlyReplyFields } = JSON.parse(readFileSync(ERRATA, 'utf8'))
  for (const erratum of errata) {
    const e = catalogue.endpoints.find((x) => x.path === erratum.path && x.method === erratum.method)
    if (!e) throw new Error(`errata.json: no endpoint ${erratum.method} ${erratum.path}`)
    const keys = erratum.at.split('.')
    const last = keys.pop()
    let node = e
    for (const key of keys) {
      node = node?.[key]
      if (!node || typeof node !== 'object') throw new Error(`errata.json: ${erratum.path} has no ${erratum.at}`)
    }
    if ('set' in erratum) node[last] = structuredClone(erratum.set)
    else if ('add' in erratum) node[last] = [...new Set([...(node[last] ?? []), ...erratum.add])]
    else if ('remove' in erratum) {
      const list = node[last] ?? []
      if (!erratum.remove.every((name) => list.includes(name)))
        throw new Error(`errata.json: ${erratum.path} ${erratum.at} lacks one of ${erratum.remove}`)
      node[last] = list.filter((name) => !erratum.remove.includes(name))
    } else if ('delete' in erratum) delete node[last]
    else throw new Error(`errata.json: ${erratum.path}: no operation`)
  }
  for (const e of catalogue.endpoints) {
    const required = e.protocol === 'v2' ? e.response?.required : undefined
    if (required) e.response.required = required.filter((n) => !failureOnlyReplyFields.names.includes(n))
  }
  return catalogue
}
