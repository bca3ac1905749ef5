/**
 * The check-digit algorithms of the `checksummed` detector, as pure functions over latin1 bytes:
 * Luhn (cards), ISO 7064 mod 97-10 (IBAN), base58check (double SHA-256), bech32/bech32m, and the
 * check digits of a few national identifiers. Each takes the candidate's bytes and answers yes or
 * no; the scanner has already checked the shape, so these only do arithmetic.
 */

/** Does a run of ASCII digits pass the Luhn check? */
export function luhnValid(digits: readonly number[]): boolean {
  let sum = 0;
  for (let k = 0; k < digits.length; k++) {
    let d = digits[digits.length - 1 - k]!;
    if (k % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Does an IBAN (letters and digits only, any case) pass ISO 7064 mod 97-10? The first four
 * characters move to the end and letters count as 10 to 35.
 */
export function ibanValid(chars: readonly number[]): boolean {
  let rest = 0;
  for (let k = 0; k < chars.length; k++) {
    const b = chars[(k + 4) % chars.length]!;
    if (b >= 48 && b <= 57) {
      rest = (rest * 10 + b - 48) % 97;
    } else {
      rest = (rest * 100 + (b | 0x20) - 87) % 97;
    }
  }
  return rest === 1;
}

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
/** Byte → base58 digit value, or 255. */
const BASE58_VALUE = (() => {
  const table = new Uint8Array(256).fill(255);
  for (let k = 0; k < BASE58.length; k++) table[BASE58.charCodeAt(k)] = k;
  return table;
})();

/**
 * Decode base58 (Bitcoin alphabet), checksum included.
 *
 * @param chars The encoded bytes (at most a few hundred: the caller bounds them).
 * @returns The decoded bytes, or `undefined` when a byte is outside the alphabet.
 */
export function base58Decode(chars: readonly number[]): Uint8Array | undefined {
  // Reject before any arithmetic: random base64 words usually hold a 0, O, I or l.
  for (const c of chars) if (BASE58_VALUE[c] === 255) return undefined;
  let zeros = 0;
  while (zeros < chars.length && chars[zeros] === 49) zeros++;
  // Big-endian base-256 digits of the number, grown as needed (quadratic in a bounded length).
  const out = new Uint8Array(chars.length);
  let used = 0;
  for (const c of chars) {
    let carry = BASE58_VALUE[c]!;
    for (let k = 0; k < used; k++) {
      carry += out[out.length - 1 - k]! * 58;
      out[out.length - 1 - k] = carry & 0xff;
      carry >>>= 8;
    }
    while (carry > 0) {
      out[out.length - 1 - used++] = carry & 0xff;
      carry >>>= 8;
    }
  }
  const decoded = new Uint8Array(zeros + used);
  decoded.set(out.subarray(out.length - used), zeros);
  return decoded;
}

/** Do the last 4 bytes of decoded base58check data equal the double SHA-256 of the rest? */
export function base58ChecksumOk(decoded: Uint8Array): boolean {
  if (decoded.length < 5) return false;
  const payload = decoded.subarray(0, decoded.length - 4);
  const check = sha256(sha256(payload));
  for (let k = 0; k < 4; k++) {
    if (check[k] !== decoded[payload.length + k]) return false;
  }
  return true;
}

const BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
/** Lower-case byte → bech32 value, or 255. */
const BECH32_VALUE = (() => {
  const table = new Uint8Array(256).fill(255);
  for (let k = 0; k < BECH32.length; k++) table[BECH32.charCodeAt(k)] = k;
  return table;
})();
const BECH32_GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
/** The residues of bech32 (BIP 173) and bech32m (BIP 350). */
const BECH32_CONSTANTS = [1, 0x2bc830a3];

/**
 * Is this a valid segwit address (BIP 173 / BIP 350)? Checks the checksum, that witness version 0
 * uses bech32 and later versions bech32m, and the program length.
 *
 * @param chars The whole address, `hrp` + `1` + data, in one case (the caller checks).
 */
export function segwitValid(chars: readonly number[]): boolean {
  const sep = chars.lastIndexOf(49);
  if (sep < 1 || chars.length - sep - 1 < 7) return false;
  let chk = 1;
  const step = (value: number) => {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ value;
    for (let k = 0; k < 5; k++) if ((top >>> k) & 1) chk ^= BECH32_GEN[k]!;
  };
  for (let k = 0; k < sep; k++) step((chars[k]! | 0x20) >>> 5);
  step(0);
  for (let k = 0; k < sep; k++) step((chars[k]! | 0x20) & 31);
  const data: number[] = [];
  for (let k = sep + 1; k < chars.length; k++) {
    const value = BECH32_VALUE[chars[k]! | 0x20]!;
    if (value === 255) return false;
    data.push(value);
    step(value);
  }
  const version = data[0]!;
  const programBits = (data.length - 7) * 5;
  const programBytes = Math.floor(programBits / 8);
  if (version > 16 || programBytes < 2 || programBytes > 40 || programBits % 8 >= 5) return false;
  if (version === 0 && programBytes !== 20 && programBytes !== 32) return false;
  return (chk >>> 0) === BECH32_CONSTANTS[version === 0 ? 0 : 1];
}

/** Does a Brazilian CPF (11 digits, punctuation removed) carry its two check digits? */
export function cpfValid(d: readonly number[]): boolean {
  if (d.every((x) => x === d[0])) return false;
  for (const n of [9, 10]) {
    let sum = 0;
    for (let k = 0; k < n; k++) sum += d[k]! * (n + 1 - k);
    const check = (sum * 10) % 11 % 10;
    if (check !== d[n]) return false;
  }
  return true;
}

/** The Spanish DNI/NIE check letters, indexed by the number mod 23. */
const DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";

/**
 * The check letter of a Spanish DNI (8 digits) or NIE (X, Y or Z then 7 digits; the letter counts
 * as 0, 1 or 2).
 */
export function dniLetter(number: number): number {
  return DNI_LETTERS.charCodeAt(number % 23);
}

/**
 * Is this an 18-character Chinese resident identity number: a province code, a real birth date
 * between 1900 and 2099, and the ISO 7064 mod 11-2 check character (`0`-`9` or `X`)?
 */
export function cnResidentIdValid(chars: readonly number[]): boolean {
  const d = chars.map((b) => b - 48);
  if (!CN_PROVINCES.has(d[0]! * 10 + d[1]!)) return false;
  const year = d[6]! * 1000 + d[7]! * 100 + d[8]! * 10 + d[9]!;
  const month = d[10]! * 10 + d[11]!;
  const day = d[12]! * 10 + d[13]!;
  if (year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1) return false;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return false;
  let sum = 0;
  for (let k = 0; k < 17; k++) sum += d[k]! * ((1 << (17 - k)) % 11);
  const check = (12 - (sum % 11)) % 11;
  return (chars[17]! | 0x20) === (check === 10 ? 0x78 : 48 + check);
}

const CN_PROVINCES = new Set([
  11,
  12,
  13,
  14,
  15,
  21,
  22,
  23,
  31,
  32,
  33,
  34,
  35,
  36,
  37,
  41,
  42,
  43,
  44,
  45,
  46,
  50,
  51,
  52,
  53,
  54,
  61,
  62,
  63,
  64,
  65,
  71,
  81,
  82,
]);

const K = Uint32Array.from([
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
]);

/**
 * SHA-256 of a small message, synchronously (WebCrypto's digest is async and scan passes are
 * not). Only base58check payloads (under 100 bytes) go through it.
 */
export function sha256(message: Uint8Array): Uint8Array {
  const blocks = (message.length + 72) >>> 6;
  const w = new Uint32Array(64);
  const h = Uint32Array.from(H0);
  for (let block = 0; block < blocks; block++) {
    for (let t = 0; t < 16; t++) {
      let word = 0;
      for (let k = 0; k < 4; k++) {
        word = (word << 8) | paddedByte(message, 64 * block + 4 * t + k, blocks);
      }
      w[t] = word;
    }
    for (let t = 16; t < 64; t++) {
      const a = w[t - 15]!;
      const b = w[t - 2]!;
      const s0 = rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3);
      const s1 = rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10);
      w[t] = w[t - 16]! + s0 + w[t - 7]! + s1;
    }
    let a = h[0]!, b = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!, f = h[5]!, g = h[6]!, hh = h[7]!;
    for (let t = 0; t < 64; t++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t]! +
        w[t]!) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0]! += a;
    h[1]! += b;
    h[2]! += c;
    h[3]! += d;
    h[4]! += e;
    h[5]! += f;
    h[6]! += g;
    h[7]! += hh;
  }
  const out = new Uint8Array(32);
  for (let k = 0; k < 32; k++) out[k] = h[k >>> 2]! >>> (24 - 8 * (k & 3));
  return out;
}

const H0 = [
  0x6a09e667,
  0xbb67ae85,
  0x3c6ef372,
  0xa54ff53a,
  0x510e527f,
  0x9b05688c,
  0x1f83d9ab,
  0x5be0cd19,
];

/** Byte `at` of the padded message: the message, 0x80, zeros, its bit length in 8 bytes. */
function paddedByte(message: Uint8Array, at: number, blocks: number): number {
  if (at < message.length) return message[at]!;
  if (at === message.length) return 0x80;
  const fromEnd = 64 * blocks - 1 - at;
  if (fromEnd >= 8) return 0;
  const bits = message.length * 8;
  return fromEnd >= 4
    ? Math.floor(bits / 2 ** (8 * fromEnd)) & 0xff
    : (bits >>> (8 * fromEnd)) & 0xff;
}

function rotr(x: number, n: number): number {
  return (x >>> n) | (x << (32 - n));
}
