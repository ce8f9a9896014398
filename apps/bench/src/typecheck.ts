// pnpm bench (second part): what the typed catalogue costs a user's type-check, against the round-1
// types (the three seed endpoints only, from git history), in one run.
//  1. Declarations of both versions: `tsc --emitDeclarationOnly --noCheck` of packages/core/src as
//     it is now, and of the same folder at ROUND_1 (`git archive`), into node_modules/.cache.
//  2. A user file making 30 typed calls (10 endpoints × the three call styles, the first ten of the
//     generated, seeded sample in src/endpoints/catalogue/sample.test-d.ts) is type-checked against
//     each with `tsc --extendedDiagnostics` (strict), twice: with `skipLibCheck` (as most
//     applications are set up, and `nest new`) and without (TypeScript's default: every declaration
//     file the program loads is checked too, the generated catalogue's included): total time,
//     check time, memory.
//  3. tsserver: the time of a `completionInfo` request on `wxpay.v3.` (and `wxpay.v3.pay.`), over
//     the tsserver protocol, after the file is open.
// TYPECHECK_RUNS=n repeats (interleaved) and prints the median. Timings are printed, never asserted.
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The last commit with the round-1 types: seeds only, before the generated catalogue. */
const ROUND_1 = '0b98fc29fdc4b54ed6b4cfaae63e261cc17ec7b4'
const RUNS = Number(process.env.TYPECHECK_RUNS ?? 1)
const repo = fileURLToPath(new URL('../../../', import.meta.url))
const core = join(repo, 'packages/core')
// Inside core's node_modules, so the declarations resolve core's dependencies.
const work = join(core, 'node_modules/.cache/type-bench')
const require = createRequire(join(core, 'package.json'))
const tscPath = require.resolve('typescript/bin/tsc')
const tsserverPath = require.resolve('typescript/lib/tsserver.js')

const COMPILER = {
  target: 'ES2022',
  module: 'ESNext',
  moduleResolution: 'Bundler',
  lib: ['ES2023', 'DOM'],
  strict: true,
  skipLibCheck: true,
  types: ['node'],
  noEmit: true,
}

function tsc(args: string[], cwd: string): string {
  try {
    return execFileSync(process.execPath, [tscPath, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 26 })
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string }
    throw new Error(`tsc ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}${e.stderr ?? ''}`)
  }
}

/** Declarations of a copy of core's src in `dir/src` → `dir/types`. */
function declarations(dir: string): void {
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        ...COMPILER,
        noEmit: false,
        declaration: true,
        emitDeclarationOnly: true,
        noCheck: true,
        outDir: 'types',
        rootDir: 'src',
      },
      include: ['src'],
      exclude: ['src/**/*.test.ts', 'src/**/*.test-d.ts'],
    }),
  )
  tsc(['-p', 'tsconfig.json'], dir)
  // tsc does not copy declaration files: the generated catalogue is one (src/endpoints/catalogue).
  execFileSync('sh', ['-c', 'cd src && find . -name "*.d.ts" -exec cp --parents {} ../types/ \\;'], {
    cwd: dir,
  })
}

function prepare(): { versions: { name: string; dir: string }[]; calls: string[] } {
  rmSync(work, { recursive: true, force: true })
  const current = join(work, 'catalogue')
  const round1 = join(work, 'round-1')
  mkdirSync(current, { recursive: true })
  mkdirSync(round1, { recursive: true })
  execFileSync('cp', ['-r', join(core, 'src'), current])
  execFileSync('sh', [
    '-c',
    `git -C "${repo}" archive ${ROUND_1} packages/core/src | tar -x -C "${round1}" --strip-components=2`,
  ])
  declarations(current)
  declarations(round1)
  const sample = readFileSync(join(core, 'src/endpoints/catalogue/sample.test-d.ts'), 'utf8').split('\n')
  const calls: string[] = []
  for (let i = 0; i < sample.length && calls.length < 30; i++) {
    const line = sample[i]!.trim()
    if (line.startsWith('wxpay') && !sample[i - 1]!.includes('@ts-expect-error')) calls.push(line)
  }
  const versions = [
    { name: 'round 1 (3 seed endpoints)', dir: round1 },
    { name: 'full catalogue (1,154 endpoints)', dir: current },
  ]
  for (const { dir } of versions) {
    let user = "import type { Wechatpay } from './types/client'\n\ndeclare const wxpay: Wechatpay\n\n"
    user += 'export async function calls() {\n'
    for (const call of calls) user += `  await ${call}\n`
    user += '}\n'
    writeFileSync(join(dir, 'user.ts'), user)
    // Each on its own statement (a `;` first): `wxpay.` then `wxpay.v3.` would read as one chain.
    writeFileSync(join(dir, 'complete.ts'), `${user}\nwxpay.\n;wxpay.v3.\n;wxpay.v3.pay.\n`)
    for (const setting of SETTINGS)
      writeFileSync(
        join(dir, setting.config),
        JSON.stringify({
          compilerOptions: { ...COMPILER, skipLibCheck: setting.skipLibCheck },
          files: ['user.ts'],
        }),
      )
  }
  return { versions, calls }
}

