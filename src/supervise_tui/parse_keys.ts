/** Terminal input (raw mode) as keys: the few escape sequences the UI uses, and printable text. */
import { isControl } from "./_text.ts";

/** A named key, or one printable character. */
export type Key = { name: KeyName } | { char: string };

/** The named keys the UI understands. */
export type KeyName =
  | "up"
  | "down"
  | "left"
  | "right"
  | "pageup"
  | "pagedown"
  | "home"
  | "end"
  | "enter"
  | "escape"
  | "backspace"
  | "ctrl-c"
  | "ctrl-u";

const CSI_KEYS: Readonly<Record<string, KeyName>> = Object.freeze({
  A: "up",
  B: "down",
  C: "right",
  D: "left",
  H: "home",
  F: "end",
  "1~": "home",
  "4~": "end",
  "5~": "pageup",
  "6~": "pagedown",
});

const CONTROL_KEYS: Readonly<Record<string, KeyName>> = Object.freeze({
  "\r": "enter",
  "\n": "enter",
  "\x7f": "backspace",
  "\b": "backspace",
  "\x03": "ctrl-c",
  "\x15": "ctrl-u",
});

/**
 * Split a chunk of raw terminal input into keys; unknown sequences and control bytes are dropped.
 *
 * @param input Decoded input, possibly several keys at once.
 * @returns The keys, in order.
 */
export function parseKeys(input: string): Key[] {
  const keys: Key[] = [];
  const chars = Array.from(input);
  let i = 0;
  while (i < chars.length) {
    const char = chars[i] ?? "";
    i += 1;
    if (char === "\x1b") {
      const next = chars[i];
      if (next !== "[" && next !== "O") {
        keys.push({ name: "escape" });
        continue;
      }
      // A CSI/SS3 sequence runs until its final byte (0x40–0x7e).
      let body = "";
      i += 1;
      while (i < chars.length) {
        const part = chars[i] ?? "";
        i += 1;
        body += part;
        if (/^[\x40-\x7e]$/.test(part)) break;
      }
      const name = CSI_KEYS[body];
      if (name !== undefined) keys.push({ name });
      continue;
    }
    const control = CONTROL_KEYS[char];
    if (control !== undefined) keys.push({ name: control });
    else if (!isControl(char)) keys.push({ char });
  }
  return keys;
}
