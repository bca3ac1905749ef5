/**
 * Text for the screen. Proposal text comes from inside a bottle, so every control character is
 * replaced before it reaches the operator's terminal: an escape sequence in a justification must
 * not be able to move the cursor, retitle the window or hide a line of the diff.
 */

/** SGR styles the UI uses. */
export type Style = "plain" | "reverse" | "bold" | "dim" | "red" | "green" | "yellow" | "cyan";

/** One screen row before styling: visible text only. */
export interface Row {
  /** The visible text (already safe). */
  text: string;
  /** How to paint it. */
  style: Style;
}

const SGR: Readonly<Record<Style, string>> = Object.freeze({
  plain: "",
  reverse: "\x1b[7m",
  bold: "\x1b[1m",
  dim: "\x1b[2m",
  red: "\x1b[31m",
  green: "\x1b[32m",
  yellow: "\x1b[33m",
  cyan: "\x1b[36m",
});

/**
 * Replace tabs with spaces, every other control character with U+FFFD, and each invisible
 * formatting character (bidi overrides and isolates, zero-width characters) with a visible
 * `<U+XXXX>`, so nothing reorders or hides what the operator reads.
 */
export function safeText(text: string): string {
  return Array.from(
    text.replaceAll("\t", "    "),
    (c) =>
      isControl(c)
        ? "\uFFFD"
        : INVISIBLE.test(c)
        ? `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}>`
        : c,
  ).join("");
}

const INVISIBLE = /^(?:\p{Cf}|[\u2028\u2029])$/u;

/** C0 controls, DEL and C1 controls: the characters a terminal acts on instead of printing. */
export function isControl(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

/** Cut a (safe) text to a width, marking the cut with an ellipsis. */
export function fit(text: string, width: number): string {
  const chars = Array.from(text);
  if (chars.length <= width) return text;
  return width <= 0 ? "" : `${chars.slice(0, width - 1).join("")}…`;
}

/** Break a (safe) text into rows of at most `width` characters. */
export function wrap(text: string, width: number): string[] {
  const chars = Array.from(text);
  if (chars.length === 0) return [""];
  const rows: string[] = [];
  for (let i = 0; i < chars.length; i += Math.max(1, width)) {
    rows.push(chars.slice(i, i + Math.max(1, width)).join(""));
  }
  return rows;
}

/** Paint a row padded to the full width (so reverse video spans the line). */
export function paintRow(row: Row, width: number): string {
  const text = fit(row.text, width);
  if (row.style === "plain") return text;
  const padded = row.style === "reverse" ? text.padEnd(width) : text;
  return `${SGR[row.style]}${padded}\x1b[0m`;
}

/** Age in the largest whole unit: `42s`, `3m`, `5h`, `2d`. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}
