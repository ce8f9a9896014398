#!/usr/bin/env node
// Packs every published package (packages/*) into an installable tarball, as `pnpm publish` would
// upload it: pnpm rewrites each `workspace:*` dependency to the version of the package beside it,
// so the tarballs resolve among themselves. Then it checks each packed manifest (no `workspace:`
// left, every @wxpay dependency found among the tarballs at that version, public access with
// provenance): the release dry run, with no network.
//
//   node scripts/pack-all.mjs                 # → packs/*.tgz (build first: pnpm build)
//   node scripts/pack-all.mjs --out /tmp/x    # elsewhere
//   node scripts/pack-all.mjs --install DIR   # also `npm install` them into DIR and import each library
//
// Install them in an app: npm install ./packs/wxpay-core-0.1.0.tgz ./packs/wxpay-sandbox-0.1.0.tgz …
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const option = (name) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}
const out = resolve(option('--out') ?? join(root, 'packs'))
const installDir = option('--install')
// The pnpm of this repository, through npx (pinned as in package.json; cached after the first use).
const pnpm = ['npx', '-y', 'pnpm@10.34.8']

function run(command, argv, cwd) {
  return execFileSync(command, argv, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

const dirs = readdirSync(join(root, 'packages'))
  .map((name) => join(root, 'packages', name))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .filter((dir) => !JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).private)

rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
const packed = []
for (const dir of dirs) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  if (!existsSync(join(dir, 'dist')))
    throw new Error(`${manifest.name} has no dist/: build first (npx -y pnpm@10.34.8 build)`)
  const [command, ...rest] = pnpm
  run(command, [...rest, 'pack', '--pack-destination', out], dir)
  const file = `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`
  if (!existsSync(join(out, file))) throw new Error(`pnpm pack wrote no ${file}`)
  const packedManifest = JSON.parse(run('tar', ['-xOzf', join(out, file), 'package/package.json'], out))
  packed.push({ file, manifest: packedManifest })
}

// The dry run: what would be published, checked.
const problems = []
const versions = new Map(packed.map(({ manifest }) => [manifest.name, manifest.version]))
for (const { file, manifest } of packed) {
  const fields = ['dependencies', 'peerDependencies', 'optionalDependencies']
  for (const field of fields) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith('workspace:')) problems.push(`${file}: ${field}.${name} is still ${range}`)
      if (name.startsWith('@wxpay/') && field === 'dependencies' && versions.get(name) !== range)
        problems.push(
          `${file}: ${name}@${range} is not among the tarballs (${versions.get(name) ?? 'absent'})`,
        )
    }
  }
  if (manifest.publishConfig?.access !== 'public')
    problems.push(`${file}: publishConfig.access is not public`)
  if (manifest.publishConfig?.provenance !== true)
    problems.push(`${file}: publishConfig.provenance is not true`)
  // The README is the package's page on npm: a relative link there leads nowhere, and an absolute
  // one into this repository must name a file that exists.
  const readme = run('tar', ['-xOzf', join(out, file), 'package/README.md'], out)
  const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g), ...readme.matchAll(/\bsrc="([^"]+)"/g)]
  for (const [, target] of targets) {
    if (/^(#|mailto:)/.test(target)) continue
    const inRepo = /^https:\/\/github\.com\/wxpay\/wxpay\/(?:blob|tree)\/main\/([^#?]+)/.exec(target)
    if (inRepo && !existsSync(join(root, inRepo[1])))
      problems.push(`${file}: README links to ${target}, which does not exist`)
    else if (!/^https?:\/\//.test(target))
      problems.push(`${file}: README has a relative link (${target}), which does not work on npm`)
  }
  if (!manifest.repository?.url?.includes('github.com/wxpay/wxpay'))
    problems.push(`${file}: repository.url is not github.com/wxpay/wxpay (provenance needs it)`)
}
for (const { file } of packed) console.log(`packed ${join(out, file)}`)
if (problems.length) {
  console.error(problems.join('\n'))
  process.exit(1)
}
console.log(
  `dry run: ${packed.length} packages would be published (public, with provenance); their @wxpay dependencies resolve among the tarballs`,
)

if (installDir) {
  // A fresh app installs the tarballs alone; each library must import from there. Peers (NestJS,
  // Hono) are left out: this checks that the tarballs resolve among themselves.
  const dir = resolve(installDir)
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'pack-all-check', private: true, type: 'module' }),
  )
  run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--legacy-peer-deps',
      ...packed.map(({ file }) => join(out, file)),
    ],
    dir,
  )
  const check = [
    "const core = await import('@wxpay/core')",
    "const sandbox = await import('@wxpay/sandbox')",
    "if (typeof core.Wechatpay !== 'function' || typeof sandbox.startSandbox !== 'function') throw new Error('exports missing')",
    'const sb = await sandbox.startSandbox()',
    'const wxpay = new core.Wechatpay({ ...sb.clientOptions(), backupBaseUrl: false })',
    "sb.orders.create({ out_trade_no: 'PACK1' })",
    "const reply = await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({ out_trade_no: 'PACK1', json: { mchid: sb.merchant.mchid } })",
    'await sb.close()',
    'console.log(JSON.stringify({ status: reply.status }))',
  ].join('\n')
  writeFileSync(join(dir, 'check.mjs'), check)
  console.log(run(process.execPath, ['check.mjs'], dir).trim())
  // One copy of the core, the tarball's: nothing came from the registry under @wxpay.
  const nested = run('npm', ['ls', '@wxpay/core', '--all', '--parseable'], dir).trim().split('\n')
  console.log(`@wxpay/core installed once: ${nested.length === 1 ? 'yes' : nested.join(', ')}`)
  if (nested.length !== 1) process.exit(1)
}
