// The shape of the sandbox's catalogue copy (endpoints.js, made by scripts/catalogue.mjs from the
// core's catalogue): a JSON-Schema subset, as packages/core/catalogue/README.md describes it.

/** A schema node: `type`, `format`, `enum`, `properties`, `required`, `items`, rarely `oneOf`. */
export interface Schema {
  type?: string
  format?: string
  enum?: unknown[]
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  oneOf?: Schema[]
  /** The field is a JSON-encoded string holding this structure. */
  'x-json'?: Schema
  /** The field is a URL-encoded string holding this structure. */
  'x-urlencode'?: Schema
}

export interface PathParam {
  name: string
  type?: string
  required?: boolean
  enum?: unknown[]
  format?: string
  /** Declared by the source, but absent from the URI (a source error kept visible). */
  notInUri?: boolean
}

export interface HeaderParam {
  name: string
  required?: boolean
  enum?: unknown[]
}

/** One endpoint of the catalogue. */
export interface CatalogueEndpoint {
  /** SDK chain path: `v3/…`, `v2/…`, `hk/v3/…`, `global/v3/…`. */
  path: string
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  protocol: 'v3' | 'v2'
  kind: 'json' | 'xml' | 'upload' | 'download' | 'page' | 'webhook'
  /** The path on the wire (v2 without the `v2` prefix). */
  uri: string
  /** v2: needs the merchant API client certificate (mutual TLS). */
  apiCert?: boolean
  headers?: HeaderParam[]
  pathParams?: PathParam[]
  query?: Schema
  json?: Schema
  xml?: Schema
  formData?: Schema
  /** Success status: 200, 202, 204 or 302. */
  status: number
  response?: Schema
  responseHeaders?: string[]
  produces?: string[]
  encryptedFields?: string[]
}

export interface CatalogueData {
  source: string
  endpoints: CatalogueEndpoint[]
}
