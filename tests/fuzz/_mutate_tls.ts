/**
 * Structure-aware mutation of TLS records: a captured ClientHello (seeds/tls) is taken apart into
 * record header, handshake header and body, and the lengths, types and versions that a TLS stack
 * trusts are broken; or the hello is fragmented over many records, preceded by an alert or a
 * ChangeCipherSpec, followed by application data, sent twice, or wrapped as an SSLv2 hello.
 */
import { below, pick, type Random } from "./_random.ts";

function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}

function record(type: number, version: number, body: Uint8Array, length = body.length): Uint8Array {
  return Uint8Array.from([type, ...u16(version), ...u16(length), ...body]);
}

function join(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** One mutation of a hello record (`hello` is the whole record, header included). */
type TlsMutation = (hello: Uint8Array, r: Random) => Uint8Array;

const TYPES = [0x14, 0x15, 0x16, 0x17, 0x18, 0x00, 0x80, 0xff];
const VERSIONS = [0x0300, 0x0301, 0x0303, 0x0304, 0x7f1c, 0xfefd, 0x0000, 0xffff];

const MUTATIONS: readonly TlsMutation[] = [
  // The record's content type.
  (h, r) => Uint8Array.from(h, (b, i) => (i === 0 ? pick(TYPES, r) : b)),
  // The record's version.
  (h, r) => join(h.subarray(0, 1), Uint8Array.from(u16(pick(VERSIONS, r))), h.subarray(3)),
  // The record's length: zero, one, the maximum, past the maximum, off by a little.
  (h, r) => {
    const length = pick([
      0,
      1,
      0x4000,
      0x4001,
      0xffff,
      h.length - 5 + 1,
      h.length - 5 - 1,
      h.length - 5 + 100,
    ], r);
    return join(h.subarray(0, 3), Uint8Array.from(u16(length)), h.subarray(5));
  },
  // The handshake message's type.
  (h, r) =>
    Uint8Array.from(h, (b, i) => (i === 5 ? pick([0x00, 0x02, 0x0b, 0x0f, 0x14, 0xff], r) : b)),
  // The handshake message's 24-bit length.
  (h, r) => {
    const length = pick([0, 1, 0xffffff, 0x4000, h.length - 9 + 1, h.length - 9 - 1], r);
    return join(
      h.subarray(0, 6),
      Uint8Array.from([length >> 16, (length >> 8) & 0xff, length & 0xff]),
      h.subarray(9),
    );
  },
  // A 16-bit length inside the hello (cipher suites, extensions, a name) set to a lie.
  (h, r) => {
    const out = h.slice();
    const at = 9 + below(r, Math.max(1, out.length - 11));
    const [hi, lo] = u16(pick([0, 1, 0xffff, 0x8000, out[at]! * 256 + out[at + 1]! + 1], r));
    out[at] = hi!;
    out[at + 1] = lo!;
    return out;
  },
  // The hello fragmented over many small records (valid TLS, rarely seen).
  (h, r) => {
    const body = h.subarray(5);
    const size = 1 + below(r, 16);
    const records: Uint8Array[] = [];
    for (let at = 0; at < body.length; at += size) {
      records.push(record(0x16, 0x0301, body.subarray(at, at + size)));
    }
    return join(...records);
  },
  // Something before the hello: an alert, a ChangeCipherSpec, an empty record, application data.
  (h, r) =>
    join(
      pick([
        record(0x15, 0x0303, Uint8Array.from([2, 40])),
        record(0x14, 0x0303, Uint8Array.from([1])),
        record(0x16, 0x0303, new Uint8Array()),
        record(0x17, 0x0303, new Uint8Array(32).fill(0x41)),
      ], r),
      h,
    ),
  // Something after it: the hello again, junk records, a huge record.
  (h, r) =>
    join(
      h,
      pick([
        h,
        record(0x17, 0x0303, new Uint8Array(1 + below(r, 2_000)).fill(0x5a)),
        record(0x16, 0x0303, new Uint8Array(0xffff), 0xffff),
        record(0x15, 0x0303, Uint8Array.from([1, 0])),
      ], r),
    ),
  // An SSLv2-style hello header in front of the body.
  (h) =>
    join(Uint8Array.from([0x80, Math.min(h.length - 5, 0x7f), 0x01, 0x03, 0x01]), h.subarray(5)),
  // Nothing like TLS at all.
  (_h, r) => Uint8Array.from({ length: below(r, 300) }, () => below(r, 256)),
];

/**
 * Mutate a ClientHello record's structure.
 *
 * @param hello A valid ClientHello record.
 * @param r The case's stream.
 * @returns The bytes to send inside the tunnel.
 */
export function mutateTls(hello: Uint8Array, r: Random): Uint8Array {
  let out = hello;
  const count = 1 + below(r, 2);
  for (let m = 0; m < count; m++) out = pick(MUTATIONS, r)(out, r);
  return out;
}
