// SM3, the Chinese national hash (GB/T 32905-2016; also ISO/IEC 10118-3:2018 and
// draft-sca-cfrg-sm3): a Merkle–Damgård hash with 512-bit blocks and a 256-bit state. Pure
// TypeScript because Web Crypto has no SM3 and the fapiao uploads need one on every runtime.
// Vectors: docs/protocol-3.md, "SM3".

const IV = new Uint32Array([
  0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e,
])

const rotl = (x: number, n: number): number => ((x << (n & 31)) | (x >>> ((32 - n) & 31))) >>> 0
const p0 = (x: number): number => (x ^ rotl(x, 9) ^ rotl(x, 17)) >>> 0
const p1 = (x: number): number => (x ^ rotl(x, 15) ^ rotl(x, 23)) >>> 0

/** T_j rotated left by j (mod 32), for every round: the standard's constants, precomputed. */
const T = new Uint32Array(64)
for (let j = 0; j < 64; j++) T[j] = rotl(j < 16 ? 0x79cc4519 : 0x7a879d8a, j % 32)

const W = new Uint32Array(68)
const W1 = new Uint32Array(64)

/** The compression function CF over one 64-byte block at `offset`. */
function compress(v: Uint32Array, block: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const o = offset + i * 4
    W[i] = ((block[o]! << 24) | (block[o + 1]! << 16) | (block[o + 2]! << 8) | block[o + 3]!) >>> 0
  }
  for (let i = 16; i < 68; i++)
    W[i] = (p1(W[i - 16]! ^ W[i - 9]! ^ rotl(W[i - 3]!, 15)) ^ rotl(W[i - 13]!, 7) ^ W[i - 6]!) >>> 0
  for (let i = 0; i < 64; i++) W1[i] = (W[i]! ^ W[i + 4]!) >>> 0
  let a = v[0]!
  let b = v[1]!
  let c = v[2]!
  let d = v[3]!
  let e = v[4]!
  let f = v[5]!
  let g = v[6]!
  let h = v[7]!
  for (let j = 0; j < 64; j++) {
    const a12 = rotl(a, 12)
    const ss1 = rotl((a12 + e + T[j]!) >>> 0, 7)
    const ss2 = (ss1 ^ a12) >>> 0
    const ff = j < 16 ? a ^ b ^ c : (a & b) | (a & c) | (b & c)
    const gg = j < 16 ? e ^ f ^ g : (e & f) | (~e & g)
    const tt1 = (ff + d + ss2 + W1[j]!) >>> 0
    const tt2 = (gg + h + ss1 + W[j]!) >>> 0
    d = c
    c = rotl(b, 9)
    b = a
    a = tt1
    h = g
    g = rotl(f, 19)
    f = e
    e = p0(tt2)
  }
  v[0]! ^= a
  v[1]! ^= b
  v[2]! ^= c
  v[3]! ^= d
  v[4]! ^= e
  v[5]! ^= f
  v[6]! ^= g
  v[7]! ^= h
}

/**
 * The SM3 digest (32 bytes) of `message`.
 * @example
 * ```ts
 * sm3(new TextEncoder().encode('abc')) // 66c7f0f4 62eeedd9 … 8f4ba8e0
 * ```
 */
export function sm3(message: Uint8Array): Uint8Array {
  const v = new Uint32Array(IV)
  const whole = message.length - (message.length % 64)
  for (let offset = 0; offset < whole; offset += 64) compress(v, message, offset)
  // Padding: 0x80, zeros, then the length in bits as a 64-bit big-endian integer.
  const rest = message.length - whole
  const tail = new Uint8Array(rest < 56 ? 64 : 128)
  tail.set(message.subarray(whole))
  tail[rest] = 0x80
  const bits = message.length * 8
  const view = new DataView(tail.buffer)
  view.setUint32(tail.length - 8, Math.floor(bits / 0x100000000))
  view.setUint32(tail.length - 4, bits >>> 0)
  for (let offset = 0; offset < tail.length; offset += 64) compress(v, tail, offset)
  const out = new Uint8Array(32)
  const outView = new DataView(out.buffer)
  for (let i = 0; i < 8; i++) outView.setUint32(i * 4, v[i]!)
  return out
}
