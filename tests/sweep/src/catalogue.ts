// The project's catalogue (packages/core/catalogue, errata applied), read as the test's own input:
// the sweep generates its requests from it independently of the sandbox's reply samples.
import { readFileSync } from 'node:fs'
import { applyErrata } from '../../../packages/core/catalogue/apply-errata.mjs'

export interface Schema {
  type?: string
  format?: string
  enum?: unknown[]
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  oneOf?: Schema[]
  'x-json'?: Schema
}

export interface Endpoint {
  path: string
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  protocol: 'v3' | 'v2'
  kind: string
  uri: string
  apiCert?: boolean
  headers?: Array<{ name: string; required?: boolean }>
  pathParams?: Array<{ name: string; type?: string; enum?: unknown[]; notInUri?: boolean }>
  query?: Schema
  json?: Schema
  xml?: Schema
  formData?: Schema
  encryptedFields?: string[]
  status: number
  response?: Schema
}

const file = new URL('../../../packages/core/catalogue/wechatpay-api.json', import.meta.url)
export const ENDPOINTS: Endpoint[] = applyErrata(
  JSON.parse(readFileSync(file, 'utf8')) as { endpoints: Endpoint[] },
).endpoints
