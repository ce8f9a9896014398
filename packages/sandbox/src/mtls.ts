// The APIv2 endpoints that need the merchant's client certificate, on an HTTPS listener that
// requires one from the sandbox's own test CA. The CA, the server certificate (127.0.0.1 and
// localhost) and the merchant client certificate are made with openssl when the sandbox starts
// with `mtls: true` (and only then): the one place the sandbox needs openssl on the PATH.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TLSSocket } from 'node:tls'
import { createAdaptorServer } from '@hono/node-server'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { mountCatalogueRoutes } from './catalogue/routes'
import type { AppEnv, SandboxContext } from './context'
import { settleAndNotify } from './notify-events'
import { mountRedpackRoutes } from './redpack-routes'
import { createRefund } from './refunds'
import { requestFaults } from './request-faults'
import { businessReply, readSignedV2, v2Fail } from './v2-routes'
import { MAX_XML_BYTES } from './xml'

/** The test PKI of one sandbox: PEM strings, made fresh at each start. */
export interface MtlsMaterial {
  /** The sandbox CA: trust it for the server (`clientCert.ca`), and it issued the client certificate. */
  ca: string
  /** The merchant client certificate (`apiclient_cert.pem`) and its key (`apiclient_key.pem`). */
  clientCert: { cert: string; key: string }
  serverCert: string
  serverKey: string
}

function openssl(dir: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim()
    throw new Error(
      `the sandbox's mtls option needs openssl on the PATH: openssl ${args[0]} failed${stderr ? `: ${stderr}` : ''}`,
    )
  }
}

/** Makes a CA, a server certificate for 127.0.0.1/localhost and a client certificate for `mchid`. */
export function createMtlsMaterial(mchid: string): MtlsMaterial {
  const dir = mkdtempSync(join(tmpdir(), 'wxpay-sandbox-mtls-'))
  try {
    const run = (args: string[]) => openssl(dir, args)
    run([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '30',
      '-subj',
      '/O=wxpay sandbox/CN=wxpay sandbox test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ])
    writeFileSync(
      join(dir, 'server.ext'),
      'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
    )
    run([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/O=wxpay sandbox/CN=localhost',
    ])
    run([
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '30',
      '-extfile',
      'server.ext',
    ])
    writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n')
    // like WeChat Pay's merchant API certificates: the subject names the merchant id
    run([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'client.key',
      '-out',
      'client.csr',
      '-subj',
      `/O=wxpay sandbox/OU=${mchid}/CN=${mchid}`,
    ])
    run([
      'x509',
      '-req',
      '-in',
      'client.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'client.pem',
      '-days',
      '30',
      '-extfile',
      'client.ext',
    ])
    const read = (name: string) => readFileSync(join(dir, name), 'utf8')
    return {
      ca: read('ca.pem'),
      clientCert: { cert: read('client.pem'), key: read('client.key') },
      serverCert: read('server.pem'),
      serverKey: read('server.key'),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** `POST /secapi/pay/refund`: the v2 refund, reachable only with a client certificate from the sandbox CA. */
export function createMtlsApp(ctx: SandboxContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use(async (c, next) => {
    const target = c.env.incoming.url ?? '/'
    const query = target.indexOf('?')
    ctx.requests.push({
      listener: 'mtls',
      method: c.req.method,
      path: query < 0 ? target : target.slice(0, query),
      target,
      at: ctx.clock.now(),
    })
    // the TLS layer already refused anyone without a certificate from the CA; this is belt and braces
    if (!(c.env.incoming.socket as TLSSocket).authorized)
      return v2Fail('CERT_ERROR: no valid client certificate')
    await next()
    return undefined
  })
  app.use(requestFaults(ctx))
  app.post(
    '/secapi/pay/refund',
    bodyLimit({ maxSize: MAX_XML_BYTES, onError: () => v2Fail('XML_FORMAT_ERROR') }),
    async (c) => {
      const checked = await readSignedV2(c.req.raw, ctx)
      if (checked instanceof Response) return checked
      const { fields, signType } = checked
      const { out_trade_no, out_refund_no, total_fee, refund_fee } = fields
      if (
        !out_trade_no ||
        !out_refund_no ||
        !/^\d+$/.test(total_fee ?? '') ||
        !/^[1-9]\d*$/.test(refund_fee ?? '')
      )
        return businessReply(ctx, signType, {
          err_code: 'PARAM_ERROR',
          err_code_des: 'out_trade_no, out_refund_no, total_fee and refund_fee are required',
        })
      const before = ctx.refunds.map.get(out_refund_no)?.status
      const result = createRefund(
        ctx.refunds.map,
        ctx.orders.map.get(out_trade_no),
        {
          out_refund_no,
          refund: Number(refund_fee),
          total: Number(total_fee),
          protocol: 'v2',
          ...(fields.notify_url ? { notify_url: fields.notify_url } : {}),
          ...(fields.refund_desc ? { reason: fields.refund_desc } : {}),
        },
        ctx.clock,
      )
      if ('v2' in result)
        return businessReply(ctx, signType, { err_code: result.v2, err_code_des: result.message })
      // autoRefund, as the v3 route: a new refund succeeds right after the reply is built
      if (before === undefined && ctx.autoRefund)
        settleAndNotify(ctx, out_refund_no, 'SUCCESS').catch(() => {})
      return businessReply(ctx, signType, undefined, {
        transaction_id: result.transaction_id,
        out_trade_no: result.out_trade_no,
        out_refund_no: result.out_refund_no,
        refund_id: result.refund_id,
        refund_fee: String(result.refund),
        total_fee: String(result.total),
        cash_fee: String(result.total),
        refund_channel: '',
      })
    },
  )
  mountRedpackRoutes(app, ctx)
  // the other certificate endpoints of the catalogue (red packets, transfers, profit sharing, …)
  mountCatalogueRoutes(app, ctx, 'mtls')
  app.notFound(() =>
    v2Fail('this listener serves the v2 certificate endpoints only (apiCert in the catalogue)'),
  )
  return app
}

/** The HTTPS listener: TLS 1.2+, a client certificate from the sandbox CA required at the handshake. */
export function createMtlsServer(ctx: SandboxContext, material: MtlsMaterial): HttpsServer {
  return createAdaptorServer({
    fetch: createMtlsApp(ctx).fetch,
    createServer: createHttpsServer,
    serverOptions: {
      key: material.serverKey,
      cert: material.serverCert,
      ca: material.ca,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    },
  }) as HttpsServer
}
