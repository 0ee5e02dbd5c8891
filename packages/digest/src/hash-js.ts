import type { HashName } from './hash-name.js';

// The default hashes, for browsers and workers: MD5 (RFC 1321) and SHA-256,
// SHA-512, SHA-512/256 (FIPS 180-4) in plain JavaScript, small enough that
// all four weigh less than one of the general-purpose libraries' SHA-2 files.
// Digest hashes inputs of a few hundred octets, so these favour size over
// streaming: a message is padded into one array of 32-bit words and
// compressed block by block. The `node`, `deno` and `bun` builds use
// node:crypto instead (hash-node.ts), and fall back to these. The tests check
// both against node:crypto on random inputs of every length around the block
// boundaries, and against the FIPS 180-4 / RFC 1321 examples.

const utf8 = new TextEncoder();
const TWO_32 = 2 ** 32;

let words = new Int32Array(64);

/**
 * `data` (a string as UTF-8) padded as RFC 1321 §3.1-3.2 and FIPS 180-4
 * §5.1 say: a 1 bit, zeros, then the length in bits in the last 64 bits of a
 * 64-octet block (MD5, SHA-256) or the last 128 bits of a 128-octet block
 * (SHA-512), as 32-bit words in `words`. Returns how many words are used.
 */
function pad(data: string | Uint8Array, bigEndian: boolean, blockOctets: 64 | 128): number {
  const length = data.length;
  const count = (Math.ceil((length + 1 + blockOctets / 8) / blockOctets) * blockOctets) >> 2;
  if (words.length < count) words = new Int32Array(count * 2);
  const w = words;
  w.fill(0, 0, count);
  // Octet i goes into word i >> 2, high octet first (SHA) or low octet first (MD5).
  const first = bigEndian ? 24 : 0;
  const step = bigEndian ? -8 : 8;
  if (typeof data === 'string') {
    for (let i = 0; i < length; i++) {
      const code = data.charCodeAt(i);
      // Not ASCII: start again from its UTF-8 octets.
      if (code > 0x7f) return pad(utf8.encode(data), bigEndian, blockOctets);
      w[i >> 2] = (w[i >> 2] as number) | (code << (first + step * (i & 3)));
    }
  } else {
    for (let i = 0; i < length; i++)
      w[i >> 2] = (w[i >> 2] as number) | ((data[i] as number) << (first + step * (i & 3)));
  }
  w[length >> 2] = (w[length >> 2] as number) | (0x80 << (first + step * (length & 3)));
  w[count - (bigEndian ? 1 : 2)] = length * 8;
  w[count - (bigEndian ? 2 : 1)] = Math.floor(length / 2 ** 29);
  return count;
}

const HEX = Array.from({ length: 256 }, (_, i) => (i + 256).toString(16).slice(1));

/** The hex of the given 32-bit words, each word's octets high first (SHA) or low first (MD5). */
function hexOf(state: ArrayLike<number>, count: number, littleEndian: boolean): string {
  // A table lookup per octet is about twice as fast as toString(16) per word.
  let out = '';
  for (let i = 0; i < count; i++) {
    const v = state[i] as number;
    out += littleEndian
      ? `${HEX[v & 0xff]}${HEX[(v >>> 8) & 0xff]}${HEX[(v >>> 16) & 0xff]}${HEX[v >>> 24]}`
      : `${HEX[v >>> 24]}${HEX[(v >>> 16) & 0xff]}${HEX[(v >>> 8) & 0xff]}${HEX[v & 0xff]}`;
  }
  return out;
}

// RFC 1321 §3.4: per-step shift amounts, four for each round.
const MD5_SHIFTS = Int32Array.of(7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21);
let md5Table: Int32Array | undefined;

