/**
 * The key Node's `util.inspect` (and so `console.log`) looks up for a custom rendering: a registered
 * symbol, so no `node:util` import is needed and the portable entries stay free of Node built-ins.
 * Objects that hold secrets (the client, its nodes, notifications, sensitive() markers) print
 * through it.
 */
export const INSPECT = Symbol.for('nodejs.util.inspect.custom')
