// Per-endpoint facts the catalogue does not carry, each with where it comes from. The generator
// (generate.mjs) checks every path against the catalogue and emits them into the runtime table
// (src/endpoints/catalogue/table.ts); docs/protocol-3.md explains them. Paths are chain paths
// (`v2/…` included), as the catalogue spells them.
//
// Sources, by short name (versions read for round 3):
const PHP = 'wechatpay-php 1.4.12 src/ClientXmlTrait.php $noneSignatureRespond'
const AXIOS_SIGNLESS = 'wechatpay-axios-plugin 0.9.6 lib/transformer.js SIGNLESS'
const AXIOS_NONCELESS = 'wechatpay-axios-plugin 0.9.6 lib/transformer.js NONCELESS'
const PHP_STATEMENTS =
  'wechatpay-php 1.4.12 src/ClientJsonTrait.php digestBody() and $isOverseas; pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter3_1_6.shtml; …/fusion_wallet_ch/QuickPay/chapter8_5.shtml'
const AXIOS_META = 'wechatpay-axios-plugin 0.9.6 index.d.ts Multipart.FileMeta*'

/**
 * APIv2 endpoints that answer SUCCESS without a `sign`. wxpay accepts a missing sign on these
 * only; a sign that is present is verified everywhere. Union of both peers' lists; php names the
 * 企业付款到银行卡 paths under `/mmpaymkttransfers/`, which the catalogue (and axios) spell
 * `/mmpaysptrans/`.
 */
export const UNSIGNED_V2 = [
  ['v2/appauth/getaccesstoken', AXIOS_SIGNLESS],
  ['v2/mchrisk/querymchrisk', `${PHP}; ${AXIOS_SIGNLESS}`],
  ['v2/mchrisk/setmchriskcallback', `${PHP}; ${AXIOS_SIGNLESS}`],
  ['v2/mchrisk/syncmchriskresult', `${PHP}; ${AXIOS_SIGNLESS}`],
  ['v2/mmpaymkttransfers/gethbinfo', `${PHP}; ${AXIOS_SIGNLESS}`],
  ['v2/mmpaymkttransfers/gettransferinfo', `${PHP}; ${AXIOS_SIGNLESS}`],
  ['v2/mmpaymkttransfers/promotion/paywwsptrans2pocket', `${PHP}; ${AXIOS_SIGNLESS}`],
  ['v2/mmpaymkttransfers/promotion/querywwsptrans2pocket', `${PHP}; ${AXIOS_SIGNLESS}`],
  ['v2/mmpaymkttransfers/promotion/transfers', `${PHP}; ${AXIOS_SIGNLESS}`],
  ['v2/mmpaymkttransfers/sendgroupredpack', PHP],
  ['v2/mmpaymkttransfers/sendminiprogramhb', `${PHP}; ${AXIOS_SIGNLESS}`],
  ['v2/mmpaymkttransfers/sendredpack', `${PHP}; ${AXIOS_SIGNLESS}`],
  ['v2/mmpaysptrans/pay_bank', `${PHP} (as /mmpaymkttransfers/pay_bank); ${AXIOS_SIGNLESS}`],
  ['v2/mmpaysptrans/query_bank', `${PHP} (as /mmpaymkttransfers/query_bank); ${AXIOS_SIGNLESS}`],
  ['v2/papay/entrustweb', `${PHP}; ${AXIOS_SIGNLESS}`],
  ['v2/papay/h5entrustweb', `${PHP}; ${AXIOS_SIGNLESS}`],
  ['v2/papay/partner/entrustweb', `${PHP}; ${AXIOS_SIGNLESS}`],
  ['v2/papay/partner/h5entrustweb', `${PHP}; ${AXIOS_SIGNLESS}`],
  ['v2/pay/downloadbill', `${PHP}; ${AXIOS_SIGNLESS}`],
  ['v2/pay/downloadfundflow', `${PHP}; ${AXIOS_SIGNLESS}`],
  ['v2/payitil/report', `${PHP}; ${AXIOS_SIGNLESS}`],
  ['v2/risk/getpublickey', `${PHP}; ${AXIOS_SIGNLESS}`],
  ['v2/risk/getviolation', `${PHP}; ${AXIOS_SIGNLESS}`],
  ['v2/secapi/mch/submchmanage', `${PHP}; ${AXIOS_SIGNLESS}`],
  ['v2/xdc/apiv2getsignkey/sign/getsignkey', `${PHP}; ${AXIOS_SIGNLESS}`],
]

