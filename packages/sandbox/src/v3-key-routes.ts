import { constants, privateDecrypt, publicEncrypt } from 'node:crypto'
import type { Hono } from 'hono'
import { rfc3339Cst } from './clock'
import type { AppEnv, SandboxContext } from './context'
import { encryptResource } from './notify-sign'
import { privateKeyFor } from './platform'
import { alnum } from './random'
import { v3Error, v3Signed } from './v3-respond'
import { authenticate } from './v3-routes'

/** A receiver added with `/v3/profitsharing/receivers/add`, its `name` decrypted. */
export interface ProfitsharingReceiver {
  type: string
  account: string
  relation_type: string
  /** The decrypted name, when one was sent. */
  name?: string
  /** The `Wechatpay-Serial` the name was encrypted for. */
  serial?: string
}

const OAEP_SHA1 = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' } as const

/** `/v3/certificates` and one endpoint with an encrypted field. */
export function mountKeyRoutes(app: Hono<AppEnv>, ctx: SandboxContext): void {
  app.get('/v3/certificates', async (c) => {
    const body = await authenticate(c, ctx)
    if (body instanceof Response) return body
    const algorithm = c.req.query('algorithm_type') ?? 'RSA'
    if (!['RSA', 'SM2', 'ALL'].includes(algorithm))
      return v3Error(400, 'PARAM_ERROR', 'algorithm_type must be RSA, SM2 or ALL', {
        field: 'algorithm_type',
        location: 'query',
      })
    const { platform } = ctx
    if (platform.mode === 'publicKey' || platform.certificates.length === 0)
      return v3Error(
        404,
        'RESOURCE_NOT_EXISTS',
        '无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥 (sandbox: this merchant uses the WeChat Pay public key)',
      )
    const data = platform.certificates.map((cert) => {
      const nonce = alnum(12)
      return {
        serial_no: cert.serial,
        effective_time: rfc3339Cst(cert.notBefore.getTime()),
        expire_time: rfc3339Cst(cert.notAfter.getTime()),
        encrypt_certificate: {
          algorithm: 'AEAD_AES_256_GCM',
          nonce,
          associated_data: 'certificate',
          ciphertext: encryptResource(ctx.keys.merchant.apiv3Key, nonce, 'certificate', cert.certificate),
        },
      }
    })
    return v3Signed(ctx, 200, { data })
  })

  app.post('/v3/profitsharing/receivers/add', async (c) => {
    const raw = await authenticate(c, ctx)
    if (raw instanceof Response) return raw
    let json: Record<string, unknown>
    try {
      const parsed: unknown = JSON.parse(raw.toString('utf8'))
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object')
      json = parsed as Record<string, unknown>
    } catch {
      return v3Error(400, 'PARAM_ERROR', 'The request body is not a JSON object', { location: 'body' })
    }
    for (const field of ['appid', 'type', 'account', 'relation_type']) {
      if (typeof json[field] !== 'string' || json[field] === '')
        return v3Error(400, 'PARAM_ERROR', `${field} is required`, { field, location: 'body' })
    }
    const receiver: ProfitsharingReceiver = {
      type: json.type as string,
      account: json.account as string,
      relation_type: json.relation_type as string,
    }
    if (json.name !== undefined) {
      // WeChat Pay decrypts with the key Wechatpay-Serial names: a wrong or unknown serial, or a
      // field that does not decrypt under it, is a PARAM_ERROR.
      const serial = c.req.header('Wechatpay-Serial')?.trim()
      if (!serial)
        return v3Error(400, 'PARAM_ERROR', 'Wechatpay-Serial is required with encrypted fields', {
          location: 'header',
        })
      const key = privateKeyFor(ctx.keys, ctx.platform, serial)
      if (!key)
        return v3Error(
          400,
          'PARAM_ERROR',
          `Wechatpay-Serial ${serial} is not a platform key of this merchant`,
          {
            location: 'header',
          },
        )
      if (typeof json.name !== 'string')
        return v3Error(400, 'PARAM_ERROR', 'name must be an encrypted string', {
          field: 'name',
          location: 'body',
        })
      try {
        receiver.name = privateDecrypt({ key, ...OAEP_SHA1 }, Buffer.from(json.name, 'base64')).toString(
          'utf8',
        )
      } catch {
        return v3Error(
          400,
          'PARAM_ERROR',
          'name could not be decrypted with the key Wechatpay-Serial names',
          {
            field: 'name',
            location: 'body',
          },
        )
      }
      receiver.serial = serial
    }
    ctx.receivers.push(receiver)
    const reply: Record<string, unknown> = {
      type: receiver.type,
      account: receiver.account,
      relation_type: receiver.relation_type,
    }
    if (typeof json.custom_relation === 'string') reply.custom_relation = json.custom_relation
    // The reply's name comes back encrypted for the merchant (its API certificate's key).
    if (receiver.name !== undefined)
      reply.name = publicEncrypt(
        { key: ctx.keys.merchantPublicKey, ...OAEP_SHA1 },
        Buffer.from(receiver.name, 'utf8'),
      ).toString('base64')
    return v3Signed(ctx, 200, reply)
  })
}