function md5(data: string | Uint8Array): string {
  // RFC 1321 §3.4: T[i] is the integer part of 4294967296 * abs(sin(i)), i in radians.
  // Safe from any engine's Math.sin: each of the 64 products lies at least
  // 0.015 from an integer, over 30,000 times the rounding error of a double there.
  md5Table ??= Int32Array.from({ length: 64 }, (_, i) => Math.abs(Math.sin(i + 1)) * TWO_32);
  const T = md5Table;
  const S = MD5_SHIFTS;
  const count = pad(data, false, 64);
  const w = words;
  // The state in locals, so V8 keeps it in int32 registers (see sha256).
  let h0 = 0x67452301;
  let h1 = 0xefcdab89 | 0;
  let h2 = 0x98badcfe | 0;
  let h3 = 0x10325476;
  for (let o = 0; o < count; o += 16) {
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    for (let i = 0; i < 64; i++) {
      // Round i >> 4: its function (F, G, H, I) and its order of the block's words.
      const round = i >> 4;
      let f: number;
      let k: number;
      if (round === 0) {
        f = d ^ (b & (c ^ d));
        k = i;
      } else if (round === 1) {
        f = c ^ (d & (b ^ c));
        k = 5 * i + 1;
      } else if (round === 2) {
        f = b ^ c ^ d;
        k = 3 * i + 5;
      } else {
        f = c ^ (b | ~d);
        k = 7 * i;
      }
      const s = S[(round << 2) | (i & 3)] as number;
      const t = (a + f + (T[i] as number) + (w[o + (k & 15)] as number)) | 0;
      a = d;
      d = c;
      c = b;
      b = (b + ((t << s) | (t >>> (32 - s)))) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
  }
  return hexOf([h0, h1, h2, h3], 4, true);
}

/**
 * FIPS 180-4 constants, as [high, low] 32-bit halves of 64-bit words: K (the
 * first 64 fractional bits of the cube roots of the first 80 primes, §4.2.3)
 * and the SHA-512 initial value (of the square roots of the first 8 primes,
 * §5.3.5). SHA-256's K and initial value are the high halves of the first 64
 * and 8 of them (§4.2.2, §5.3.3). Computed once, exactly, with BigInt.
 */
interface Sha2Constants {
  readonly k: Int32Array; // 160 ints: hi, lo, hi, lo, ...
  readonly iv512: Int32Array; // 16 ints
  readonly iv512t256: Int32Array; // 16 ints, FIPS 180-4 §5.3.6.2
}
let sha2: Sha2Constants | undefined;

/** floor(n ** (1 / k)), by Newton's method from above. */
function integerRoot(n: bigint, k: bigint): bigint {
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / Number(k)));
  for (;;) {
    const y = ((k - 1n) * x + n / x ** (k - 1n)) / k;
    if (y >= x) return x;
    x = y;
  }
}

function fractionBits(prime: number, root: bigint): [number, number] {
  // The first 64 fractional bits of prime ** (1 / root): floor(root-th root of prime * 2 ** (64 * root)), less its integer part.
  const value = integerRoot(BigInt(prime) << (64n * root), root) & 0xffffffffffffffffn;
  return [Number(value >> 32n) | 0, Number(value & 0xffffffffn) | 0];
}

function sha2Constants(): Sha2Constants {
  if (sha2 !== undefined) return sha2;
  const primes: number[] = [];
  for (let n = 2; primes.length < 80; n++) if (primes.every((p) => n % p !== 0)) primes.push(n);
  const k = Int32Array.from(primes.flatMap((p) => fractionBits(p, 3n)));
  const iv512 = Int32Array.from(primes.slice(0, 8).flatMap((p) => fractionBits(p, 2n)));
  // §5.3.6: the SHA-512/t initial value is SHA-512 of "SHA-512/t" from the SHA-512 one XOR a5a5...
  const iv512t256 = iv512.map((v) => v ^ 0xa5a5a5a5);
  sha2 = { k, iv512, iv512t256 };
  compress512(iv512t256, k, pad('SHA-512/256', true, 128));
  return sha2;
}

const schedule256 = new Int32Array(64);

