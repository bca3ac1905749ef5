/**
 * Reads the server name (SNI) from the first bytes a client sends inside a tunnel: its TLS
 * ClientHello (RFC 8446 §4.1.2, RFC 6066 §3).
 *
 * Why here: the runtime's TLS listener does not say which name a client asked for, and the
 * proxy needs it before the handshake, both to present that name's leaf and to refuse a name
 * that differs from the CONNECT host (`policy/_anti_fronting.ts`).
 */

/** Largest ClientHello body read; rustls refuses larger handshake messages. */
export const MAX_CLIENT_HELLO = 0xffff;

/** What the bytes so far say. */
export type HelloScan =
  /** Not all of the ClientHello has arrived yet. */
  | { kind: "partial" }
  /** A whole ClientHello; `sni` is the host name it asked for, lowercased, if any. */
  | { kind: "hello"; sni: string | undefined }
  /** Not a ClientHello: the TLS listener refuses it with an alert. */
  | { kind: "other" };

const HANDSHAKE_RECORD = 22;
const CLIENT_HELLO = 1;
const SERVER_NAME_EXTENSION = 0;
const HOST_NAME = 0;
const RECORD_HEADER = 5;
const latin1 = new TextDecoder("latin1");

/**
 * Scan the bytes a client sent so far for its ClientHello, which may span several records.
 *
 * @param bytes Everything the client sent after the CONNECT exchange, from the first byte.
 * @returns Whether more bytes are needed, the name asked for, or that this is not TLS.
 */
export function scanClientHello(bytes: Uint8Array): HelloScan {
  const message: Uint8Array[] = [];
  let gathered = 0;
  let need = Infinity;
  for (let at = 0; gathered < need;) {
    if (bytes.length < at + RECORD_HEADER) return { kind: "partial" };
    if (bytes[at] !== HANDSHAKE_RECORD || bytes[at + 1] !== 3) return { kind: "other" };
    const length = (bytes[at + 3]! << 8) | bytes[at + 4]!;
    const end = at + RECORD_HEADER + length;
    message.push(bytes.subarray(at + RECORD_HEADER, Math.min(end, bytes.length)));
    gathered += message.at(-1)!.length;
    if (need === Infinity && gathered >= 4) {
      const head = joined(message, 4);
      if (head[0] !== CLIENT_HELLO) return { kind: "other" };
      need = 4 + ((head[1]! << 16) | (head[2]! << 8) | head[3]!);
      if (need - 4 > MAX_CLIENT_HELLO) return { kind: "other" };
    }
    if (end > bytes.length) return gathered >= need ? done(message, need) : { kind: "partial" };
    if (length === 0) return { kind: "other" };
    at = end;
  }
  return done(message, need);
}

function done(message: Uint8Array[], need: number): HelloScan {
  const sni = serverName(joined(message, need).subarray(4));
  return sni === null ? { kind: "other" } : { kind: "hello", sni };
}

/** The first `length` bytes of the pieces, in one array. */
function joined(pieces: Uint8Array[], length: number): Uint8Array {
  if (pieces[0]!.length >= length) return pieces[0]!.subarray(0, length);
  const out = new Uint8Array(length);
  let at = 0;
  for (const piece of pieces) {
    if (at >= length) break;
    const part = piece.subarray(0, length - at);
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The host name in a ClientHello's body; undefined when it names none, null when malformed. */
function serverName(body: Uint8Array): string | undefined | null {
  const reader = new Reader(body);
  // legacy_version and random, then session id, cipher suites and compression methods.
  if (!reader.skip(34) || !reader.skipVector(1) || !reader.skipVector(2) || !reader.skipVector(1)) {
    return null;
  }
  if (reader.done) return undefined;
  const extensions = reader.vector(2);
  if (extensions === null || !reader.done) return null;
  while (!extensions.done) {
    const extension = extensions.entry(2);
    if (extension === null) return null;
    if (extension.type !== SERVER_NAME_EXTENSION) continue;
    const list = extension.data.vector(2);
    if (list === null || !extension.data.done) return null;
    while (!list.done) {
      const name = list.entry(1);
      if (name === null) return null;
      if (name.type === HOST_NAME) return latin1.decode(name.data.rest()).toLowerCase();
    }
    return undefined;
  }
  return undefined;
}

/** A cursor over length-prefixed TLS structures; every read says null when the bytes run out. */
class Reader {
  #bytes: Uint8Array;
  #at = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  get done(): boolean {
    return this.#at >= this.#bytes.length;
  }

  uint(size: number): number | null {
    if (this.#at + size > this.#bytes.length) return null;
    let value = 0;
    for (let i = 0; i < size; i++) value = (value << 8) | this.#bytes[this.#at++]!;
    return value;
  }

  skip(size: number): boolean {
    if (this.#at + size > this.#bytes.length) return false;
    this.#at += size;
    return true;
  }

  vector(lengthSize: number): Reader | null {
    const length = this.uint(lengthSize);
    if (length === null || this.#at + length > this.#bytes.length) return null;
    const inner = new Reader(this.#bytes.subarray(this.#at, this.#at + length));
    this.#at += length;
    return inner;
  }

  /** A type, then data with a 2-byte length: an extension, or an entry of the server names. */
  entry(typeSize: number): { type: number; data: Reader } | null {
    const type = this.uint(typeSize);
    const data = this.vector(2);
    return type === null || data === null ? null : { type, data };
  }

  skipVector(lengthSize: number): boolean {
    return this.vector(lengthSize) !== null;
  }

  rest(): Uint8Array {
    return this.#bytes.subarray(this.#at);
  }
}
