/**
 * Makes the proxy pause for breath while bodies stream, so that other connections are heard.
 *
 * Why: under Deno, a read or write on a socket that can take it at once completes at once,
 * without the runtime polling the network. While a client reads as fast as the proxy writes,
 * a relay is one unbroken run of completions: timers still fire and the event loop still turns,
 * but the runtime never waits on the network, so other sockets are read late. During one fast
 * download a second client's TLS handshake took 0.6–0.8 s and its first byte 1.2–1.4 s (50 ms
 * with nothing else running), and an upstream that never answered got its 504 0.9 s after its
 * 1 s timeout. (With `node:net` client sockets the chain was made of `process.nextTick`s and
 * the loop did not turn at all: a 100 ms interval ran twice in 6.7 s.)
 *
 * How: once writes to clients have completed back to back (less than {@link BREATH_MS} apart)
 * for {@link TURN_MS}, the next ones to complete wait for a timer of {@link BREATH_MS}. With every chain waiting, the runtime has
 * nothing ready and polls the network while it waits for that timer; then they all go on. One
 * instance serves the whole listener, so every chain pauses in the same breath. The cost is at
 * most one millisecond in twenty of a client-bound stream: about 5 % of one fast download.
 */

/** How long writes to clients may complete back to back before the proxy takes a breath. */
export const TURN_MS = 20;
/** How long a breath lasts. */
export const BREATH_MS = 1;

/** The breaths of one listener. */
export class Turns {
  /** When the current run of back-to-back writes began (or the last breath ended). */
  #since = performance.now();
  /** When the last write passed. */
  #last = performance.now();
  /** The continuations waiting for the breath to end, while one is under way. */
  #held: (() => void)[] | undefined;

  /**
   * Run `next` now, or once the breath under way (or due now) is over.
   *
   * @param next The continuation (a write's callback).
   */
  pass(next: () => void): void {
    if (this.#held !== undefined) {
      this.#held.push(next);
      return;
    }
    const now = performance.now();
    // A gap between writes was a wait: the runtime polled the network then.
    if (now - this.#last >= BREATH_MS) this.#since = now;
    this.#last = now;
    if (now - this.#since < TURN_MS) return next();
    this.#held = [next];
    setTimeout(() => this.#breathe(), BREATH_MS);
  }

  #breathe(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    this.#since = this.#last = performance.now();
    for (const next of held) next();
  }
}
