// Names: TypeScript spellings (keys, string literals, doc text), the property chain of a path, and
// the names of the generated interfaces.
/** Property names the chain keeps for itself: a segment spelled so is reached with `chain()` or `['…']`. */
export const RESERVED = new Set([
  'get',
  'post',
  'put',
  'patch',
  'delete',
  'chain',
  'then',
  'toString',
  'toJSON',
])

export const pascal = (text) =>
  text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('')
export const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/
export const key = (name) =>
  IDENT.test(name) ? name : `'${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
export const str = (text) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
export const doc = (text) => text.replace(/\*\//g, '*∕').replace(/\s+/g, ' ').trim()
export const VARIABLE = /\{([^{}/]+)\}/g
export const variablesOf = (template) => [...template.matchAll(VARIABLE)].map((m) => m[1])

/** What the runtime's `segment()` does to a property name (src/segment.ts). */
export function runtimeSegment(property) {
  const placeholder = /^_(.+)_$/.exec(property) ?? /^\$(.+)\$$/.exec(property)
  if (placeholder) return `{${placeholder[1]}}`
  return property.replace(/[A-Z]/g, (upper) => `-${upper.toLowerCase()}`)
}

/** `wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close`, or undefined when a segment cannot be a property. */
export function propertyChain(template) {
  let out = 'wxpay'
  for (const seg of template.split('/')) {
    if (seg === '' || RESERVED.has(seg)) return undefined
    const variable = /^\{(.+)\}$/.exec(seg)
    const prop = variable ? `_${variable[1]}_` : seg.replace(/-([a-z])/g, (_, c) => c.toUpperCase())
    const spelled = runtimeSegment(prop) === seg ? prop : seg
    if (runtimeSegment(spelled) !== seg) return undefined
    out += IDENT.test(spelled) ? `.${spelled}` : `[${str(spelled)}]`
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Names of the hoisted object types (shared.d.ts)
//
// The rule, which keeps a name stable: it depends only on the shape and on where the catalogue uses
// it (never on the order the generator meets shapes, nor on unrelated shapes), so a catalogue
// update renames a type only when its own users change, or when another shape comes to claim the
// same name (then both take the longer form of the next step). For the users of a shape — every
// `{ path, method, trail }` it appears at: `trail` is `['json', 'amount']` for `json.amount`, `['reply']`
// for a whole reply — the name is the first of these that no other shape (and no name the
// generated files import: `RESERVED_TYPE_NAMES`, the area interfaces) also takes at that step:
//   1. scope + leaf: `PayTransactionsAmount`. The scope is the path segments all users share, from
//      the start, without `v2`/`v3` and path variables (`hk`, `global` stay); the leaf is the
//      last name of the trail (`amount`; `query`, `json`, `xml`, `reply`, `fields` for a whole
//      body), the most frequent one when the users differ (ties: the first in code-point order).
//   2. scope + the whole trail of the first user with that leaf (by path, method, trail):
//      `PayTransactionsReplyAmount` beside `PayTransactionsJsonAmount`.
//   3. that user's whole path + the leaf: `PayPartnerTransactionsAppDetail`.
//   4. that user's whole path + its trail: `PayPartnerTransactionsAppJsonDetail`.
//   5. that user's whole path, its method + its trail: `GlobalCustomsOrdersPatchReply`.
//   6. step 5 + 2, 3, … in the order of the shapes' JSON (the last resort; none today).

/** Names the generated files import (a hoisted type must not take one). */
export const RESERVED_TYPE_NAMES = [
  'CallOptions',
  'CatalogueChildren',
  'CatalogueEndpoints',
  'Media',
  'OpenEnum',
  'Sensitive',
  'WechatpayResponse',
]

const cmpText = (a, b) => (a < b ? -1 : a > b ? 1 : 0)
/** Path segments that name nothing: the API version, path variables. */
const named = (segments) => segments.filter((s) => s && !/^v[23]$/.test(s) && !s.includes('{'))
/** A TypeScript identifier from words (`Shape` when they spell none; never a leading digit). */
const identifier = (words) => {
  const name = pascal(words.join(' '))
  return !name ? 'Shape' : /^[0-9]/.test(name) ? `T${name}` : name
}

/** The path segments every path shares, from the start. */
export function commonPrefix(paths) {
  const [first = '', ...rest] = paths
  let prefix = first.split('/')
  for (const path of rest) {
    const segments = path.split('/')
    let i = 0
    while (i < prefix.length && prefix[i] === segments[i]) i++
    prefix = prefix.slice(0, i)
  }
  return prefix
}

/** The name candidates of one shape (steps 1–5 of the rule), from its users. */
export function nameSteps(users) {
  const sorted = [...users].sort(
    (a, b) =>
      cmpText(a.path, b.path) ||
      cmpText(a.method ?? '', b.method ?? '') ||
      cmpText(a.trail.join('.'), b.trail.join('.')),
  )
  const scope = named(commonPrefix(sorted.map((u) => u.path)))
  const leaves = new Map()
  for (const u of sorted) {
    const leaf = u.trail.at(-1) ?? 'shape'
    leaves.set(leaf, (leaves.get(leaf) ?? 0) + 1)
  }
  const [leaf] = [...leaves].sort((a, b) => b[1] - a[1] || cmpText(a[0], b[0]))[0] ?? ['shape']
  const first = sorted.find((u) => (u.trail.at(-1) ?? 'shape') === leaf) ?? { path: '', trail: [] }
  const path = named(first.path.split('/'))
  return [
    identifier([...scope, leaf]),
    identifier([...scope, ...first.trail]),
    identifier([...path, leaf]),
    identifier([...path, ...first.trail]),
    identifier([...path, first.method ?? '', ...first.trail]),
  ]
}

/**
 * The names of the hoisted shapes: `shapes` maps each shape's key (its JSON) to its users; the
 * result maps each key to a name no other shape has and none of `reserved` is.
 */
export function hoistedNames(shapes, reserved = RESERVED_TYPE_NAMES) {
  const taken = new Set(reserved)
  const names = new Map()
  const keys = [...shapes.keys()].sort(cmpText)
  const steps = new Map(keys.map((k) => [k, nameSteps(shapes.get(k))]))
  let pending = keys
  const last = 4
  for (let step = 0; step <= last && pending.length; step++) {
    const claims = new Map()
    for (const k of pending) {
      const name = steps.get(k)[step]
      claims.set(name, (claims.get(name) ?? 0) + 1)
    }
    const next = []
    for (const k of pending) {
      const name = steps.get(k)[step]
      if (claims.get(name) === 1 && !taken.has(name)) names.set(k, name)
      else next.push(k)
    }
    for (const k of pending) if (names.has(k)) taken.add(names.get(k))
    pending = next
  }
  for (const k of pending) {
    const base = steps.get(k)[last]
    let n = 2
    while (taken.has(`${base}${n}`)) n++
    names.set(k, `${base}${n}`)
    taken.add(`${base}${n}`)
  }
  return names
}
