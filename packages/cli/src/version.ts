import pkg from '../package.json' with { type: 'json' }

/** The version of `@wxpay/cli`. */
export const VERSION: string = pkg.version
