// The acknowledgement replies, byte for byte as WeChat Pay's documentation writes them, and what
// a real HTTP exchange carries when a framework sends them as given.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { XMLParser } from 'fast-xml-parser'
import { describe, expect, test } from 'vitest'
import { WechatpayValidationError } from '../errors'
import { acknowledge } from './acknowledge'

describe('acknowledge', () => {
  test('success(): 204, no headers, empty body', () => {
    expect(acknowledge.success()).toEqual({ status: 204, headers: {}, body: '' })
  })

  test('failure(): 400 by default, the documented FAIL body, no reason', () => {
    const reply = acknowledge.failure()
    expect(reply.status).toBe(400)
    expect(reply.headers).toEqual({ 'content-type': 'application/json; charset=utf-8' })
    expect(reply.body).toBe('{"code":"FAIL","message":"失败"}')
    expect(JSON.parse(reply.body)).toEqual({ code: 'FAIL', message: '失败' })
  })

  test.each([401, 403, 422, 500, 503, 599])('failure(%i) keeps the status and the body', (status) => {
    expect(acknowledge.failure(status)).toMatchObject({ status, body: '{"code":"FAIL","message":"失败"}' })
  })

  test.each([200, 204, 302, 399, 600, 400.5, Number.NaN])('failure(%s) is refused', (status) => {
    expect(() => acknowledge.failure(status)).toThrow(WechatpayValidationError)
  })

  test('successV2() and failureV2(): the documented XML replies', () => {
    expect(acknowledge.successV2()).toEqual({
      status: 200,
      headers: { 'content-type': 'text/xml; charset=utf-8' },
      body: '<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>',
    })
    expect(acknowledge.failureV2()).toEqual({
      status: 200,
      headers: { 'content-type': 'text/xml; charset=utf-8' },
      body: '<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[FAIL]]></return_msg></xml>',
    })
    // An independent XML parser reads them as WeChat Pay would.
    const parser = new XMLParser()
    expect(parser.parse(acknowledge.successV2().body)).toEqual({
      xml: { return_code: 'SUCCESS', return_msg: 'OK' },
    })
  })

  test('every call returns a fresh object (a framework may mutate what it sends)', () => {
    const a = acknowledge.success()
    a.headers.x = 'y'
    expect(acknowledge.success().headers).toEqual({})
    expect(Object.isFrozen(acknowledge)).toBe(true)
  })

  test('sent as given by node:http, they arrive intact', async () => {
    const replies = [acknowledge.success(), acknowledge.failure(500), acknowledge.successV2()]
    let next = 0
    const server = createServer((_req, res) => {
      const reply = replies[next++]!
      res.writeHead(reply.status, reply.headers).end(reply.body)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
      for (const reply of replies) {
        const response = await fetch(url, { method: 'POST' })
        expect({ status: response.status, body: await response.text() }).toEqual({
          status: reply.status,
          body: reply.body,
        })
      }
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
