import { INSPECT } from './inspect'
import { call } from './pipeline/call'
import type { Context } from './pipeline/context'
import { normalizePath, segment } from './segment'
import type { LooseRequestOptions, Verb } from './types/call'

const VERBS: ReadonlySet<string> = new Set<Verb>(['get', 'post', 'put', 'patch', 'delete'])
const PATH = Symbol('path')

/** Prototype of every chain target: how `util.inspect` / `console.log` show a client or a node. */
export const NODE: object = Object.freeze(
  Object.create(null, {
    [INSPECT]: {
      value(this: { [PATH]?: string }) {
        return `[Wechatpay ${this[PATH] || '/'}]`
      },
    },
  }),
)

function join(path: string, tail: string): string {
  if (!tail) return path
  return path ? `${path}/${tail}` : tail
}

/** Appends a property (camelCase → kebab, `_x_` → `{x}`) or, when it holds a `/`, a path as written. */
function extend(path: string, property: string): string {
  return join(path, property.includes('/') ? normalizePath(property) : segment(property))
}

/**
 * The chainable node for `path`: every string property is one more segment; `get post put patch
 * delete` send; `chain()` appends a path. A node is never thenable (`then` is `undefined`), so
 * `await wxpay.v3` does not send anything. `members` (the root's `notifications`, …) are returned
 * as they are, never turned into a URL segment.
 */
export function chainNode(
  context: Context,
  path: string,
  target: object = Object.create(NODE),
  members?: ReadonlyMap<string, unknown>,
): unknown {
  const label = () => `[Wechatpay ${path || '/'}]`
  // util.inspect formats a proxy's target without its traps: the label must be on the target.
  ;(target as { [PATH]: string })[PATH] = path
  const handler: ProxyHandler<object> = {
    get(_target, property) {
      if (typeof property === 'symbol') {
        if (property === INSPECT || property === Symbol.toPrimitive) return label
        if (property === Symbol.toStringTag) return 'Wechatpay'
        if (property === PATH) return path
        return undefined
      }
      if (property === 'then') return undefined
      if (members?.has(property)) return members.get(property)
      if (property === 'toString' || property === 'toJSON') return label
      if (property === 'chain')
        return (more: string) => chainNode(context, join(path, normalizePath(String(more))))
      if (VERBS.has(property)) {
        return (options?: LooseRequestOptions) => call(context, property as Verb, path, options)
      }
      return chainNode(context, extend(path, property))
    },
    set() {
      return false
    },
    has() {
      return false
    },
    ownKeys() {
      return []
    },
    getOwnPropertyDescriptor() {
      return undefined
    },
    defineProperty() {
      return false
    },
    deleteProperty() {
      return false
    },
  }
  return new Proxy(target, handler)
}
