// Fixed vectors for tests: data, not code. Each names where it comes from.

/**
 * WeChat Pay's published test private key (PKCS#8): the sample key of the APIv3 signing guide, as
 * peer SDKs' test suites reproduce it (modulus 00a6da66fa…). It is public on purpose and is no
 * merchant's key; it reproduces the official JSAPI/APP payment-parameter signatures.
 */
export const OFFICIAL_TEST_PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----
MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQCm2mb6q8gMKH/3
CNTbpJAIrbqiBiQGEOtjGcBrDYltsGynWgNscqT7WvfzU14FQbYcQUC5T4Wvva7m
i3fIp3OgX8VqMDNA0qebnr38Pe6kqiLyZgFpJPXlSKDyPyqhRbVTbXssvSMQeVKc
dXeVxoNNeoOlNFHgF/P0io6AmAVnz+hN8SiZKuOsth5/zUTLGvtkgxBcQooQrtXh
RcpLT798OyIb9xeJ2HO3xRtMv2+perEzb4gMibI74UBz+2QEbnkubPE+2jU2rRZu
dnNEz/BPOt3Qj/w2V6/G0VumGDh6+UeMU0jv4aupHztWITC4Akn0l7lBCNy3lgl8
VFaJnkIxAgMBAAECggEAYGL8aESB7NwciDWW2UdoWUsa7GxFtSdjAz2mFXGdeTsY
mVh7b9OOkRGM+Qio4LqEHDBp1mMk5E/cUJwy1zw8pGGO5nfvs7u9TT3XnHaefIs4
YvUgTYAneIuLRkXNN5rQU+CD7mVYczTSz0Vgjqo9wa1LjUz7G0xbBmJgTdMEFGJs
eJjy6AbJo0CGIwp6HJbTm4CmOUgXnnDAIbEGTIRImkZFH/rzneIeR7oZ77FVwxr1
CZB2gfRCov/yRPbw8vnryYkmvQ7D/ze3j5097vRg/MoDGBSdoOwcmo75vyofr0AS
zytMjmHYyifqkf5slPropSiJeGf4p/7gtKyF6dE/XQKBgQDVAlJ+4U5ZVGOuDc3+
sAhz8CTzgFNlq9vKuSoFK6hOz2L+cwj+E7NXGkOe2DsHHZNy2Xqxk7caKhPEp1z9
hhpMpyLVMoFt6CKemyoRBWDCQwLLwem9SZF/IAyovBkLiH36P42Jm26gUkNMKC/5
Zhtqxf6RZgRQzbVudJi47vIRCwKBgQDIh0+v27Oo+DM3fhObH4I1NrXpWOEGH7OQ
G1dEsMuFYF4hjGhg0kBEP3w9vVdl2+mRllZKTsx9oqjb8OibPLLIH8xsdbAB0WLf
JvjLu4wl/ILUzN1RI03dWnnv2EnEeQn6c3hizvrJ9wR5U4ue9RPVnQooJ0hZF1PU
uCL5fWK3MwKBgElReU/PAYbh80WP3t3Rfbdaa32dKBeQ5iCLR5lsA4zM+YgX1HqQ
EWTj126vgvHaDkyz6vWAoL/Sx+cirHFfXWIRDX5Q2hgYlQH+6qXdMgbrxeSYpHnQ
/tHBGFpkFELSAnrGsVMyOwvYBO4LzyeLK9i+ufcWJFoj1FVmsMLHDG8tAoGARdbi
iQQCoYG4DMarO2aQ6cmhN6EN1h0qY7EyBqlwaIZ0okiNfdMcMOjPc41DKCWcRmlO
qlihXcxN9TQFPzO3rH1urAOdBjUPs1qWYhZyrDQyuLyVBBJApyxAtajloDjrob+f
mQIvVDHk7ACN6xG+E7K6+9salnTKbJapD618uQMCgYBNy6XUvzLkP/A1U/UZdtcx
l8GwU/dturLxz4CyGbqDw4ubaYY2e13lnqHUqQgPtiSyH51nq3tdo8G0YAJdfkSv
KvnfslW91fyEBUKnkdW1o3/1UFU/wprZ7ixVL/F42A4xDu7OFE8EnweJOZ0jWceE
OdhCkaIGBCfRnlECRK8UyQ==
-----END PRIVATE KEY-----
`

/**
 * A complete APIv3 notification (a paid JSAPI transaction), computed independently with Node and
 * OpenSSL from the official test key above and the 32-byte APIv3 key of wechatpay-java's
 * AeadAesCipherTest. Deterministic: fixed nonces and timestamp.
 */
export const NOTIFICATION_VECTOR = {
  apiv3Key: 'a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb',
  id: 'EV-2018022511223320873',
  create_time: '2015-05-20T13:29:35+08:00',
  event_type: 'TRANSACTION.SUCCESS',
  summary: '支付成功',
  original_type: 'transaction',
  /** The resource's GCM nonce; the AAD is `original_type`. */
  nonce: 'fK3pQ9sZ2mXw',
  associatedData: 'transaction',
  plaintext:
    '{"mchid":"1900000100","appid":"wxd678efh567hg6787","out_trade_no":"1217752501201407033233368018","transaction_id":"1217752501201407033233368018","trade_type":"JSAPI","trade_state":"SUCCESS","trade_state_desc":"支付成功","bank_type":"CMC","attach":"","success_time":"2018-06-08T10:34:56+08:00","payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},"amount":{"total":100,"payer_total":100,"currency":"CNY","payer_currency":"CNY"}}',
  ciphertext:
    '2wZVhAyO0hq6OYSoHc3m5xutZzC1TpBDAlj7gktP2HnWv368aaTK8t7rSEVLG20+ncyvB27CQgarUFnTsXAWb+kwiqchtWUZVuLeVCZsQsz703fCUU+77qrdhe//hGM8XhARNIznEOJYTyv1humKJ8eiOtpn4DKNKKboW9DiwoMRFX7MvZg0G1cpDQoW70rbxpxX7ey6txYQxxVhkTTX6wUDT+v+wF3N3M7TIqbuYap/J3fJz51qF/4v6ntNp5rYHVOE9cFhgsHFPh++abivGcteSHOxeUxsZs4P4wYRf5Rc6j2760cQvkdF44H8f3IXC5xN/3X3Rn/06J6g22kiwQiVgsSY4vzSt3Lk9Fwi7Du9DtxnXI5SrN+wMpBcGjS6pm9r8R8TIlGClBcbr9G+kzOtVxMo5b5hFJgstPFqf+VUwi7SNM/XkskJE0DDeqU754x5GZpV0gWDQ3EzOM7gMcP3uC22nyRMXg7v6yLWsrnkE56MqNxtz2S2WXM9URYNt0UFLlLZpfZBZUI99VbHiHdXNJTrcuYuxrgevfRWsAb2QMDFVzD6SIlK9LtXQ1Auwg9NlA0Dt87YjsL4',
  timestamp: 1554208460,
  /** `Wechatpay-Nonce`. */
  signatureNonce: '593BEC0C930BF1AFEB40B4A08C8FB242',
  signature:
    'c7Um1BAtHjMHOLjQjetAmQTXV5aQBuq6Yx7r2gx7pCiy1mQZ237nAduELfownzLIWL4+IntU1pYS2OD6k2iBC8c/dCDVXtE+JlSW0+YQTbd4MszQtl354/zfN5hkMY9alwd7AwZbrZ0/cbhJltn3NmsJTIc+KPkg9ErVDyfs1oJPID+euvs1FPwQIa7ZST9pFGVbM9iQANWTcVHp4RA/ESB7BMQgH1sntTO+cEG4wd1tHvNGof7/HDj5IR0ZJDBVLMXx/Wh1vp5mL5O0B/K0RkMHuclQbKR6zoO0RfWqaGl5YDAsEP14d2pKsUdLvO787TOxdUr7HbenNAPDiqMS3g==',
} as const
