/**
 * Makes sure the event loop gets turns while bodies stream: timers and other sockets need them.
 *
 * Why: under Deno, a `node:tls` socket over a JS stream (the gated socket) completes each write
 * to a TCP socket that takes it at once through `process.nextTick`, and a read from an upstream
 * that has data completes at once too. While a client reads as fast as the proxy writes, a relay
 * is one unbroken chain of ticks and promise jobs, and the event loop never waits: no timer fires
 * and no other socket is read. During one 1 GiB download a 100 ms interval ran twice in 6.7 s,
 * a second client's TLS handshake took the whole 6.8 s of the download, and a hung upstream got
 * its 504 only after it (the response timeout was 1 s); during 200 downloads the interval ran once
 * every 2.6 s (22 s at worst).
 *
 * How: every {@link TURN_MS} a probe is queued with `setImmediate`, which runs only once the loop
 * takes a turn. While a probe has waited longer than that, the loop is starved, and every chain
 * that passes here continues from a timer: with nothing left to run at once, the loop waits, and
 * in that wait it polls the sockets. (Continuing from `setImmediate` instead lets timers fire but
 * never lets the loop wait, so other sockets still starve.) One instance serves the whole
 * listener; while the loop keeps up, nothing is deferred.
 */
import { setImmediate } from "node:timers";

/** How late the event loop's next turn may be before chains are made to wait for it. */
export const TURN_MS = 20;

/** Watches the event loop's turns for all the chains of one listener. */
export class Turns {
  /** When the last probe ran (a turn of the loop). */
  #turnAt = performance.now();
  /** When the pending probe was queued, or -1 when none is. */
  #probeAt = -1;
  readonly #probe = () => {
    this.#probeAt = -1;
    this.#turnAt = performance.now();
  };

  /**
   * Run `next` now, or from a timer when the event loop is starved.
   *
   * @param next The continuation (a write's callback).
   */
  pass(next: () => void): void {
    const now = performance.now();
    if (this.#probeAt < 0) {
      if (now - this.#turnAt >= TURN_MS) {
        this.#probeAt = now;
        setImmediate(this.#probe);
      }
      return next();
    }
    if (now - this.#probeAt < TURN_MS) return next();
    setTimeout(next, 0);
  }
}
