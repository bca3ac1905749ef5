/**
 * The egress log: JSON lines. Every refusal and every redaction is written whatever the level, so
 * an operator always sees why a request was refused or rewritten; level 1 adds the DLP warnings (findings that did not block) and
 * level 2 every forwarded request. Every line passes through the redactor, so token values and
 * detected secrets never reach it.
 */

/** Where log lines go (stderr in the sidecar, a test buffer in tests). */
export type LogSink = (line: string) => void;

/** One logged event; values are plain data. */
export type LogEvent = Record<string, string | number | boolean | undefined>;

/**
 * The fields a log line carries about a DLP finding.
 *
 * @param finding The finding (or a refusal's summary of it).
 * @returns The detector, its rule, the location and the redacted excerpt.
 */
export function findingFields(
  finding: { detector: string; rule: string; location: string; snippet: string },
): LogEvent {
  return {
    detector: finding.detector,
    detector_rule: finding.rule,
    location: finding.location,
    excerpt: finding.snippet,
  };
}

/** Writes egress events as redacted JSON lines. */
export class EgressLog {
  #level: 0 | 1 | 2;
  #sink: LogSink;
  #redact: (text: string) => string;

  /**
   * @param level 0 refusals only, 1 also warnings, 2 also every forwarded request.
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

  /** A refused request or response: written at every level. */
  block(event: LogEvent): void {
    this.#write("block", event);
  }

  /** A DLP finding redacted (or stripped) from a request instead of refused: every level. */
  redact(event: LogEvent): void {
    this.#write("redact", event);
  }

  /** A DLP finding that only warns (level ≥ 1). */
  warn(event: LogEvent): void {
    if (this.#level >= 1) this.#write("warn", event);
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
