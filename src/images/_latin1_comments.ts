/**
 * Keeping the sidecar bundle one byte per character. V8 stores a script's source as a one-byte
 * string only when every character fits in Latin-1; a single `–` anywhere makes the whole 3 MB
 * bundle a two-byte string, and every sidecar process (the init and each daemon) then holds about
 * 3 MB more of heap for it. Bundled code carries such characters only in comments (ours and its
 * dependencies'), so they are rewritten as `\uXXXX` there, where the text means nothing to the
 * program. Code lines are never touched: in an identifier or a raw template an escape would not
 * mean the same.
 */

/** A line that is a comment from its first non-blank character (`//`, `/*`, or a ` * ` line). */
const COMMENT_LINE = /^\s*(?:\/\/|\/\*|\*)/;
/** A character a one-byte string cannot hold: above U+00FF (an astral one as its two halves). */
const WIDE = /[\u0100-\uffff]/;

/** What {@link latin1Comments} made of a source. */
export interface Latin1Result {
  /** The source, its comment lines' wide characters escaped. */
  text: string;
  /** Wide characters left on code lines (the source then stays two bytes per character). */
  left: number;
}

/**
 * Escape every character above U+00FF on the comment lines of a JavaScript source.
 *
 * @param source The bundle.
 * @returns The rewritten source, and how many wide characters code lines still hold.
 */
export function latin1Comments(source: string): Latin1Result {
  let left = 0;
  const lines = source.split("\n").map((line) => {
    if (!WIDE.test(line)) return line;
    const wide = new RegExp(WIDE.source, "g");
    if (!COMMENT_LINE.test(line)) {
      left += line.match(wide)!.length;
      return line;
    }
    return line.replace(wide, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
  });
  return { text: lines.join("\n"), left };
}
