/** The process signals the sidecar handles, as a subscription tests can replace. */

/** A signal the init process or a daemon reacts to. */
export type HandledSignal = "SIGTERM" | "SIGINT" | "SIGHUP";

/** Subscribe to signals; returns the function that unsubscribes. */
export type SignalSource = (listener: (signal: HandledSignal) => void) => () => void;

const HANDLED: readonly HandledSignal[] = Object.freeze(["SIGTERM", "SIGINT", "SIGHUP"]);

/**
 * The real process signals. Installing a listener also matters for PID 1: the kernel drops
 * signals a PID 1 has no handler for, so without these `docker stop` would wait out its timeout.
 *
 * @param handled The signals heard (default: all three).
 * @returns A source backed by `Deno.addSignalListener`.
 */
export function processSignals(handled: readonly HandledSignal[] = HANDLED): SignalSource {
  return (listener) => {
    const handlers = handled.map((signal) => [signal, () => listener(signal)] as const);
    for (const [signal, handler] of handlers) Deno.addSignalListener(signal, handler);
    return () => {
      for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
    };
  };
}
