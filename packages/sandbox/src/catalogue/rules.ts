// The per-endpoint behaviour of WeChat Pay that the catalogue does not carry, as the sandbox plays
// it. Wire paths (v2 without the `v2` prefix).

/**
 * APIv2 endpoints whose replies carry no `sign`, even on SUCCESS. Sources: wechatpay-php 1.4.12
 * `src/ClientXmlTrait.php` `$noneSignatureRespond`; wechatpay-axios-plugin 0.9.6
 * `lib/transformer.js` `SIGNLESS` (the union of both; the bank transfers are listed by php under
 * /mmpaymkttransfers/, a path the catalogue lacks). Reports: WxJava #140, essensoft/paylinks #70.
 */
export const UNSIGNED_V2_REPLIES: ReadonlySet<string> = new Set([
  '/appauth/getaccesstoken',
  '/mchrisk/querymchrisk',
  '/mchrisk/setmchriskcallback',
  '/mchrisk/syncmchriskresult',
  '/mmpaymkttransfers/gethbinfo',
  '/mmpaymkttransfers/gettransferinfo',
  '/mmpaymkttransfers/promotion/paywwsptrans2pocket',
  '/mmpaymkttransfers/promotion/querywwsptrans2pocket',
  '/mmpaymkttransfers/promotion/transfers',
  '/mmpaymkttransfers/sendgroupredpack',
  '/mmpaymkttransfers/sendminiprogramhb',
  '/mmpaymkttransfers/sendredpack',
  '/mmpaysptrans/pay_bank',
  '/mmpaysptrans/query_bank',
  '/papay/entrustweb',
  '/papay/h5entrustweb',
  '/papay/partner/entrustweb',
  '/papay/partner/h5entrustweb',
  '/pay/downloadbill',
  '/pay/downloadfundflow',
  '/payitil/report',
  '/risk/getpublickey',
  '/risk/getviolation',
  '/secapi/mch/submchmanage',
  '/xdc/apiv2getsignkey/sign/getsignkey',
])

/**
 * The APIv2 endpoint that answers JSON (`retcode`, `retmsg`, …), unsigned: wechatpay-axios-plugin
 * `lib/transformer.js` parses it as JSON.
 */
export const JSON_V2_REPLIES: ReadonlySet<string> = new Set(['/appauth/getaccesstoken'])

/** How an upload's `meta` names the file's digest: the field, its algorithm, and a field naming that algorithm. */
export interface UploadDigest {
  field: string
  /** `sha256` (lower-case hex), `sm3` (hex), or either (`file_digest`: the algorithm is to confirm). */
  algorithm: 'sha256' | 'sm3' | 'sha256|sm3'
  /** A meta field that must name the algorithm, and its value. */
  names?: [field: string, value: string]
}

const SHA256: UploadDigest = { field: 'sha256', algorithm: 'sha256' }
const FILE_DIGEST: UploadDigest = { field: 'file_digest', algorithm: 'sha256|sm3' }

/**
 * The digest each upload endpoint's `meta` carries (catalogue `formData.meta`; wechatpay-axios-plugin
 * `index.d.ts` `Multipart.FileMetaWithFapiao`, `FileMetaWithTaxiFapiao`, `FileMetaSpecial`;
 * wechatpayv3 (Python) `fapiao.py` `fapiao_upload_file` for SM3). Keyed by path template.
 */
export const UPLOAD_DIGESTS: Readonly<Record<string, UploadDigest>> = {
  'v3/merchant/media/upload': SHA256,
  'v3/merchant/media/video_upload': SHA256,
  'v3/merchant-service/images/upload': SHA256,
  'v3/marketing/favor/media/image-upload': SHA256,
  'v3/marketing/partner/product-coupon/media/upload-image': SHA256,
  'v3/global/merchant-service/images/upload': SHA256,
  'v3/global/merchant-storage/file/upload': SHA256,
  'v3/marketing/bank/packages/{package_id}/tasks': SHA256,
  'v3/marketing/shopping-receipt/shoppingreceipts': SHA256,
  'v3/ecommerce/account/cancel-applications/media': FILE_DIGEST,
  'v3/mch-manage/submission-files/sub-mchid/{sub_mchid}/upload': FILE_DIGEST,
  'v3/mch-operation-manage/enhanced-due-diligence/{due_diligence_id}/upload': FILE_DIGEST,
  // `digest_alogrithm` (sic) is the API's own spelling
  'v3/new-tax-control-fapiao/fapiao-applications/upload-fapiao-file': {
    field: 'digest',
    algorithm: 'sm3',
    names: ['digest_alogrithm', 'SM3'],
  },
  'v3/taxi-invoice/cards/upload-file': {
    field: 'digest',
    algorithm: 'sm3',
    names: ['digest_algorithm', 'DIGEST_ALGORITHM_SM3'],
  },
}
