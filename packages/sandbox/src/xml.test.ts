import { describe, expect, it } from 'vitest'
import { buildV2Xml, parseV2Xml } from './xml'

describe('parseV2Xml', () => {
  it('keeps every value a string, byte for byte', () => {
    const fields = parseV2Xml(
      '<xml><out_trade_no>1217752501201407033233368018</out_trade_no><total_fee>001</total_fee>' +
        '<a><![CDATA[x<y & z]]></a><b>a &amp; b</b><c> padded </c><d></d></xml>',
    )
    expect(fields).toEqual({
      out_trade_no: '1217752501201407033233368018',
      total_fee: '001',
      a: 'x<y & z',
      b: 'a & b',
      c: ' padded ',
      d: '',
    })
  })

  it('accepts a declaration and whitespace between elements', () => {
    expect(parseV2Xml('<?xml version="1.0" encoding="UTF-8"?>\n<xml>\n  <a>1</a>\n</xml>\n')).toEqual({
      a: '1',
    })
  })

  it.each([
    ['malformed', '<xml><a>1</xml>'],
    ['not XML', 'mchid=1&sign=2'],
    ['empty', ''],
    ['JSON', '{"a":1}'],
    ['another root', '<root><a>1</a></root>'],
    ['two roots', '<xml><a>1</a></xml><xml/>'],
    ['nested', '<xml><a><b>1</b></a></xml>'],
    ['repeated', '<xml><a>1</a><a>2</a></xml>'],
    ['text in the root', '<xml>text<a>1</a></xml>'],
    ['a DOCTYPE', '<!DOCTYPE xml [<!ENTITY e "x">]><xml><a>&e;</a></xml>'],
    ['an ENTITY alone', '<xml><!ENTITY e SYSTEM "file:///etc/passwd"><a>1</a></xml>'],
  ])('refuses %s', (_, text) => {
    expect(parseV2Xml(text)).toBeUndefined()
  })
})

describe('buildV2Xml', () => {
  it('wraps every value in CDATA and round-trips', () => {
    const xml = buildV2Xml({ return_code: 'SUCCESS', odd: 'a]]>b<c>' })
    expect(xml).toBe(
      '<xml><return_code><![CDATA[SUCCESS]]></return_code><odd><![CDATA[a]]]]><![CDATA[>b<c>]]></odd></xml>',
    )
    expect(parseV2Xml(xml)).toEqual({ return_code: 'SUCCESS', odd: 'a]]>b<c>' })
  })
})
