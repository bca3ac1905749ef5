/**
 * A Node `Duplex` over a Deno connection (TCP or TLS) that reads only on demand and finishes a
 * write only once the connection took it, for backpressure both ways.
 *
 * Why not `node:net`/`node:tls` sockets: under Deno they keep reading from the network after
 * `pause()` (a TCP socket queues up to two 64 KiB reads; a TLS client socket reads on without
 * bound) and a TLS client socket accepts every `write()` without ever saying "full", so a fast
 * peer fills the proxy's memory with whatever the other side has not taken yet (a 400 MB download
 * peaked at 1.1 GB). Here a read is issued only when the stream's consumer wants more, and the
 * TCP windows push back instead.
 */
import { Buffer } from "node:buffer";
import { Duplex } from "node:stream";
import { closeQuietly, DRAINED_READ_SIZE, READ_SIZE, writeAll } from "./_conn_io.ts";
import type { Turns } from "./_turns.ts";

// Reads ask for READ_SIZE, a client's DRAINED_READ_SIZE once drained; upstream reads always
// ask for a whole record. The reader above queues what it was given, so this duplex reads
// nothing ahead (a high-water mark of 0) and keeps no buffer between reads: a 16 KiB mark, with
// the 16 KiB read buffer it kept, held 48 KiB more per stopped reader (heap snapshot of 200).

/** An empty write: `release()` waits for its callback. */
const NOTHING = new Uint8Array(0);

/** What sets a client's connection apart from an upstream one. */
export interface ClientSide {
  /**
   * The listener's breaths: each write's completion passes through them, so a client that reads
   * as fast as the proxy writes cannot keep the runtime from hearing the others (`_turns.ts`).
   */
  turns: Turns;
}

/** A duplex that reads only on demand and finishes a write only once the connection took it. */
export class ConnDuplex extends Duplex {
  readonly #conn: Deno.Conn;
  #reading = false;
  /** The read in flight, settled once its bytes were pushed. */
  #read: Promise<void> | undefined;
  /** Handed back by `release()`: no more reads, and destroying leaves the connection open. */
  #released = false;
  #spare: Uint8Array | undefined;
  /** The last read brought less than {@link DRAINED_READ_SIZE}: the peer had sent no more yet. */
  #drained = true;
  /** What a read asks for once drained: small for a client, a whole record upstream. */
  readonly #drainedReadSize: number;
  readonly #turns: Turns | undefined;

  /**
   * @param conn The connection; the duplex owns it (`destroy()` closes it).
   * @param client Set for a client's connection: its writes pass the listener's breaths, and
   *   once drained it waits for more in a small read ({@link DRAINED_READ_SIZE}).
   */
  constructor(conn: Deno.Conn, client?: ClientSide) {
    // Like a net.Socket: when the peer ends its side, this side ends too. A mark of 0: a
    // read only while the consumer flows and has nothing queued.
    super({
      allowHalfOpen: false,
      readableHighWaterMark: 0,
      writableHighWaterMark: READ_SIZE,
    });
    this.#conn = conn;
    this.#turns = client?.turns;
    this.#drainedReadSize = client === undefined ? READ_SIZE : DRAINED_READ_SIZE;
  }

  override _read(): void {
    if (this.#reading || this.#released) return;
    this.#reading = true;
    // A buffer per read, not one kept per connection: a stopped connection, with no read
    // pending, then holds none. The one exception is the buffer of a short read while the
    // consumer still flows: the next read, which follows at once, takes it again (a fresh,
    // zeroed 16 KiB buffer for each short read, every small response, was garbage to collect).
    const size = this.#drained ? this.#drainedReadSize : READ_SIZE;
    const buffer = this.#spare?.length === size ? this.#spare : new Uint8Array(size);
    this.#spare = undefined;
    this.#read = this.#conn.read(buffer).then(
      (n) => {
        this.#reading = false;
        // A read that filled at least half its buffer is passed on as is (a view of it); a
        // shorter one is copied, since a queued view would hold the whole read buffer. push()
        // asks for the next read while the consumer wants more, and says whether it does.
        if (n === null) {
          this.push(null);
          return;
        }
        // Drained only when the read was small: a TLS connection returns one record per read,
        // a little under 16 KiB from most clients, and taking that for "drained" made every
        // record of an upload two reads (the next one a small one) and a copy.
        this.#drained = n < DRAINED_READ_SIZE;
        if (n === buffer.length) this.push(buffer);
        else if (n >= buffer.length / 2) this.push(buffer.subarray(0, n));
        else if (this.push(copyOf(buffer, n))) this.#spare ??= buffer;
      },
      (err: Error) => {
        this.#reading = false;
        // A read on a connection this side closed is the end, not a failure.
        if (this.destroyed) return;
        this.destroy(err);
      },
    );
  }

  /**
   * Hand the connection back, for a relay of its own: after the read in flight (if any), with
   * the bytes read and not yet consumed. The duplex is destroyed, the connection left open.
   *
   * @param signal Ends the wait of the read in flight for the peer; then the connection is
   *   closed and nothing handed back (a client that never sends is not held forever).
   */
  async release(
    signal: AbortSignal,
  ): Promise<{ conn: Deno.Conn; buffered: Uint8Array } | undefined> {
    this.#released = true;
    let timeUp = () => {};
    const timedOut = signal.aborted || await Promise.race([
      this.#read?.then(() => false) ?? false,
      new Promise<boolean>((resolve) => {
        timeUp = () => resolve(true);
        signal.addEventListener("abort", timeUp, { once: true });
      }),
    ]);
    signal.removeEventListener("abort", timeUp);
    if (timedOut) {
      closeQuietly(this.#conn);
      this.destroy();
      return undefined;
    }
    // Every write queued before (the CONNECT's answer after a pipelined response still going
    // out) reaches the connection first: destroying drops what is still queued. Writes complete
    // in order, so the callback of an empty one says when all before it did.
    if (this.writableLength > 0) await new Promise((resolve) => this.write(NOTHING, resolve));
    const chunks: Uint8Array[] = [];
    for (let chunk = this.read(); chunk !== null; chunk = this.read()) chunks.push(chunk);
    this.destroy();
    return { conn: this.#conn, buffered: Buffer.concat(chunks) };
  }

  override _write(
    chunk: Uint8Array,
    _encoding: string,
    callback: (error?: Error | null) => void,
  ): void {
    const turns = this.#turns;
    writeAll(this.#conn, chunk).then(
      turns === undefined ? () => callback() : () => turns.pass(callback),
      callback,
    );
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#conn.closeWrite().then(() => callback(), () => callback());
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.#released) closeQuietly(this.#conn);
    callback(error);
  }
}

/**
 * The first `n` bytes of `buffer` in a buffer of their own, cut from Node's shared pool when short
 * (`Buffer.allocUnsafe`): every small request and response is a short read on each side, and in
 * Deno a new typed array of its own costs microseconds (a `slice` per read was 5% of the CPU of
 * a small request). A pooled copy keeps its 8 KiB pool alive while queued, as a slice kept its
 * own store.
 */
function copyOf(buffer: Uint8Array, n: number): Uint8Array {
  const copy = Buffer.allocUnsafe(n);
  copy.set(buffer.subarray(0, n));
  return copy;
}
