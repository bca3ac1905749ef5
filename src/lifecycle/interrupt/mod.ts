/**
 * Ctrl-C and SIGTERM as an intent, not an exit. While a bottle exists the lifecycle listens for
 * them itself, tears the bottle down, then throws {@link InterruptedError}, which `main.ts` maps
 * to exit code 130. Outside those phases nobody listens, and the default disposition ends the
 * process with the same code.
 *
 * This folder stays free of heavy imports: `main.ts` loads it at startup.
 *
 * @module
 * @example
 * ```ts
 * import { InterruptedError, manualInterrupts } from "./mod.ts";
 * const source = manualInterrupts();
 * const seen: string[] = [];
 * using _listening = source.listen(() => seen.push("stop"));
 * source.interrupt();
 * console.assert(seen.length === 1);
 * console.assert(new InterruptedError().message === "interrupted");
 * ```
 */

/** The operator interrupted a command (Ctrl-C, SIGTERM); cleanup has already run. */
export class InterruptedError extends Error {
  /**
   * @param options The error that the interruption caused, when there is one.
   */
  constructor(options?: ErrorOptions) {
    super("interrupted", options);
    this.name = "InterruptedError";
  }
}

/** Where interruptions come from: the process's signals, or a test. */
export interface InterruptSource {
  /**
   * Call `handler` on every interruption until the returned handle is disposed.
   *
   * @param handler Must only record intent (no blocking work in a signal handler).
   * @returns A handle that stops listening.
   */
  listen(handler: () => void): Disposable;
}

/**
 * Ctrl-C, a polite kill, and a closed terminal (SIGHUP): each would otherwise end this process
 * with the bottle, and the sidecar's real tokens, left running.
 */
const SIGNALS: readonly Deno.Signal[] = Object.freeze(["SIGINT", "SIGTERM", "SIGHUP"]);

/**
 * SIGINT, SIGTERM and SIGHUP of this process.
 *
 * @returns A source that registers signal listeners only while listened to.
 */
export function processInterrupts(): InterruptSource {
  return {
    listen(handler) {
      for (const signal of SIGNALS) Deno.addSignalListener(signal, handler);
      return {
        [Symbol.dispose]() {
          for (const signal of SIGNALS) Deno.removeSignalListener(signal, handler);
        },
      };
    },
  };
}

/** An {@link InterruptSource} a test fires by hand. */
export interface ManualInterrupts extends InterruptSource {
  /** Interrupt every current listener. */
  interrupt(): void;
  /** How many listeners are registered now. */
  readonly listeners: number;
}

/**
 * An interrupt source for tests: `interrupt()` plays Ctrl-C.
 *
 * @returns The source.
 */
export function manualInterrupts(): ManualInterrupts {
  const handlers = new Set<() => void>();
  return {
    listen(handler) {
      const own = () => handler();
      handlers.add(own);
      return { [Symbol.dispose]: () => void handlers.delete(own) };
    },
    interrupt() {
      for (const handler of [...handlers]) handler();
    },
    get listeners() {
      return handlers.size;
    },
  };
}
