import { createHash, generateKeyPairSync } from 'node:crypto'

/** Credentials shared by the reply server and every client of a run (generated per run). */
export interface Fixtures {
  mchid: string
  appid: string
  serial: string
  privateKey: string
  merchantPublicKey: string
  platformSerial: string
  platformPrivateKey: string
  platformPublicKey: string
  secret: string
}

export function makeFixtures(): Fixtures {
  const pair = () =>
    generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    })
  const merchant = pair()
  const platform = pair()
  return {
    mchid: '1900000109',
    appid: 'wxd930ea5d5a258f4f',
    serial: createHash('sha1').update(merchant.publicKey).digest('hex').toUpperCase(),
    privateKey: merchant.privateKey,
    merchantPublicKey: merchant.publicKey,
    platformSerial: 'PUB_KEY_ID_0119000001092026112200000000000001',
    platformPrivateKey: platform.privateKey,
    platformPublicKey: platform.publicKey,
    secret: 'Z8fH2kP4sQ9wX1cV7bN3mL6jT0rY5uE2',
  }
}

export const OUT_TRADE_NO = 'BENCH1217752501201407033233368018'.slice(0, 32)
