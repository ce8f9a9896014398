/** Exit codes of `wxpay` (documented in the README and in `wxpay --help`). */
export const EXIT = {
  /** Done. */
  OK: 0,
  /** WeChat Pay answered with an error, or a reply failed verification (nothing of it was trusted). */
  API: 1,
  /** Bad command line or configuration: nothing was sent. */
  USAGE: 2,
  /** No reply: connection refused, timeout, reset. */
  NETWORK: 3,
  /** A local file could not be written. */
  FILE: 4,
} as const

/** What a command writes to and reads from: the process by default, buffers in tests. */
export interface Io {
  env: Readonly<Record<string, string | undefined>>
  cwd: string
  stdout: (text: string) => void
  stderr: (text: string) => void
}

/** A usage or configuration error: printed with the command's usage line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** A local file error (`--out` not writable): exit code 4. */
export class FileError extends Error {
  override name = 'FileError'
}

/** Shortest secret fragment worth masking: shorter pieces would mask ordinary text. */
const MIN_FRAGMENT = 12

/**
 * Everything `wxpay` prints goes through this: any secret it was given (private key, APIv3 key,
 * APIv2 key) is replaced by `[redacted]`. The core never puts a secret in a message; this is the
 * net under that rule, for a reply or a file that echoes one back.
 */
export class Redactor {
  readonly #fragments = new Set<string>()

  /** Remembers a secret; a PEM is remembered line by line, and as a `\n`-escaped one-liner. */
  add(secret: string | undefined): void {
    if (!secret) return
    const value = secret.trim()
    if (value.length >= 8) this.#fragments.add(value)
    if (value.includes('-----BEGIN') || value.includes('\\n')) {
      for (const line of value.replaceAll('\\n', '\n').split(/\r?\n/)) {
        const body = line.trim()
        if (body.length >= MIN_FRAGMENT && !body.startsWith('-----')) this.#fragments.add(body)
      }
    }
  }

  redact(text: string): string {
    let out = text
    // longest first, so a whole secret is masked before its lines are
    for (const fragment of [...this.#fragments].sort((a, b) => b.length - a.length))
      out = out.replaceAll(fragment, '[redacted]')
    return out
  }
}

/** The process's own streams and environment. */
export function processIo(): Io {
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  }
}