/**
 * APIv2 endpoints that take no `nonce_str`: the client adds none (one the caller gives is sent
 * and signed). wechatpay-php has the same switch per request (`nonceless`); these are axios's
 * list. The page endpoints and the APIv2 upload add none either (their documented fields have none:
 * see PAGES and V2_UPLOADS).
 */
export const NONCELESS_V2 = [
  'v2/cgi-bin/mch/customs/customdeclareorder',
  'v2/cgi-bin/mch/customs/customdeclarequery',
  'v2/cgi-bin/mch/newcustoms/customdeclareredeclare',
  'v2/papay/deletecontract',
  'v2/papay/h5entrustweb',
  'v2/papay/preentrustweb',
  'v2/papay/querycontract',
  'v2/papay/partner/h5entrustweb',
  'v2/papay/partner/preentrustweb',
  'v2/papay/partner/querycontract',
  'v2/pay/queryexchagerate',
  'v2/secapi/mch/addInstitutionsub',
  'v2/secapi/mch/addsubdevconfig',
  'v2/secapi/mch/channelsetting',
  'v2/secapi/mch/modifyInstitutionsub',
  'v2/secapi/mch/modifymchinfo',
  'v2/secapi/mch/queryInstitutionsub',
  'v2/secapi/mch/querysubdevconfig',
]
  .map((path) => [path, AXIOS_NONCELESS])
  .concat([
    [
      'v2/appauth/getaccesstoken',
      'the archived official page (wechatpay.im/openapi/v2/appauth/getaccesstoken) lists no nonce_str; axios sends one',
    ],
  ])

/**
 * APIv2 endpoints whose reply is JSON, unsigned (`retcode`, `retmsg`, …): a GET whose fields and
 * `sign` go in the query string. Source: axios lib/transformer.js (the `SIGNLESS[0]` branch of
 * `parse` and `verifier`); the archived official page (mirrored at
 * wechatpay.im/openapi/v2/appauth/getaccesstoken) lists the query fields, `sign_type` HMAC-SHA256,
 * and no `nonce_str`; the service was closed on 2021-11-10.
 */
export const JSON_V2 = [
  ['v2/appauth/getaccesstoken', `${AXIOS_SIGNLESS}; wechatpay.im/openapi/v2/appauth/getaccesstoken`],
]

/**
 * Upload `meta` per endpoint: which name field and digest field the SDK fills from the file, with
 * which algorithm; fixed fields; the name of the file part. The rest of `meta` is the caller's.
 * `SHA-256` and `SM3` digests are lower-case hex (what the official samples and the peers send).
 */
