// Pull-style access to a socket's bytes. 'data' events fill a queue; the socket is paused once
// the queue holds its mark (`read_ahead.ts`), so a slow consumer bounds memory instead of
// growing it.
import { Buffer } from "node:buffer";
import type { Duplex } from "node:stream";
import { ReadAhead } from "./read_ahead.ts";

// The mark comes from the reader's ReadAhead, part of each connection's fixed buffer budget
// (issue 19). With 200 connections moving at once every queue sits near its mark (the proxy is
// the bottleneck): 512 KiB held ~150 MiB more than 128 KiB, and 128 KiB about 40 MiB more than
// 32 KiB (two TLS records), which a single download does not miss. Paused at the mark, not past
// it: past it, the third 16 KiB record of every stopped reader waited too (heap snapshot of 200
// of them, 3.2 MiB).
// setTimeout treats delays beyond a signed 32-bit int as 1 ms.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Bytes a socket delivered, consumed chunk by chunk without copying. */
export class ByteSource {
  #socket: Duplex;
  #chunks: Buffer[] = [];
  #bytes = 0;
  #ended = false;
  #error: Error | null = null;
  #paused = false;
  #wake: ((arrived: boolean) => void) | null = null;
  /** When the pending wait gives up (performance.now() ms; Infinity: never). */
  #deadline = Infinity;
  /** One timer per source, re-armed only when it fires while a wait is still pending. */
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the armed timer fires. */
  #timerAt = Infinity;
  #detached = false;
  #counted: ((bytes: number) => void) | undefined;
  #share: ReadAhead;
  /** Whether its queued bytes still count in the share (not once the socket closed). */
  #sharing = true;

  #onData = (chunk: Buffer): void => {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    if (this.#sharing) this.#share.add(chunk.length);
    this.#counted?.(chunk.length);
    if (this.#bytes >= this.#share.mark && !this.#paused) {
      this.#paused = true;
      this.#socket.pause();
    }
    this.#notify();
  };
  #onEnd = (): void => {
    this.#ended = true;
    this.#notify();
    this.#disarm();
  };
  /** A closed socket's queue may never be consumed: it leaves the share at once. */
  #onClose = (): void => {
    this.#unshare();
    this.#onEnd();
  };
  #onError = (err: Error): void => {
    this.#error ??= err;
    this.#notify();
    this.#disarm();
  };
  #onTimer = (): void => {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    if (this.#wake === null || this.#deadline === Infinity) return;
    if (performance.now() < this.#deadline) {
      this.#arm();
      return;
    }
    const wake = this.#wake;
    this.#wake = null;
    wake(false);
  };

  /**
   * @param socket The socket to read.
   * @param counted Hears the size of every chunk it delivers.
   * @param share The read-ahead allowance it shares with other readers (default: its own,
   *   never spent).
   */
  constructor(
    socket: Duplex,
    counted?: (bytes: number) => void,
    share: ReadAhead = new ReadAhead(Infinity),
  ) {
    this.#socket = socket;
    this.#counted = counted;
    this.#share = share;
    socket.on("data", this.#onData);
    socket.on("end", this.#onEnd);
    socket.on("close", this.#onClose);
    socket.on("error", this.#onError);
  }

  /** Bytes received and not yet consumed. */
  get buffered(): number {
    return this.#bytes;
  }

  /** The next queued chunk, or undefined when none is queued right now. */
  take(): Buffer | undefined {
    const chunk = this.#chunks.shift();
    if (chunk === undefined) return undefined;
    this.#bytes -= chunk.length;
    if (this.#sharing) this.#share.add(-chunk.length);
    if (this.#paused && this.#bytes <= this.#share.mark / 2 && !this.#detached) {
      this.#paused = false;
      this.#socket.resume();
    }
    return chunk;
  }

  /** Put unconsumed bytes back at the front. */
  unshift(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.unshift(chunk);
    this.#bytes += chunk.length;
    if (this.#sharing) this.#share.add(chunk.length);
  }

  /**
   * Resolve true once a chunk is queued or the stream has ended/failed, false after `timeoutMs`.
   */
  wait(timeoutMs: number): Promise<boolean> {
    if (this.#chunks.length > 0 || this.#ended || this.#error !== null) {
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      this.#wake = resolve;
      this.#deadline = timeoutMs <= MAX_TIMER_MS
        ? performance.now() + Math.max(0, timeoutMs)
        : Infinity;
      if (this.#deadline < this.#timerAt) this.#arm();
    });
  }

  /**
   * The next chunk, waiting if needed; null at end of stream.
   *
   * @throws The socket's error, once the bytes before it were consumed.
   */
  async next(): Promise<Buffer | null> {
    for (;;) {
      const chunk = this.take();
      if (chunk !== undefined) return chunk;
      if (this.#error !== null) throw this.#error;
      if (this.#ended) return null;
      await this.wait(Infinity);
    }
  }

  /** The socket error, if one happened. */
  get error(): Error | null {
    return this.#error;
  }

  /** Whether the stream has ended or failed with nothing left queued. */
  get exhausted(): boolean {
    return this.#chunks.length === 0 && (this.#ended || this.#error !== null);
  }

  /** Stop listening and hand back the socket (paused) with every byte not yet consumed. */
  detach(): { socket: Duplex; buffered: Uint8Array } {
    this.#detached = true;
    this.#socket.pause();
    this.#socket.off("data", this.#onData);
    this.#socket.off("end", this.#onEnd);
    this.#socket.off("close", this.#onClose);
    this.#socket.off("error", this.#onError);
    this.#unshare();
    this.#disarm();
    const buffered = Buffer.concat(this.#chunks);
    this.#chunks = [];
    this.#bytes = 0;
    this.#notify();
    return { socket: this.#socket, buffered };
  }

  #unshare(): void {
    if (!this.#sharing) return;
    this.#sharing = false;
    this.#share.add(-this.#bytes);
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.(true);
  }

  /**
   * Arm the timer for the pending wait's deadline. Why one timer kept across waits: a timer per
   * wait (two per proxied request, set and cleared) was about 5 µs and 2 KiB of garbage per
   * request. A wait that data ends leaves the timer armed; when it fires with a later wait
   * pending it re-arms for what is left, with none it stops.
   */
  #arm(): void {
    clearTimeout(this.#timer);
    this.#timerAt = this.#deadline;
    this.#timer = setTimeout(this.#onTimer, Math.max(0, this.#deadline - performance.now()));
  }

  /** Stop the timer: the stream ended or was handed over, no wait can need it. */
  #disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }
}
