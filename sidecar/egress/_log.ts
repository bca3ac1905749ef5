/**
 * The egress log: JSON lines at level 0 (off), 1 (blocked requests) or 2 (every request).
 * Every line passes through the redactor, so token values and detected secrets never reach it.
 */

/** Where log lines go (stderr in the sidecar, a test buffer in tests). */
export type LogSink = (line: string) => void;

/** One logged event; values are plain data. */
export type LogEvent = Record<string, string | number | boolean | undefined>;

/** Writes egress events as redacted JSON lines. */
export class EgressLog {
  #level: 0 | 1 | 2;
  #sink: LogSink;
  #redact: (text: string) => string;

  /**
   * @param level 0 off, 1 blocks, 2 full.
   * @param options The sink and the redactor applied to every serialized line.
   */
  constructor(level: 0 | 1 | 2, options: { sink: LogSink; redact: (text: string) => string }) {
    this.#level = level;
    this.#sink = options.sink;
    this.#redact = options.redact;
  }

  /** Change the level (routes files carry it; a reload may change it). */
  setLevel(level: 0 | 1 | 2): void {
    this.#level = level;
  }

  /** A blocked request (level ≥ 1). */
  block(event: LogEvent): void {
    if (this.#level >= 1) this.#write("block", event);
  }

  /** A forwarded request (level 2). */
  request(event: LogEvent): void {
    if (this.#level >= 2) this.#write("request", event);
  }

  /** An operational event that is always logged: start, reload, errors. */
  info(event: LogEvent): void {
    this.#write("info", event);
  }

  #write(kind: string, event: LogEvent): void {
    const fields: LogEvent = {};
    for (const [key, value] of Object.entries(event)) {
      fields[key] = typeof value === "string" ? this.#redact(value) : value;
    }
    const line = JSON.stringify({ ts: new Date().toISOString(), kind, ...fields });
    this.#sink(this.#redact(line));
  }
}