const SHA256_META = {
  name: 'filename',
  digest: 'sha256',
  algorithm: 'SHA-256',
  file: 'file',
  source: 'catalogue formData.meta; official 图片上传 pages (meta {filename, sha256})',
}
export const UPLOAD_META = [
  ['v3/merchant/media/upload', SHA256_META],
  ['v3/merchant/media/video_upload', SHA256_META],
  ['v3/merchant-service/images/upload', SHA256_META],
  ['v3/marketing/favor/media/image-upload', SHA256_META],
  ['v3/marketing/partner/product-coupon/media/upload-image', SHA256_META],
  ['v3/global/merchant-service/images/upload', SHA256_META],
  ['v3/global/merchant-storage/file/upload', SHA256_META],
  [
    'v3/marketing/bank/packages/{package_id}/tasks',
    { ...SHA256_META, source: `catalogue; ${AXIOS_META} FileMetaWithBankType` },
  ],
  [
    'v3/marketing/shopping-receipt/shoppingreceipts',
    {
      name: null,
      digest: 'sha256',
      algorithm: 'SHA-256',
      file: 'file',
      source: `catalogue; ${AXIOS_META} FileMetaWithTransaction`,
    },
  ],
  // The digest algorithm of `file_digest` is documented nowhere we could read: SHA-256, like every
  // other v3 upload, is what the peers' users send (wechatpay-go #221 reports the first endpoint).
  [
    'v3/ecommerce/account/cancel-applications/media',
    {
      name: 'file_name',
      digest: 'file_digest',
      algorithm: 'SHA-256',
      file: 'file',
      source: `catalogue; ${AXIOS_META} FileMetaSpecial; algorithm unconfirmed`,
    },
  ],
  [
    'v3/mch-manage/submission-files/sub-mchid/{sub_mchid}/upload',
    {
      name: 'file_name',
      digest: 'file_digest',
      algorithm: 'SHA-256',
      file: 'submission_file',
      source: 'catalogue (file part submission_file); algorithm unconfirmed',
    },
  ],
  [
    'v3/mch-operation-manage/enhanced-due-diligence/{due_diligence_id}/upload',
    {
      name: 'file_name',
      digest: 'file_digest',
      algorithm: 'SHA-256',
      file: 'due_diligence_file',
      source: 'catalogue (file part due_diligence_file); algorithm unconfirmed',
    },
  ],
  [
    'v3/new-tax-control-fapiao/fapiao-applications/upload-fapiao-file',
    {
      name: null,
      digest: 'digest',
      algorithm: 'SM3',
      fixed: { digest_alogrithm: 'SM3' },
      file: 'file',
      source: `catalogue (digest_alogrithm, sic); ${AXIOS_META} FileMetaWithFapiao; wechatpayv3 (Python) fapiao.py fapiao_upload_file`,
    },
  ],
  [
    'v3/taxi-invoice/cards/upload-file',
    {
      name: null,
      digest: 'digest',
      algorithm: 'SM3',
      fixed: { digest_algorithm: 'DIGEST_ALGORITHM_SM3' },
      file: 'file',
      source: `catalogue; ${AXIOS_META} FileMetaWithTaxiFapiao`,
    },
  ],
]

/**
 * The APIv2 multipart upload: text parts signed with the APIv2 key (the file is not), `media_hash`
 * the lower-case hex MD5 of the file, no `nonce_str`, mutual TLS. Sources: the official 图片上传
 * page (pay.weixin.qq.com/wiki/doc/api/wxpay/en/tool/chapter3_1.shtml: media "will not be used to
 * generate the signature", media_hash the MD5 of the media); wechatpay.im/openapi/v2/secapi/mch/uploadmedia
 * (wechatpay-php's sample signs `mch_id=…&media_hash=…&sign_type=…`, "注意小写").
 */
export const V2_UPLOADS = [
  [
    'v2/secapi/mch/uploadmedia',
    {
      hash: 'media_hash',
      file: 'media',
      source: 'official tool/chapter3_1; wechatpay.im/openapi/v2/secapi/mch/uploadmedia',
    },
  ],
]

/**
 * Statements signed over `{"sha1":"<Wechatpay-Statement-Sha1>"}` instead of the file; the file
 * (plain CSV, after gunzip) must have that SHA-1. `v3/statements` is `hk/v3/statements` reached
 * through the base `https://api.mch.weixin.qq.com/hk/` (the peers' tests): the runtime matches the
 * base URL's path joined with the call's path.
 */
export const STATEMENTS = [
  ['v3/global/statements', PHP_STATEMENTS],
  ['hk/v3/statements', PHP_STATEMENTS],
]

/**
 * Where each region downloads its platform certificates (`certificatesEndpoint`). Same reply and
 * sealing as `v3/certificates` (the catalogue's `aeadFields` on all three). The official
 * cross-border and HK pages were not read (unconfirmed beyond the catalogue and the peers).
 */
export const CERTIFICATE_ENDPOINTS = [
  ['v3/certificates', 'docs/protocol-2.md §3; catalogue'],
  ['v3/global/certificates', 'catalogue (altHosts apihk.mch.weixin.qq.com)'],
  ['hk/v3/certificates', 'catalogue; php CertificateDownloader (base URI …/hk/)'],
]
