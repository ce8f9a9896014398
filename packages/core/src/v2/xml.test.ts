// APIv2 XML: exact bytes out, every value back as the same string, and the attack surface closed.
import { describe, expect, test } from 'vitest'
import { buildXml, parseXml, XmlError } from './xml'

function refused(text: string): XmlError {
  let error: unknown
  try {
    parseXml(text)
  } catch (err) {
    error = err
  }
  expect(error).toBeInstanceOf(XmlError)
  return error as XmlError
}

describe('buildXml writes exact bytes', () => {
  test('root <xml>, one element per field in order, every value in CDATA', () => {
    expect(buildXml({ appid: 'wxd930ea5d5a258f4f', mch_id: '10000100', body: 'test' })).toBe(
      '<xml><appid><![CDATA[wxd930ea5d5a258f4f]]></appid><mch_id><![CDATA[10000100]]></mch_id><body><![CDATA[test]]></body></xml>',
    )
  })

  test('an empty value is an empty element', () => {
    expect(buildXml({ attach: '' })).toBe('<xml><attach><![CDATA[]]></attach></xml>')
  })

  test('`]]>` inside a value is split across two CDATA sections', () => {
    expect(buildXml({ v: 'a]]>b' })).toBe('<xml><v><![CDATA[a]]]]><![CDATA[>b]]></v></xml>')
  })

  test('markup characters stay raw inside CDATA', () => {
    expect(buildXml({ v: '<a href="x">&amp;</a>' })).toBe(
      '<xml><v><![CDATA[<a href="x">&amp;</a>]]></v></xml>',
    )
  })

  test('a field named __proto__ (an own property, as JSON.parse makes it) is written, not dropped', () => {
    expect(buildXml(JSON.parse('{"__proto__":"x","a":"1"}'))).toBe(
      '<xml><__proto__><![CDATA[x]]></__proto__><a><![CDATA[1]]></a></xml>',
    )
  })

  test('no field → an empty root', () => {
    expect(parseXml(buildXml({}))).toEqual({})
  })
})

describe('buildXml → parseXml round-trips every value byte for byte, as a string', () => {
  const values: Array<[string, string]> = [
    ['28-digit out_trade_no', '1217752501201407033233368018'],
    ['leading zeros', '000123'],
    ['number-like', '1e5'],
    ['hex-like', '0x1F'],
    ['boolean-like', 'true'],
    ['negative decimal', '-0.50'],
    ['surrounding whitespace', '  a  '],
    ['inner whitespace, tabs and newlines', 'a \t b\n c\n\n d'],
    ['only spaces', '   '],
    ['`]]>`', 'a]]>b'],
    ['only `]]>`', ']]>'],
    ['two `]]>`', 'x]]>]]>y'],
    ['`]]` and `>` apart', 'a]] >b]'],
    ['`<`', 'a<b'],
    ['`&`', 'a&b&amp;'],
    ['a fake tag', '<xml><sign>forged</sign></xml>'],
    ['a CDATA opener', '<![CDATA[x'],
    ['quotes', `"it's"`],
    ['Chinese text', '腾讯充值中心-QQ会员充值'],
    ['emoji', '😀 ok'],
    ['empty', ''],
  ]

  test.each(values)('%s', (_, value) => {
    const parsed = parseXml(buildXml({ out_trade_no: '1', field: value }))
    expect(parsed.field).toBe(value)
    expect(typeof parsed.field).toBe('string')
    expect(Object.keys(parsed)).toEqual(['out_trade_no', 'field'])
  })

  test('all of them at once', () => {
    const fields = Object.fromEntries(values.map(([, value], i) => [`f${i}`, value]))
    const parsed = parseXml(buildXml(fields))
    expect({ ...parsed }).toEqual(fields)
    for (const value of Object.values(parsed)) expect(typeof value).toBe('string')
  })
})

