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
  /** Not a ClientHello the proxy can read: the tunnel is never served (`_tls_front.ts`). */
  | { kind: "other" };

const HANDSHAKE_RECORD = 22;
const CLIENT_HELLO = 1;
const SERVER_NAME_EXTENSION = 0;
const HOST_NAME = 0;
const RECORD_HEADER = 5;
const latin1 = new TextDecoder("latin1");

/** How much one read of a ClientHello asks for. */
const HELLO_READ_SIZE = 4 * 1024;

/**
 * Scan the bytes a client sent so far for its ClientHello, which may span several records.
 *
 * @param bytes Everything the client sent after the CONNECT exchange, from the first byte.
 * @returns Whether more bytes are needed, the name asked for, or that this is not TLS.
 */
export function scanClientHello(bytes: Uint8Array): HelloScan {
  return new HelloScanner().scan(bytes);
}

/**
 * Scans a ClientHello as its bytes arrive, each record once. Why resumable: scanning every
 * record again on every read made a hello sent as thousands of one-byte records, one segment at
 * a time, cost time quadratic in its size before the handshake deadline.
 */
export class HelloScanner {
  /** Bodies of the records read whole so far. */
  readonly #pieces: Uint8Array[] = [];
  #gathered = 0;
  /** Offset of the first record not read whole yet. */
  #at = 0;
  /** Length of the handshake message with its 4-byte header, once that header arrived. */
  #need = Infinity;
  #decided: HelloScan | undefined;

  /**
   * Scan the bytes so far: each call's bytes begin with the last call's.
   *
   * @returns Whether more bytes are needed, the name asked for, or that this is not TLS.
   */
  scan(bytes: Uint8Array): HelloScan {
    this.#decided ??= this.#scan(bytes);
    return this.#decided ?? { kind: "partial" };
  }

  /** The answer once there is one; undefined while more bytes are needed. */
  #scan(bytes: Uint8Array): HelloScan | undefined {
    const pieces = this.#pieces;
    while (true) {
      const at = this.#at;
      if (bytes.length < at + RECORD_HEADER) return undefined;
      if (bytes[at] !== HANDSHAKE_RECORD || bytes[at + 1] !== 3) return { kind: "other" };
      const length = (bytes[at + 3]! << 8) | bytes[at + 4]!;
      const end = at + RECORD_HEADER + length;
      pieces.push(bytes.subarray(at + RECORD_HEADER, Math.min(end, bytes.length)));
      const gathered = this.#gathered + pieces.at(-1)!.length;
      if (this.#need === Infinity && gathered >= 4) {
        const head = joined(pieces, 4);
        if (head[0] !== CLIENT_HELLO) return { kind: "other" };
        this.#need = 4 + ((head[1]! << 16) | (head[2]! << 8) | head[3]!);
        if (this.#need - 4 > MAX_CLIENT_HELLO) return { kind: "other" };
      }
      if (gathered >= this.#need) return done(pieces, this.#need);
      if (end > bytes.length) {
        // The record is read again, whole, once the rest of it arrived.
        pieces.pop();
        return undefined;
      }
      if (length === 0) return { kind: "other" };
      this.#gathered = gathered;
      this.#at = end;
    }
  }
}

/**
 * Read from a tunnel's client until its whole ClientHello arrived (or what it sent is not one).
 *
 * @param client The client's connection, after the CONNECT exchange.
 * @param buffered What was read from it already.
 * @returns Every byte read, and what they say.
 * @throws {Error} When the client ends first or sends more than a ClientHello can be.
 */
export async function readClientHello(
  client: Deno.Conn,
  buffered: Uint8Array,
): Promise<{ bytes: Uint8Array; scan: HelloScan }> {
  const scanner = new HelloScanner();
  let store = buffered;
  let length = buffered.length;
  while (true) {
    const bytes = store.subarray(0, length);
    const scan = scanner.scan(bytes);
    if (scan.kind !== "partial") return { bytes, scan };
    if (length > MAX_CLIENT_HELLO + 4 * 1024) throw new Error("ClientHello too large");
    if (store.length - length < HELLO_READ_SIZE) {
      // Doubled, so a hello read a byte at a time is copied a bounded number of times.
      const grown = new Uint8Array(Math.max(2 * store.length, length + HELLO_READ_SIZE));
      grown.set(bytes);
      store = grown;
    }
    const n = await client.read(store.subarray(length, length + HELLO_READ_SIZE));
    if (n === null) throw new Error("the client ended before its ClientHello");
    length += n;
  }
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
