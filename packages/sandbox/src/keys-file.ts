import { randomBytes } from 'node:crypto'
import { chmod, link, readFile, stat, unlink, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { isObject } from './json'
import { createKeys, type MerchantCredentials, type PlatformKeys, type SandboxKeys } from './keys'

/**
 * What a keys file holds: the merchant's credentials and the platform key pair, exactly what
 * {@link createKeys} takes, so a sandbox started from it answers to the same env lines as before.
 */
export interface KeysFileContent {
  /** Format version; only 1 exists. */
  version: 1
  merchant: MerchantCredentials
  platform: PlatformKeys
}

/** A keys file that cannot be used; the message names the file, never its contents. */
export class KeysFileError extends Error {
  override name = 'KeysFileError'
}

const MERCHANT_FIELDS = ['mchid', 'appid', 'serial', 'privateKey', 'secret'] as const
const PLATFORM_FIELDS = ['serial', 'publicKey', 'privateKey'] as const

/** Checks the shape only; whether the keys parse is for {@link createKeys} to say. */
function parse(
  text: string,
  path: string,
): { merchant: Partial<MerchantCredentials>; platform: PlatformKeys } {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    // never echo the text: it holds private keys
    throw new KeysFileError(`${path} is not JSON: delete it to start with new credentials`)
  }
  if (!isObject(data) || data.version !== 1 || !isObject(data.merchant) || !isObject(data.platform)) {
    throw new KeysFileError(`${path} is not a wxpay-sandbox keys file (version 1)`)
  }
  const { merchant, platform } = data
  for (const field of MERCHANT_FIELDS) {
    if (typeof merchant[field] !== 'string' || merchant[field] === '') {
      throw new KeysFileError(`${path}: merchant.${field} is missing`)
    }
  }
  for (const field of PLATFORM_FIELDS) {
    if (typeof platform[field] !== 'string' || platform[field] === '') {
      throw new KeysFileError(`${path}: platform.${field} is missing`)
    }
  }
  // fields added in later versions (e.g. the APIv3 key) may be absent: createKeys fills them in
  return {
    merchant: merchant as Partial<MerchantCredentials>,
    platform: platform as unknown as PlatformKeys,
  }
}

function contentOf(keys: SandboxKeys): string {
  const content: KeysFileContent = {
    version: 1,
    merchant: { ...keys.merchant },
    platform: { ...keys.platform },
  }
  return `${JSON.stringify(content, null, 2)}\n`
}

/**
 * Writes `text` to `path` only if `path` does not exist yet, readable by its owner only (0600).
 * Written to a temporary file first and linked into place, so that a second sandbox starting at
 * the same moment reads either no file or a whole one, never half of it.
 */
async function createExclusive(path: string, text: string): Promise<boolean> {
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.wxpay-sandbox.tmp`)
  try {
    await writeFile(tmp, text, { mode: 0o600, flag: 'wx' })
  } catch (err) {
    // e.g. a directory that does not exist: name the file asked for, not the temporary one
    throw new KeysFileError(`cannot create ${path}: ${(err as NodeJS.ErrnoException).code ?? 'write failed'}`)
  }
  try {
    await link(tmp, path)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  } finally {
    await unlink(tmp).catch(() => {})
  }
}

/** Result of {@link loadOrCreateKeys}. */
export interface KeysFromFile {
  keys: SandboxKeys
  /** `true` when this call created the file, `false` when it reused it. */
  created: boolean
  /** Set when the file is readable by others than its owner (it holds private keys). */
  warning?: string
}

/**
 * The credentials kept in `path`: read them when the file exists, else generate new ones and
 * store them there (mode 0600). A file from an earlier version that lacks a newer field gets it
 * generated and written back, so the file always holds everything the sandbox uses.
 */
export async function loadOrCreateKeys(path: string): Promise<KeysFromFile> {
  let text: string | undefined
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  if (text === undefined) {
    const keys = await createKeys()
    if (await createExclusive(path, contentOf(keys))) return { keys, created: true }
    text = await readFile(path, 'utf8') // another sandbox created it first: use its keys
  }
  const given = parse(text, path)
  let keys: SandboxKeys
  try {
    keys = await createKeys(given.merchant, given.platform)
  } catch (err) {
    throw new KeysFileError(
      `${path}: ${err instanceof Error ? err.message : 'the keys do not parse'}; delete it to start with new credentials`,
    )
  }
  const fresh = contentOf(keys)
  if (fresh !== text) {
    await writeFile(path, fresh, { mode: 0o600 })
    await chmod(path, 0o600)
  }
  const mode = (await stat(path)).mode & 0o077
  const warning =
    mode !== 0 && process.platform !== 'win32'
      ? `${path} is readable by other users (mode ${((await stat(path)).mode & 0o777).toString(8)}): chmod 600 it`
      : undefined
  return warning ? { keys, created: false, warning } : { keys, created: false }
}

/**
 * Said after a signature check that fails the way a client holding an earlier run's credentials
 * fails: the likeliest cause on a sandbox is a restart, and the fix is not in the client's code.
 */
export const STALE_CREDENTIALS_HINT =
  'stale credentials? The sandbox makes new keys on every start: re-export its env lines (GET /sandbox/credentials has them too), or start it with --keys-file to keep them across restarts'
