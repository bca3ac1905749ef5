import type { Finding } from "./_types.ts";

/**
 * Replace every finding's span with `[REDACTED:<rule>]`. Overlapping spans merge into one marker
 * (named after the earliest finding), so no byte of a match survives.
 *
 * @throws {RangeError} When a finding does not lie inside `text` (offsets of another text).
 */
export function redactFindings(text: string, findings: readonly Finding[]): string {
  const spans = [...findings].sort((a, b) => a.start - b.start || b.end - a.end);
  let out = "";
  let pos = 0;
  for (const f of spans) {
    if (!(f.start >= 0 && f.start < f.end && f.end <= text.length)) {
      throw new RangeError(
        `Cannot redact finding "${f.rule}" at ${f.start}..${f.end}: text has ${text.length} chars`,
      );
    }
    if (f.end <= pos) continue;
    if (f.start >= pos) out += `${text.slice(pos, f.start)}[REDACTED:${f.rule}]`;
    pos = f.end;
  }
  return out + text.slice(pos);
}
