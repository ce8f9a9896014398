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

/** `v3/pay/transactions/id/{transaction_id}` → `pay transactions id`: a name for a shared reply. */
export const replyHint = (e) =>
  e.path
    .split('/')
    .filter((x) => x && !/^(?:v2|v3|hk|global)$/.test(x) && !x.includes('{'))
    .join(' ')
