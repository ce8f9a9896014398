import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { type LooseRequestOptions, Wechatpay } from '@wxpay/core'
import { CREDENTIAL_FLAGS, CREDENTIALS_HELP, credentials } from '../credentials'
import { EXIT, type Io, type Redactor, UsageError } from '../io'

export const CALL_HELP = `Usage: wxpay call <path> [--method get|post|put|patch|delete] [--json JSON | --json @FILE]
                  [--query k=v]... [--xml k=v]... [--var name=value]... [--header k=v]... [--verbose]

Calls any WeChat Pay endpoint through @wxpay/core: the request is signed, the reply verified
before anything of it is printed. Paths starting with v2/ are APIv2 (XML, signed with the APIv2
key; nonce_str and sign are added; v2/pay/closeorder is POST /pay/closeorder); the others (v3/…)
are APIv3 (JSON, RSA).

  <path>            e.g. v3/pay/transactions/out-trade-no/{out_trade_no}/close (a leading / is fine)
  --method M        default: post with --json or --xml, else get
  --json JSON       the APIv3 request body; @FILE reads it from a file
  --query k=v       a query parameter (repeatable)
  --xml k=v         an APIv2 field (repeatable)
  --var name=value  fills {name} in the path (repeatable)
  --header k=v      an extra request header (repeatable)
  --verbose         also print the reply headers (on stderr)

Output: the status line (HTTP 200, Request-ID …) on stderr; the reply data as JSON on stdout
(nothing for a 204). An API error prints its code and message on stderr, WeChat Pay's detail or
the v2 FAIL reply as JSON on stdout, and exits 1.

Example:
  wxpay call v3/pay/transactions/out-trade-no/{out_trade_no}/close --var out_trade_no=T1 \\
    --json '{"mchid":"1900000109"}'
  wxpay call v2/pay/closeorder --xml appid=wx8888888888888888 --xml mch_id=1900000109 --xml out_trade_no=T2

${CREDENTIALS_HELP}`

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const
type Method = (typeof METHODS)[number]

function pairs(list: string[] | undefined, flag: string): Array<[string, string]> {
  return (list ?? []).map((item) => {
    const at = item.indexOf('=')
    if (at <= 0) throw new UsageError(`${flag} takes name=value, got ${JSON.stringify(item)}`)
    return [item.slice(0, at), item.slice(at + 1)]
  })
}

function jsonBody(raw: string, io: Io): unknown {
  let text = raw
  if (raw.startsWith('@')) {
    const path = raw.slice(1)
    try {
      text = readFileSync(resolve(io.cwd, path), 'utf8')
    } catch (err) {
      throw new UsageError(
        `--json: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`,
      )
    }
  }
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new UsageError(`--json is not valid JSON: ${(err as Error).message}`)
  }
}

/** `wxpay call`: one request, printed. */
export async function call(args: string[], io: Io, redactor: Redactor): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...CREDENTIAL_FLAGS,
      method: { type: 'string', short: 'X' },
      json: { type: 'string' },
      query: { type: 'string', multiple: true },
      xml: { type: 'string', multiple: true },
      var: { type: 'string', multiple: true },
      header: { type: 'string', multiple: true },
      verbose: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout(`${CALL_HELP}\n`)
    return EXIT.OK
  }
  if (positionals.length !== 1) throw new UsageError('wxpay call takes exactly one path')
  const path = positionals[0]!.replace(/^\/+/, '')
  if (!path) throw new UsageError('the path is empty')
  if (values.json !== undefined && values.xml !== undefined)
    throw new UsageError('--json (APIv3) and --xml (APIv2) do not go together')

  const method = (values.method?.toLowerCase() ??
    (values.json !== undefined || values.xml !== undefined ? 'post' : 'get')) as Method
  if (!METHODS.includes(method)) throw new UsageError(`--method must be one of ${METHODS.join(', ')}`)

  const request: LooseRequestOptions = {}
  for (const [name, value] of pairs(values.var, '--var')) {
    if (name === 'json' || name === 'xml' || name === 'query' || name === 'headers')
      throw new UsageError(`--var cannot set ${name}`)
    request[name] = value
  }
  if (values.json !== undefined) request.json = jsonBody(values.json, io)
  if (values.xml !== undefined) request.xml = Object.fromEntries(pairs(values.xml, '--xml'))
  if (values.query !== undefined) request.query = Object.fromEntries(pairs(values.query, '--query'))
  if (values.header !== undefined) request.headers = Object.fromEntries(pairs(values.header, '--header'))

  const wxpay = new Wechatpay(credentials(values, io, redactor))
  const reply = await wxpay.chain(path)[method](request)
  const requestId = reply.headers['request-id']
  io.stderr(redactor.redact(`HTTP ${reply.status}${requestId ? `, Request-ID ${requestId}` : ''}\n`))
  if (values.verbose)
    for (const [name, value] of Object.entries(reply.headers))
      io.stderr(redactor.redact(`${name}: ${value}\n`))
  if (reply.data !== undefined && reply.data !== '')
    io.stdout(`${redactor.redact(JSON.stringify(reply.data, null, 2))}\n`)
  return EXIT.OK
}
