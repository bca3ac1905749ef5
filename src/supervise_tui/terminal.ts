/** The thin terminal layer: the only code that touches stdin/stdout, raw mode and signals. */
import type { Size } from "./types.ts";

/** What the UI needs from a terminal (tests pass a double). */
export interface Terminal {
  /** Write text as-is. */
  write(text: string): void;
  /** Switch raw mode on or off. */
  setRaw(raw: boolean): void;
  /** The current size. */
  size(): Size;
  /** Decoded input chunks until the input ends or {@link Terminal.close} is called. */
  input(): AsyncIterable<string>;
  /** Call `listener` when the terminal is resized; returns the unsubscribe function. */
  onResize(listener: () => void): () => void;
  /**
   * Call `listener` when the process is told to stop (SIGTERM, or SIGHUP when the terminal
   * closes), so the UI can restore the terminal first; returns the unsubscribe function.
   */
  onStop(listener: () => void): () => void;
  /** Stop reading input. */
  close(): void;
}

/** Enter the alternate screen and hide the cursor. */
export const ENTER_SCREEN = "\x1b[?1049h\x1b[?25l\x1b[2J";
/** Show the cursor, reset styles and leave the alternate screen. */
export const LEAVE_SCREEN = "\x1b[0m\x1b[?25h\x1b[?1049l";

/**
 * The process's own terminal.
 *
 * @returns A terminal on Deno's stdin/stdout.
 */
export function denoTerminal(): Terminal {
  const encoder = new TextEncoder();
  const reader = Deno.stdin.readable.getReader();
  return {
    write(text) {
      const bytes = encoder.encode(text);
      let written = 0;
      while (written < bytes.length) written += Deno.stdout.writeSync(bytes.subarray(written));
    },
    setRaw(raw) {
      Deno.stdin.setRaw(raw);
    },
    size() {
      return Deno.consoleSize();
    },
    async *input() {
      const decoder = new TextDecoder();
      while (true) {
        const { value, done } = await reader.read();
        if (done) return;
        yield decoder.decode(value, { stream: true });
      }
    },
    onResize(listener) {
      Deno.addSignalListener("SIGWINCH", listener);
      return () => Deno.removeSignalListener("SIGWINCH", listener);
    },
    onStop(listener) {
      const signals: Deno.Signal[] = ["SIGTERM", "SIGHUP"];
      for (const signal of signals) Deno.addSignalListener(signal, listener);
      return () => {
        for (const signal of signals) Deno.removeSignalListener(signal, listener);
      };
    },
    close() {
      reader.cancel().catch(() => {});
    },
  };
}
