/**
 * Turns one chained property into one URL path segment, by the rules of wechatpay-php:
 * `outTradeNo` → `out-trade-no`, `_out_trade_no_` and `$out_trade_no$` → `{out_trade_no}`.
 * Anything else is kept as written.
 */
export function segment(property: string): string {
  const placeholder = /^_(.+)_$/.exec(property) ?? /^\$(.+)\$$/.exec(property)
  if (placeholder) return `{${placeholder[1]}}`
  return property.replace(/[A-Z]/g, (upper) => `-${upper.toLowerCase()}`)
}

/** Normalises a path given to `chain()` or `['…']`: no leading or trailing slashes. */
export function normalizePath(path: string): string {
  return path.replace(/^\/+|\/+$/g, '')
}
