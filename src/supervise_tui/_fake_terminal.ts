/** A terminal double for the runner's tests: scripted input, recorded output, settable size. */
import type { Terminal } from "./terminal.ts";
import type { Size } from "./types.ts";

/** The double plus handles to drive it. */
export interface FakeTerminal extends Terminal {
  /** Everything written, in order. */
  readonly output: string[];
  /** Raw-mode switches, in order. */
  readonly raw: boolean[];
  /** Type input. */
  type(text: string): void;
  /** Change the size and fire the resize listeners. */
  resize(size: Size | (() => Size)): void;
  /** Deliver SIGTERM/SIGHUP to the stop listeners. */
  stop(): void;
  /** The text written since the last clear of the screen, without escapes. */
  screen(): string;
}

/** A fake terminal of the given size. */
export function fakeTerminal(size: Size): FakeTerminal {
  const output: string[] = [];
  const raw: boolean[] = [];
  const listeners = new Set<() => void>();
  const stoppers = new Set<() => void>();
  const queue: string[] = [];
  const wake = { notify: () => {} };
  const state = { size: (): Size => size, closed: false };
  return {
    output,
    raw,
    write: (text) => void output.push(text),
    setRaw: (on) => void raw.push(on),
    size: () => state.size(),
    async *input() {
      while (!state.closed) {
        const next = queue.shift();
        if (next !== undefined) yield next;
        else await new Promise<void>((resolve) => (wake.notify = resolve));
      }
    },
    onResize(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onStop(listener) {
      stoppers.add(listener);
      return () => stoppers.delete(listener);
    },
    stop() {
      for (const listener of stoppers) listener();
    },
    close() {
      state.closed = true;
      wake.notify();
    },
    type(text) {
      queue.push(text);
      wake.notify();
    },
    resize(next) {
      state.size = typeof next === "function" ? next : () => next;
      for (const listener of listeners) listener();
    },
    screen() {
      const all = output.join("");
      const last = all.lastIndexOf("\x1b[2J");
      // Escape sequences are exactly what this pattern is about.
      // deno-lint-ignore no-control-regex
      return all.slice(Math.max(0, last)).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "\n");
    },
  };
}

/** Wait until `check` holds (polling), or fail with `what`. */
export async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