/** The two settings measured: each has its own tsconfig beside the user file. */
const SETTINGS = [
  { name: 'skipLibCheck: true', config: 'tsconfig.user.json', skipLibCheck: true },
  { name: 'skipLibCheck: false', config: 'tsconfig.user-libcheck.json', skipLibCheck: false },
] as const

interface Check {
  total: number
  check: number
  memory: number
  errors: string
}

function check(dir: string, config: string): Check {
  let out: string
  let errors = ''
  try {
    out = execFileSync(process.execPath, [tscPath, '-p', config, '--extendedDiagnostics'], {
      cwd: dir,
      encoding: 'utf8',
    })
  } catch (err) {
    out = (err as { stdout: string }).stdout
    errors = out
      .split('\n')
      .filter((l) => l.includes('error TS'))
      .join('\n')
  }
  const num = (label: string) => Number(new RegExp(`${label}:\\s+([\\d.]+)`).exec(out)?.[1] ?? Number.NaN)
  return { total: num('Total time'), check: num('Check time'), memory: num('Memory used') / 1024, errors }
}

/** Milliseconds of one tsserver `completionInfo` request at the end of each `wxpay.…` line. */
async function completions(dir: string): Promise<{ cold: number; v3: number; pay: number; entries: number }> {
  const server: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [tsserverPath, '--disableAutomaticTypingAcquisition'],
    { cwd: dir },
  )
  let buffer = ''
  const waiting = new Map<number, (body: unknown) => void>()
  server.stdout.setEncoding('utf8')
  server.stdout.on('data', (chunk: string) => {
    buffer += chunk
    for (;;) {
      const header = /Content-Length: (\d+)\r\n\r\n/.exec(buffer)
      if (!header) return
      const start = header.index + header[0].length
      const length = Number(header[1])
      if (Buffer.byteLength(buffer.slice(start)) < length) return
      const body = Buffer.from(buffer.slice(start)).subarray(0, length).toString()
      buffer = Buffer.from(buffer.slice(start)).subarray(length).toString()
      const message = JSON.parse(body) as { type: string; request_seq?: number; body?: unknown }
      if (message.type === 'response' && message.request_seq !== undefined)
        waiting.get(message.request_seq)?.(message.body)
    }
  })
  let seq = 0
  const request = (command: string, args: object) =>
    new Promise<unknown>((resolve) => {
      seq += 1
      waiting.set(seq, resolve)
      server.stdin.write(`${JSON.stringify({ seq, type: 'request', command, arguments: args })}\n`)
    })
  const file = join(dir, 'complete.ts')
  const lines = readFileSync(file, 'utf8').split('\n')
  const lineOf = (text: string) => lines.findIndex((l) => l === text || l === `;${text}`)
  await request('configure', { preferences: { includeCompletionsWithInsertText: true } })
  server.stdin.write(
    `${JSON.stringify({ seq: ++seq, type: 'request', command: 'open', arguments: { file } })}\n`,
  )
  const timed = async (text: string) => {
    const started = performance.now()
    const body = (await request('completionInfo', {
      file,
      line: lineOf(text) + 1,
      offset: lines[lineOf(text)]!.length + 1,
    })) as { entries?: unknown[] } | undefined
    return { ms: performance.now() - started, entries: body?.entries?.length ?? 0 }
  }
  // The first request builds the program (cold start); the timed ones follow, as in an editor.
  const cold = await timed('wxpay.')
  const v3 = await timed('wxpay.v3.')
  const pay = await timed('wxpay.v3.pay.')
  server.kill()
  return { cold: cold.ms, v3: v3.ms, pay: pay.ms, entries: v3.entries }
}

