// Type tests: the catalogue's encrypted request fields take a sensitive() marker, other fields do not.
import { describe, expectTypeOf, test } from 'vitest'
import type { Wechatpay } from '../client'
import type { Sensitive } from './sensitive'

declare const wxpay: Wechatpay
declare const marker: Sensitive
const json = { appid: 'wx', type: 'PERSONAL_OPENID', account: 'o', relation_type: 'USER' } as const

describe('sensitive() in typed calls', () => {
  test('an encrypted field takes a marker or a string, in all three styles', () => {
    expectTypeOf(wxpay.sensitive('张三')).toEqualTypeOf<Sensitive>()
    void wxpay.v3.profitsharing.receivers.add.post({ json: { ...json, name: marker } })
    void wxpay.chain('v3/profitsharing/receivers/add').post({ json: { ...json, name: 'ciphertext' } })
    void wxpay['v3/profitsharing/receivers/add'].post({ json: { ...json, name: marker } })
  })
  test('a field that is not encrypted refuses a marker', () => {
    // @ts-expect-error account is sent as it is: a marker there would be a mistake
    void wxpay.v3.profitsharing.receivers.add.post({ json: { ...json, account: marker, name: marker } })
    // @ts-expect-error the encrypted field is a string, not a number
    void wxpay['v3/profitsharing/receivers/add'].post({ json: { ...json, name: 1 } })
  })
})
