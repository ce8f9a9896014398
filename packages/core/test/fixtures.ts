// The merchant ids and replies the core's tests share. Keys are generated once per run (keys.ts,
// global-setup.ts), never stored.
export const mchid = '1900000109'
export const appid = 'wxd930ea5d5a258f4f'
export const merchantSerial = '3775B6A45ACD588826D15E583A95F5DD00000001'
export const platformSerial = 'PUB_KEY_ID_0119000001092026112200000000000001'
/** An APIv2 key of the right length; secrets.test.ts uses its own, to scan for it. */
export const secret = 'Z8fH2kP4sQ9wX1cV7bN3mL6jT0rY5uE2'
export const sub_mchid = '1900001121'

/** A v2 close-order reply refused with result_code FAIL, `ORDERPAID` (unsigned: see signedV2Xml). */
export const v2OrderPaidReply = {
  return_code: 'SUCCESS',
  appid,
  mch_id: mchid,
  nonce_str: 'n',
  result_code: 'FAIL',
  err_code: 'ORDERPAID',
  err_code_des: 'order paid',
}

/** Valid options of a client with the run's generated keys (no baseUrl: the default host). */
export function clientOptions(keys: { merchantKey: string; platformPublicKey: string }) {
  return {
    mchid,
    serial: merchantSerial,
    privateKey: keys.merchantKey,
    certs: { [platformSerial]: keys.platformPublicKey } as Record<string, string>,
    secret,
  }
}
