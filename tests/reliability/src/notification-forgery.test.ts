// The notification forgery and tampering matrix in CI: every case, with the headers as a plain
// object, as a Headers and as a real node:http request's IncomingHttpHeaders, reaches exactly its
// expected outcome; no forged or tampered notification is accepted.
import { testCredentials } from '@wxpay/sandbox/testing'
import { describe, expect, test } from 'vitest'
import {
  HEADER_FORMS,
  notificationCases,
  parserFor,
  runNotificationCase,
  startReceiver,
  tallyNotifications,
} from './notification-forgery'
import { serverForFile } from './suite'

const c = testCredentials()
const cases = notificationCases()
const wxpay = parserFor(c)
const receiver = serverForFile(() => startReceiver(wxpay))

describe.each(HEADER_FORMS)('headers as %s', (form) => {
  test.each(cases.map((kase) => [`${kase.group}: ${kase.name}`, kase] as const))('%s', async (_, kase) => {
    const result = await runNotificationCase(wxpay, receiver(), c, kase, form)
    expect(result.actual).toEqual(kase.expected)
    if (form === 'node:http') expect(result.status).toBe(kase.expected.outcome === 'accepted' ? 204 : 401)
  })
})

test('the matrix has every case the issue lists, and the tally counts a wrong acceptance', () => {
  const names = cases.map((k) => `${k.group}: ${k.name}`)
  for (const header of ['Timestamp', 'Nonce', 'Signature', 'Serial'])
    for (const how of ['missing', 'twice', 'empty'])
      expect(names).toContain(`headers: Wechatpay-${header} ${how}`)
  for (const edge of ['299 s ago', '299 s ahead', '300 s ago', '300 s ahead', '301 s ago', '301 s ahead'])
    expect(names).toContain(`window: timestamp ${edge}`)
  expect(cases.filter((k) => k.expected.outcome === 'accepted')).toHaveLength(6)
  expect(cases.length).toBeGreaterThanOrEqual(50)
  // the tally is what the report prints: a forged case that was accepted must show as such
  const forged = cases.find((k) => k.name === 'a flipped ciphertext bit')!
  const t = tallyNotifications([{ kase: forged, form: 'object', actual: { outcome: 'accepted' } }])
  expect(t.wronglyAccepted).toBe(1)
  expect(t.byForm.get('object')?.wronglyAccepted).toBe(1)
})
