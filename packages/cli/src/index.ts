/**
 * `@wxpay/cli`: the `wxpay` command. Scripts may run it in-process with {@link run}.
 * @module
 */
export { EXIT, type Io } from './io'
export { HELP, run } from './run'
export { VERSION } from './version'
