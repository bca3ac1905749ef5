/**
 * The client side of an intercepted tunnel, fed to the TLS server socket only as fast as the
 * proxy consumes what it decrypts.
 *
 * Why: under Deno, a `node:tls` server socket keeps reading and decrypting after `pause()`, so an
 * agent uploading faster than the upstream accepts fills the proxy's memory (a 400 MB upload
 * peaked at 600–780 MB). On this duplex the transport (the client's `ConnDuplex`, which reads
 * only on demand) is read only while the TLS socket above is flowing: pausing it stops the reads
 * below, and the client's TCP window pushes back.
 */
import { Buffer } from "node:buffer";
import { Duplex } from "node:stream";

/** How long a closed tunnel's transport waits for the client's end before it is cut. */
const LINGER_MS = 2_000;

/** A client transport that passes bytes up only while the reader above wants them. */
export class GatedSocket extends Duplex {
  #raw: Duplex;
  #reader: Duplex | undefined;
  #open = false;
  #wanted = false;
  #pending: Uint8Array | undefined;
  #ended = false;

  /**
   * @param raw The accepted TCP connection (after the CONNECT exchange).
   * @param buffered Bytes already read from it past the CONNECT head (the start of the TLS
   *   handshake), delivered first.
   */
  constructor(raw: Duplex, buffered: Uint8Array) {
    // A mark of 1: any record still on its way to the client makes `writableNeedDrain` true
    // until the transport took it, which the client's writer waits on (`Http1Writer`).
    super({ allowHalfOpen: false, writableHighWaterMark: 1 });
    this.#raw = raw;
    raw.pause();
    if (buffered.length > 0) this.#pending = buffered;
    raw.on("data", (chunk: Buffer) => {
      if (!this.push(chunk) || !this.#flowing()) raw.pause();
    });
    // However the transport ends, the TLS socket above sees the end of its stream and closes
    // itself and this one.
    const ended = () => {
      this.#ended = true;
      if (this.#open) this.#end();
    };
    raw.on("end", ended);
    raw.on("error", ended);
    raw.on("close", ended);
    // Errors reach the TLS socket above as the end of its stream; none is left unheard here.
    this.on("error", () => {});
  }

  /**
   * Start passing bytes to the TLS socket built on this one, and only while it flows.
   *
   * Not before the next macrotask: Deno's TLS socket over a stream starts on the next tick, and
   * bytes or an end that reach it earlier (a client sending garbage right after CONNECT) make it
   * fail before its start, then throw from that tick, which would end the process.
   *
   * @param reader The TLS socket.
   */
  gate(reader: Duplex): void {
    this.#reader = reader;
    reader.on("resume", () => {
      if (this.#wanted) this._read();
    });
    setTimeout(() => {
      this.#open = true;
      if (this.#wanted) this._read();
      if (this.#ended) this.#end();
    }, 0);
  }

  override _read(): void {
    this.#wanted = true;
    if (!this.#open || !this.#flowing()) return;
    this.#wanted = false;
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending !== undefined && !this.push(Buffer.from(pending))) return;
    this.#raw.resume();
  }

  override _write(
    chunk: Uint8Array,
    _encoding: string,
    callback: (error?: Error | null) => void,
  ): void {
    this.#raw.write(chunk, (err) => callback(err ?? null));
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#raw.end(() => callback());
  }

  /**
   * Deno's TLS socket over a stream hands over its last records (a refusal written just before
   * the proxy closes) in a microtask after it was destroyed: they still go to the transport.
   */
  override write(
    chunk: Uint8Array,
    encoding?: BufferEncoding | ((error: Error | null | undefined) => void),
    callback?: (error: Error | null | undefined) => void,
  ): boolean {
    if (!this.destroyed) return super.write(chunk, encoding as BufferEncoding, callback);
    if (!this.#raw.destroyed && !this.#raw.writableEnded) this.#raw.write(chunk);
    return false;
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const raw = this.#raw;
    // After those last records: end the transport, and cut it if the client never closes.
    setTimeout(() => {
      raw.end();
      const cut = setTimeout(() => raw.destroy(), LINGER_MS);
      raw.once("close", () => clearTimeout(cut));
    }, 0);
    callback(error);
  }

  #flowing(): boolean {
    return this.#reader === undefined || !this.#reader.isPaused();
  }

  /** The end of the stream, after any bytes still pending; once, and not after a destroy. */
  #end(): void {
    if (this.destroyed || this.readableEnded) return;
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending !== undefined) this.push(Buffer.from(pending));
    this.push(null);
  }
}