/** The catalogue's types are really in use: a call missing a required field must not compile. */
function sanity(dir: string, sample: string[]): void {
  const i = sample.findIndex((l) => l.includes('@ts-expect-error'))
  const user = `import type { Wechatpay } from './types/client'\ndeclare const wxpay: Wechatpay\nexport const x = ${sample[i + 1]!.trim()}\n`
  writeFileSync(join(dir, 'wrong.ts'), user)
  writeFileSync(
    join(dir, 'tsconfig.wrong.json'),
    JSON.stringify({ compilerOptions: COMPILER, files: ['wrong.ts'] }),
  )
  try {
    tsc(['-p', 'tsconfig.wrong.json'], dir)
  } catch {
    return
  }
  throw new Error(
    `a call missing a required field type-checks against ${dir}: the catalogue types are not in use`,
  )
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const f = (n: number, d = 2) => n.toFixed(d)

const { versions, calls } = prepare()
sanity(
  versions[1]!.dir,
  readFileSync(join(core, 'src/endpoints/catalogue/sample.test-d.ts'), 'utf8').split('\n'),
)
const results = versions.map(() => ({
  total: [] as number[],
  check: [] as number[],
  memory: [] as number[],
  libTotal: [] as number[],
  libCheck: [] as number[],
  libMemory: [] as number[],
  cold: [] as number[],
  v3: [] as number[],
  pay: [] as number[],
  entries: 0,
}))
for (let run = 0; run < RUNS; run++) {
  for (const [i, version] of versions.entries()) {
    const r = results[i]!
    for (const setting of SETTINGS) {
      const c = check(version.dir, setting.config)
      if (c.errors && i === 1)
        throw new Error(
          `the 30 calls do not type-check against the catalogue (${setting.name}):\n${c.errors}`,
        )
      if (setting.skipLibCheck) {
        r.total.push(c.total)
        r.check.push(c.check)
        r.memory.push(c.memory)
      } else {
        r.libTotal.push(c.total)
        r.libCheck.push(c.check)
        r.libMemory.push(c.memory)
      }
    }
    const ms = await completions(version.dir)
    r.cold.push(ms.cold)
    r.v3.push(ms.v3)
    r.pay.push(ms.pay)
    r.entries = ms.entries
  }
}
console.log(
  `\nType-check cost of a user file with ${calls.length} typed calls (tsc --extendedDiagnostics, skipLibCheck; median of ${RUNS})`,
)
console.log(
  `${'types'.padEnd(34)} ${'total s'.padStart(8)} ${'check s'.padStart(8)} ${'memory MB'.padStart(10)} ${'cold wxpay. ms'.padStart(15)} ${'complete v3. ms'.padStart(16)} ${'v3.pay. ms'.padStart(11)}`,
)
for (const [i, version] of versions.entries()) {
  const r = results[i]!
  console.log(
    `${version.name.padEnd(34)} ${f(median(r.total)).padStart(8)} ${f(median(r.check)).padStart(8)} ${f(median(r.memory), 0).padStart(10)} ${f(median(r.cold), 0).padStart(15)} ${f(median(r.v3), 0).padStart(16)} ${f(median(r.pay), 0).padStart(11)}   (${r.entries} entries on v3.)`,
  )
}
const [a, b] = results as [(typeof results)[0], (typeof results)[0]]
console.log(
  `ratio (catalogue / round 1): time ${f(median(b.total) / median(a.total))}× (target ≤ 2), memory ${f(median(b.memory) / median(a.memory))}× (target ≤ 1.5)`,
)
console.log(`\nThe same, skipLibCheck: false (TypeScript's default: every loaded .d.ts is checked too)`)
console.log(
  `${'types'.padEnd(34)} ${'total s'.padStart(8)} ${'check s'.padStart(8)} ${'memory MB'.padStart(10)}`,
)
for (const [i, version] of versions.entries()) {
  const r = results[i]!
  console.log(
    `${version.name.padEnd(34)} ${f(median(r.libTotal)).padStart(8)} ${f(median(r.libCheck)).padStart(8)} ${f(median(r.libMemory), 0).padStart(10)}`,
  )
}
console.log(
  `ratio (catalogue / round 1): time ${f(median(b.libTotal) / median(a.libTotal))}× (target ≤ 2), memory ${f(median(b.libMemory) / median(a.libMemory))}× (target ≤ 1.5)`,
)
rmSync(dirname(join(work, 'x')), { recursive: true, force: true })