function sha256(data: string | Uint8Array): string {
  const { k, iv512 } = sha2Constants();
  const count = pad(data, true, 64);
  const m = words;
  const W = schedule256;
  // The state in locals, each read straight from an Int32Array: V8 then runs the rounds on int32 registers
  // (through an array of numbers it would not know them to be int32, and would run them about twice as slowly).
  let h0 = iv512[0] as number;
  let h1 = iv512[2] as number;
  let h2 = iv512[4] as number;
  let h3 = iv512[6] as number;
  let h4 = iv512[8] as number;
  let h5 = iv512[10] as number;
  let h6 = iv512[12] as number;
  let h7 = iv512[14] as number;
  for (let o = 0; o < count; o += 16) {
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    let f = h5;
    let g = h6;
    let hh = h7;
    for (let i = 0; i < 64; i++) {
      // §6.2.2 step 1, as the rounds go: W[i] is the block's word i, then σ1(W[i-2]) + W[i-7] + σ0(W[i-15]) + W[i-16].
      let word: number;
      if (i < 16) {
        word = m[o + i] as number;
      } else {
        const x = W[i - 15] as number;
        const y = W[i - 2] as number;
        word =
          ((((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) +
            (W[i - 7] as number) +
            (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)) +
            (W[i - 16] as number)) |
          0;
      }
      W[i] = word;
      // §6.2.2 step 3: T1 = h + Σ1(e) + Ch(e, f, g) + K[i] + W[i]; T2 = Σ0(a) + Maj(a, b, c).
      const t1 =
        (hh +
          (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) +
          (g ^ (e & (f ^ g))) +
          (k[2 * i] as number) +
          word) |
        0;
      const t2 =
        ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) | (c & (a | b)))) |
        0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + hh) | 0;
  }
  return hexOf([h0, h1, h2, h3, h4, h5, h6, h7], 8, false);
}

// 64-bit rotations on [high, low] halves (0 < n < 64, n !== 32).
function rotrHigh(high: number, low: number, n: number): number {
  return n < 32 ? (high >>> n) | (low << (32 - n)) : (low >>> (n - 32)) | (high << (64 - n));
}
function rotrLow(high: number, low: number, n: number): number {
  return n < 32 ? (low >>> n) | (high << (32 - n)) : (high >>> (n - 32)) | (low << (64 - n));
}

const schedule512 = new Int32Array(160);

