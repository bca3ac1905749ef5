/**
 * Line prefixing for daemon output: every line a daemon writes reaches the init process's stderr
 * as `[name] line`, so the operator (and `docker logs`) can tell the daemons apart. Chunks from a
 * pipe split lines anywhere, so the prefixer buffers the unfinished tail until its newline, the
 * end of the stream, or `maxLineChars` (a daemon that never writes a newline must not grow the
 * init process's memory without bound).
 */

/** Options of {@link LinePrefixer}. */
export interface LinePrefixerOptions {
  /** Longest line kept whole; longer runs are emitted in pieces of this size. Default 64 KiB. */
  maxLineChars?: number;
}

/** Splits one byte stream into lines and prefixes each one. */
export class LinePrefixer {
  #prefix: string;
  #maxLineChars: number;
  #decoder = new TextDecoder();
  #pending = "";

  /**
   * @param name The daemon name shown in brackets.
   * @param options Line length limit.
   */
  constructor(name: string, options: LinePrefixerOptions = {}) {
    this.#prefix = `[${name}] `;
    this.#maxLineChars = options.maxLineChars ?? 64 * 1024;
  }

  /**
   * Feed a chunk.
   *
   * @param chunk Bytes as read from the pipe (UTF-8; invalid bytes become U+FFFD).
   * @returns The complete lines it finished, prefixed and newline-terminated (maybe empty).
   */
  push(chunk: Uint8Array): string {
    this.#pending += this.#decoder.decode(chunk, { stream: true });
    const lines = this.#pending.split("\n");
    this.#pending = lines.pop() ?? "";
    while (this.#pending.length > this.#maxLineChars) {
      lines.push(this.#pending.slice(0, this.#maxLineChars));
      this.#pending = this.#pending.slice(this.#maxLineChars);
    }
    return lines.map((line) => this.#format(line)).join("");
  }

  /**
   * The stream ended: flush the unterminated last line, if any.
   *
   * @returns That line, prefixed and newline-terminated, or an empty string.
   */
  end(): string {
    const rest = this.#pending + this.#decoder.decode();
    this.#pending = "";
    return rest === "" ? "" : this.#format(rest);
  }

  #format(line: string): string {
    return `${this.#prefix}${line.endsWith("\r") ? line.slice(0, -1) : line}\n`;
  }
}
