/**
 * `@wxpay/cli`: the `wxpay` command. Scripts may run it in-process with {@link run}.
 * @module
 */
export { EXIT, type Io } from './io.js'
export { HELP, run } from './run.js'
export { VERSION } from './version.js'
