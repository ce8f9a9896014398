// Prints one progress line (`pnpm demo`, `pnpm start`), so that a first run, which builds every
// package before anything else appears, does not look stuck.
console.log(`wxpay: ${process.argv.slice(2).join(' ')}…`)