/** FIPS 180-4 §6.4.2 over the `count` words of `words` into `h` (16 ints, [high, low] per word). */
function compress512(h: Int32Array, k: Int32Array, count: number): void {
  const m = words;
  const W = schedule512;
  for (let o = 0; o < count; o += 32) {
    for (let i = 0; i < 160; i += 2) {
      if (i < 32) {
        W[i] = m[o + i] as number;
        W[i + 1] = m[o + i + 1] as number;
      } else {
        const xh = W[i - 30] as number;
        const xl = W[i - 29] as number;
        const yh = W[i - 4] as number;
        const yl = W[i - 3] as number;
        // σ0 = ROTR1 ^ ROTR8 ^ SHR7, σ1 = ROTR19 ^ ROTR61 ^ SHR6.
        const s0h = rotrHigh(xh, xl, 1) ^ rotrHigh(xh, xl, 8) ^ (xh >>> 7);
        const s0l = rotrLow(xh, xl, 1) ^ rotrLow(xh, xl, 8) ^ ((xl >>> 7) | (xh << 25));
        const s1h = rotrHigh(yh, yl, 19) ^ rotrHigh(yh, yl, 61) ^ (yh >>> 6);
        const s1l = rotrLow(yh, yl, 19) ^ rotrLow(yh, yl, 61) ^ ((yl >>> 6) | (yh << 26));
        // W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16]; word t is at 2t (high) and 2t + 1 (low).
        const low = (s0l >>> 0) + (s1l >>> 0) + ((W[i - 13] as number) >>> 0) + ((W[i - 31] as number) >>> 0);
        W[i] = s0h + s1h + (W[i - 14] as number) + (W[i - 32] as number) + Math.floor(low / TWO_32);
        W[i + 1] = low;
      }
    }
    let ah = h[0] as number;
    let al = h[1] as number;
    let bh = h[2] as number;
    let bl = h[3] as number;
    let ch = h[4] as number;
    let cl = h[5] as number;
    let dh = h[6] as number;
    let dl = h[7] as number;
    let eh = h[8] as number;
    let el = h[9] as number;
    let fh = h[10] as number;
    let fl = h[11] as number;
    let gh = h[12] as number;
    let gl = h[13] as number;
    let hh = h[14] as number;
    let hl = h[15] as number;
    for (let i = 0; i < 160; i += 2) {
      // T1 = h + Σ1(e) + Ch(e, f, g) + K[t] + W[t], Σ1 = ROTR14 ^ ROTR18 ^ ROTR41.
      const t1l =
        (hl >>> 0) +
        ((rotrLow(eh, el, 14) ^ rotrLow(eh, el, 18) ^ rotrLow(eh, el, 41)) >>> 0) +
        ((gl ^ (el & (fl ^ gl))) >>> 0) +
        ((k[i + 1] as number) >>> 0) +
        ((W[i + 1] as number) >>> 0);
      const t1h =
        hh +
        (rotrHigh(eh, el, 14) ^ rotrHigh(eh, el, 18) ^ rotrHigh(eh, el, 41)) +
        (gh ^ (eh & (fh ^ gh))) +
        (k[i] as number) +
        (W[i] as number) +
        Math.floor(t1l / TWO_32);
      // T2 = Σ0(a) + Maj(a, b, c), Σ0 = ROTR28 ^ ROTR34 ^ ROTR39.
      const t2l =
        ((rotrLow(ah, al, 28) ^ rotrLow(ah, al, 34) ^ rotrLow(ah, al, 39)) >>> 0) +
        (((al & bl) | (cl & (al | bl))) >>> 0);
      const t2h =
        (rotrHigh(ah, al, 28) ^ rotrHigh(ah, al, 34) ^ rotrHigh(ah, al, 39)) +
        ((ah & bh) | (ch & (ah | bh))) +
        Math.floor(t2l / TWO_32);
      // h = g, g = f, f = e, e = d + T1, d = c, c = b, b = a, a = T1 + T2.
      hh = gh;
      hl = gl;
      gh = fh;
      gl = fl;
      fh = eh;
      fl = el;
      const eLow = (dl >>> 0) + ((t1l | 0) >>> 0);
      eh = (dh + t1h + Math.floor(eLow / TWO_32)) | 0;
      el = eLow | 0;
      dh = ch;
      dl = cl;
      ch = bh;
      cl = bl;
      bh = ah;
      bl = al;
      const aLow = ((t1l | 0) >>> 0) + ((t2l | 0) >>> 0);
      ah = (t1h + t2h + Math.floor(aLow / TWO_32)) | 0;
      al = aLow | 0;
    }
    const v = [ah, al, bh, bl, ch, cl, dh, dl, eh, el, fh, fl, gh, gl, hh, hl];
    for (let i = 0; i < 16; i += 2) {
      const low = ((h[i + 1] as number) >>> 0) + ((v[i + 1] as number) >>> 0);
      h[i] = (h[i] as number) + (v[i] as number) + Math.floor(low / TWO_32);
      h[i + 1] = low;
    }
  }
}

function sha512(data: string | Uint8Array, truncated: boolean): string {
  const { k, iv512, iv512t256 } = sha2Constants();
  const h = (truncated ? iv512t256 : iv512).slice();
  compress512(h, k, pad(data, true, 128));
  return hexOf(h, truncated ? 8 : 16, false);
}

/** Lower-case hex digest of `data`, a string hashed as its UTF-8 octets (RFC 7616 §3.3: the hex representation of the hash). */
export function hashHex(name: HashName, data: Uint8Array | string): string {
  switch (name) {
    case 'md5':
      return md5(data);
    case 'sha256':
      return sha256(data);
    case 'sha512':
      return sha512(data, false);
    default:
      return sha512(data, true);
  }
}

/**
 * Which hash implementation this build of `@authbelt/digest` uses: `'node'`
 * (node:crypto, for Node, Deno and Bun) or `'js'` (authbelt's own MD5 and
 * SHA-2 in plain JavaScript, for browsers and workers). For diagnostics and
 * tests.
 *
 * @example
 * ```ts
 * import { hashImplementation } from '@authbelt/digest';
 * console.log(hashImplementation); // 'node' under Node
 * ```
 */
export const hashImplementation: 'js' | 'node' = 'js';
