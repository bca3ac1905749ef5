/**
 * Makes the proxy pause for breath while bodies stream, whenever other connections would not be
 * heard otherwise.
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
 * How: a probe asks whether the runtime still polls the network. It is a loopback connection of
 * the listener's own: a read is left waiting on one end, then a byte is written to the other, and
 * only a poll of the network completes that read. While a probe has waited {@link TURN_MS}, the
 * write completions that pass here wait for a timer of {@link BREATH_MS}: with every chain
 * waiting, the runtime has nothing ready and polls the network while it waits for that timer.
 * While the network is polled (the usual case, small requests among them) nothing waits. One
 * instance serves the whole listener, so every chain pauses in the same breath.
 */
import { closeQuietly } from "./_conn_io.ts";

/** How long the network may go unpolled before chains wait for a breath. */
export const TURN_MS = 20;
/** How long a breath lasts. */
export const BREATH_MS = 1;

/** The breaths of one listener. */
export class Turns {
  /** The probe's two ends, once open. */
  #probe: { near: Deno.TcpConn; far: Deno.TcpConn } | undefined;
  readonly #byte = new Uint8Array(1);
  readonly #readInto = new Uint8Array(64);
  /** When the pending probe was sent, or -1 when none is pending. */
  #probeAt = -1;
  /** When a probe last came back: the network was polled then. */
  #polledAt = performance.now();
  /** The continuations waiting for the breath to end, while one is under way. */
  #held: (() => void)[] | undefined;

  /** Open the probe's loopback connection; until then nothing is held back. */
  async open(): Promise<void> {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    try {
      const [near, far] = await Promise.all([
        Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port }),
        listener.accept(),
      ]);
      this.#probe = { near, far };
    } finally {
      listener.close();
    }
  }

  /** Close the probe. */
  close(): void {
    const probe = this.#probe;
    this.#probe = undefined;
    if (probe === undefined) return;
    closeQuietly(probe.near);
    closeQuietly(probe.far);
  }

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
    if (this.#probeAt >= 0) {
      if (now - this.#probeAt < TURN_MS) return next();
      this.#held = [next];
      setTimeout(() => this.#breathe(), BREATH_MS);
      return;
    }
    if (now - this.#polledAt >= TURN_MS) this.#send(now);
    next();
  }

  #send(now: number): void {
    const probe = this.#probe;
    if (probe === undefined) return;
    this.#probeAt = now;
    // The read first, so that it waits: only the runtime's poll of the network completes it.
    probe.far.read(this.#readInto).then((n) => {
      this.#probeAt = -1;
      this.#polledAt = performance.now();
      if (n === null) this.close();
    }, () => {
      this.#probeAt = -1;
      this.close();
    });
    probe.near.write(this.#byte).catch(() => this.close());
  }

  #breathe(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const next of held) next();
  }
}
