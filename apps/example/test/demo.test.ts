// The demo cannot rot: run it as `pnpm demo` does and check its table and exit code.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

test('pnpm demo prints every row as expected and exits 0', async () => {
  const cwd = fileURLToPath(new URL('..', import.meta.url))
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
    (resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'src/demo.ts'],
        { cwd, timeout: 100_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      )
    },
  )
  expect(stderr).not.toContain('DEMO FAILED')
  expect(code).toBe(0)
  // progress while it starts, on stderr (the table alone on stdout)
  for (const line of [
    'demo: starting the sandbox',
    'demo: bundling the Hono Worker',
    'demo: calling every route',
  ])
    expect(stderr).toContain(line)
  for (const integration of ['NestJS', 'Hono (Node)', 'Hono (workerd)', 'direct']) {
    expect(stdout).toMatch(
      new RegExp(
        `\\| ${integration.replace(/[()]/g, '\\$&')} +\\| v3 close order +\\| [^|]+\\| +204 \\| closed`,
      ),
    )
  }
  expect(stdout.match(/\| +502 \| error ORDER_PAID/g)).toHaveLength(3)
  expect(stdout.match(/\| +200 \| CLOSED/g)).toHaveLength(6)
  // the lifecycle through every integration: place (JSAPI parameters signed), pay (the app is
  // notified: probe refused, notification recorded, duplicate changes nothing), query, refund
  // (REFUND.SUCCESS recorded)
  for (const [integration, receiver] of [
    ['NestJS', '@WechatpayEvent\\(\\)'],
    ['Hono (Node)', 'wechatpayNotification\\(\\)'],
    ['Hono (workerd)', 'wechatpayNotification\\(\\)'],
    ['direct', 'notifications\\.parse\\(\\)'],
  ] as const) {
    const name = integration.replace(/[()]/g, '\\$&')
    for (const [endpoint, style, status, result] of [
      ['v3 place order \\(JSAPI\\)', '[^|]+', 200, 'prepay_id, paySign verifies'],
      ['TRANSACTION\\.SUCCESS \\(SIGNTEST probe\\)', receiver, 401, 'refused'],
      ['TRANSACTION\\.SUCCESS', receiver, 204, 'recorded'],
      ['TRANSACTION\\.SUCCESS \\(duplicate\\)', receiver, 204, 'no change'],
      ['v3 query order', '[^|]+', 200, 'SUCCESS'],
      ['v3 refund \\(1000 of 2500 fen\\)', '[^|]+', 200, 'PROCESSING'],
      ['REFUND\\.SUCCESS', receiver, 204, 'recorded'],
    ] as const) {
      expect(stdout).toMatch(
        new RegExp(`\\| ${name} +\\| ${endpoint} +\\| ${style} +\\| +${status} \\| ${result} +\\|`),
      )
    }
  }
  expect(stdout).toMatch(/\| direct +\| v3 query refund +\| [^|]+\| +200 \| SUCCESS +\|/)
  // beyond JSON: an upload, a bill checked against its digest (and refused when corrupted), v2 mTLS
  for (const [endpoint, status, result] of [
    ['v3 media upload \\(image\\)', 200, 'media_id; the sandbox has the same bytes'],
    ['v3 trade bill, downloaded', 200, 'SHA1 verified, lists DLC'],
    ['v3 trade bill, one byte corrupted', 200, 'refused DIGEST_MISMATCH'],
    ['v2 refund over mutual TLS', 200, 'result_code SUCCESS'],
  ] as const) {
    expect(stdout).toMatch(
      new RegExp(`\\| direct +\\| ${endpoint} +\\| [^|]+\\| +${status} \\| ${result} +\\|`),
    )
  }
  // a certificate merchant from a cold start, through a rotation
  for (const integration of ['direct', 'Hono \\(workerd\\)']) {
    expect(stdout).toMatch(
      new RegExp(
        `\\| ${integration} +\\| v3 close order \\(cert merchant, cold start\\) +\\| [^|]+\\| +204 \\| closed, certificates downloaded +\\|`,
      ),
    )
  }
  expect(stdout).toMatch(
    /\| Hono \(workerd\) +\| TRANSACTION\.SUCCESS \(cert merchant, rotated\) +\| [^|]+\| +204 \| recorded +\|/,
  )
  expect(stdout).toMatch(
    /\| direct +\| v3 close order \(cert merchant, rotated\) +\| [^|]+\| +204 \| closed, certificates downloaded +\|/,
  )
  // issue 19: the per-endpoint rules
  for (const [endpoint, style, result] of [
    ['v2 red packet \\(unsigned reply, mTLS\\)', 'property chain', 'result_code SUCCESS, no sign'],
    ['v3 fapiao file upload \\(SM3 meta\\)', 'property chain', 'fapiao_media_id, SM3 digest accepted'],
    ['v3 global statement \\(cross-border\\)', 'chain\\(\\)', 'SHA-1 verified, \\d+ bytes CSV'],
    [
      'v2 papay entrustweb page URL \\(no I/O\\)',
      'pageUrl\\(\\)',
      '127\\.0\\.0\\.1:\\d+/papay/entrustweb, MD5 sign verifies',
    ],
    ['v3 profit-sharing order \\(catalogue\\)', 'property chain', 'state PROCESSING, 1 receiver'],
  ] as const) {
    expect(stdout).toMatch(
      new RegExp(`\\| direct +\\| ${endpoint} +\\| ${style} +\\| +200 \\| ${result} +\\|`),
    )
  }
  // issue 20: four instances, one certificate download; duplicates applied once across each pair
  const fleet = '\\| fleet \\((Redis|PostgreSQL|PostgreSQL/PGlite)\\) +\\| '
  expect(stdout).toMatch(
    new RegExp(
      `${fleet}v3 close order ×4 \\(cert merchant, cold\\) +\\| [^|]+\\| +204 \\| 4 instances, 1 certificate download +\\|`,
    ),
  )
  expect(
    stdout.match(
      new RegExp(
        `${fleet}TRANSACTION\\.SUCCESS ×3, duplicated +\\| [^|]+\\| +204 \\| duplicates suppressed 3, applied once 3, lost 0 +\\|`,
        'g',
      ),
    ),
  ).toHaveLength(2)
  expect(
    stdout.match(
      new RegExp(
        `${fleet}deliveries through the balancer +\\| [^|]+\\| +204 \\| 3 \\+ 3 deliveries, applied 3 \\+ 0 +\\|`,
        'g',
      ),
    ),
  ).toHaveLength(2)
  expect(stdout).toContain(
    "every row as expected; sandbox state agrees, and so do the apps' records and its delivery log",
  )
})