describe('parseXml keeps values as strings without CDATA too', () => {
  test('numbers and booleans are not converted', () => {
    const parsed = parseXml(
      '<xml><out_trade_no>1217752501201407033233368018</out_trade_no><total_fee>001</total_fee><is_subscribe>true</is_subscribe><rate>6.50</rate><big>12345678901234567890123456789</big></xml>',
    )
    expect({ ...parsed }).toEqual({
      out_trade_no: '1217752501201407033233368018',
      total_fee: '001',
      is_subscribe: 'true',
      rate: '6.50',
      big: '12345678901234567890123456789',
    })
  })

  test('whitespace inside a value is kept', () => {
    expect(parseXml('<xml><a>  x  y  </a><b><![CDATA[ z ]]></b></xml>')).toEqual({ a: '  x  y  ', b: ' z ' })
  })

  test('the five XML entities are decoded', () => {
    expect(parseXml('<xml><a>&lt;b&gt; &amp; &quot;q&quot; &apos;</a></xml>').a).toBe(`<b> & "q" '`)
  })

  test('an undeclared entity is not expanded into anything', () => {
    expect(parseXml('<xml><a>&xxe;</a></xml>').a).toBe('&xxe;')
  })

  test('an empty element is an empty string', () => {
    expect(parseXml('<xml><a></a><b/></xml>')).toEqual({ a: '', b: '' })
  })

  test('CR LF inside a value reads as LF, as XML 1.0 §2.11 requires of every parser (the gateway too)', () => {
    expect(parseXml('<xml><a><![CDATA[x\r\ny]]></a><b>x\r\ny</b></xml>')).toEqual({ a: 'x\ny', b: 'x\ny' })
  })

  test('an XML declaration is accepted', () => {
    expect(parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<xml><a>1</a></xml>')).toEqual({ a: '1' })
  })

  test('the result has no prototype: a field cannot shadow Object.prototype members', () => {
    const parsed = parseXml('<xml><a>1</a></xml>')
    expect(Object.getPrototypeOf(parsed)).toBeNull()
  })
})

describe('a realistic WeChat Pay reply', () => {
  // The closeorder sample reply from the official documentation: newlines and indentation between elements.
  const reply = `<xml>
   <return_code><![CDATA[SUCCESS]]></return_code>
   <return_msg><![CDATA[OK]]></return_msg>
   <appid><![CDATA[wx2421b1c4370ec43b]]></appid>
   <mch_id><![CDATA[10000100]]></mch_id>
   <nonce_str><![CDATA[BFK89FC6rxKCOjLX]]></nonce_str>
   <sign><![CDATA[72B321D92A7BFA0B2509F3D13C7B1631]]></sign>
   <result_code><![CDATA[SUCCESS]]></result_code>
   <result_msg><![CDATA[OK]]></result_msg>
</xml>`

  test('parses to exactly its fields, no text nodes', () => {
    expect({ ...parseXml(reply) }).toEqual({
      return_code: 'SUCCESS',
      return_msg: 'OK',
      appid: 'wx2421b1c4370ec43b',
      mch_id: '10000100',
      nonce_str: 'BFK89FC6rxKCOjLX',
      sign: '72B321D92A7BFA0B2509F3D13C7B1631',
      result_code: 'SUCCESS',
      result_msg: 'OK',
    })
  })

  test('CRLF line endings and tabs between elements', () => {
    const crlf = reply.replace(/\n/g, '\r\n').replace(/ {3}/g, '\t')
    expect(parseXml(crlf).sign).toBe('72B321D92A7BFA0B2509F3D13C7B1631')
  })

  test('a FAIL reply with Chinese return_msg', () => {
    expect(
      parseXml(
        '<xml><return_code><![CDATA[FAIL]]></return_code>\n<return_msg><![CDATA[签名错误]]></return_msg>\n</xml>',
      ),
    ).toEqual({ return_code: 'FAIL', return_msg: '签名错误' })
  })
})

describe('refused with XmlError', () => {
  const attacks: Array<[string, string]> = [
    ['DOCTYPE', '<!DOCTYPE xml><xml><a>1</a></xml>'],
    ['lowercase doctype', '<!doctype xml><xml><a>1</a></xml>'],
    ['DOCTYPE after the declaration', '<?xml version="1.0"?>\n<!DOCTYPE xml><xml><a>1</a></xml>'],
    ['internal ENTITY', '<!DOCTYPE xml [<!ENTITY x "expanded">]><xml><a>&x;</a></xml>'],
    [
      'external entity (XXE)',
      '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><a>&xxe;</a></xml>',
    ],
    [
      'parameter entity',
      '<!DOCTYPE xml [<!ENTITY % p SYSTEM "http://127.0.0.1:1/evil.dtd"> %p;]><xml><a>1</a></xml>',
    ],
    [
      'billion laughs',
      `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from(
        { length: 9 },
        (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`,
      ).join('')}]><xml><a>&lol9;</a></xml>`,
    ],
    ['a bare ENTITY declaration', '<xml><!ENTITY x "y"><a>&x;</a></xml>'],
    ['nested elements', '<xml><a><b>1</b></a></xml>'],
    ['mixed content', '<xml><a>x<b>1</b></a></xml>'],
    ['repeated field', '<xml><a>1</a><a>2</a></xml>'],
    ['repeated sign (a second sign cannot win)', '<xml><sign>A</sign><b>1</b><sign>B</sign></xml>'],
    ['text directly inside <xml>', '<xml>junk<a>1</a></xml>'],
    ['another root', '<root><a>1</a></root>'],
    ['two roots', '<xml><a>1</a></xml><xml><a>2</a></xml>'],
    ['mismatched tags', '<xml><a>1</b></xml>'],
    ['unclosed root', '<xml><a>1</a>'],
    ['not XML', 'return_code=SUCCESS'],
    ['JSON', '{"return_code":"SUCCESS"}'],
    ['empty input', ''],
    ['a __proto__ field', '<xml><__proto__>x</__proto__></xml>'],
  ]

  test.each(attacks)('%s', (_, text) => {
    refused(text)
    expect(({} as Record<string, unknown>).x).toBeUndefined()
  })

  test('the billion-laughs document really is one (sanity check of the fixture)', () => {
    const text = attacks.find(([name]) => name === 'billion laughs')![1]
    expect(text.match(/<!ENTITY/g)).toHaveLength(10)
    expect(text).toContain('<!ENTITY lol9 "&lol8;&lol8;')
  })

  // How fast is for the benchmarks; here: refused with the typed error, no stack overflow.
  test('10,000-deep nesting is refused without a crash', () => {
    refused(`<xml>${'<a>'.repeat(10_000)}x${'</a>'.repeat(10_000)}</xml>`)
  })

  test('100,000-deep unclosed nesting is refused too', () => {
    refused(`<xml>${'<a>'.repeat(100_000)}`)
  })
})
