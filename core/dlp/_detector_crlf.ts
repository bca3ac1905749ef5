/**
 * `crlf` (outbound, always on for URLs and header values, block): a URL-encoded CRLF
 * (`%0d%0a`, any case) is a request-splitting attempt when it reaches a request line or a
 * header. Bodies are never checked: they are delimited by length, and form-encoded bodies carry
 * `%0D%0A` legitimately. Routes cannot turn it off.
 */
import type { Detector } from "./_detector.ts";
import type { Finding } from "./_types.ts";
import type { ScanPass, ScanWindow } from "./_window.ts";

/** `%0d%0a` is six bytes; a window keeps the five before its end for the next one. */
const LENGTH = 6;

/** Finds every `%0d%0a` in the scanned bytes. */
class CrlfPass implements ScanPass {
  readonly #location: string;
  #pos = 0;

  constructor(location: string) {
    this.#location = location;
  }

  scan(win: ScanWindow, out: Finding[]): void {
    const text = win.text();
    const from = Math.max(this.#pos - win.base, 0);
    for (let i = text.indexOf("%0", from); i !== -1; i = text.indexOf("%0", i + 1)) {
      if (i + LENGTH > text.length) break;
      if (text.slice(i, i + LENGTH).toLowerCase() !== "%0d%0a") continue;
      out.push({
        detector: "crlf",
        rule: "url_encoded_crlf",
        severity: "block",
        location: this.#location,
        snippet: text.slice(i, i + LENGTH),
        start: win.base + i,
        end: win.base + i + LENGTH,
      });
    }
    this.#pos = win.final ? win.end : Math.max(win.end - (LENGTH - 1), this.#pos);
  }

  keepFrom(): number {
    return this.#pos;
  }
}

/** The detector. */
export const CRLF = {
  name: "crlf",
  direction: "outbound",
  listable: false,
  defaultOn: true,
  emits: ["crlf"],
  compile: () => undefined,
  pass: (_state, scan) =>
    scan.location === "url" || scan.location.startsWith("header:")
      ? new CrlfPass(scan.location)
      : undefined,
} as const satisfies Detector<"crlf", undefined>;
