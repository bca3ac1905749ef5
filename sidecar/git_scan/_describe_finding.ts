import type { PushFinding } from "./_types.ts";

/**
 * One human line per finding, for the git client and the log, e.g.
 * `refs/heads/main 1a2b3c4d5e6f config/aws.env:3 aws_access_key_id AKIA…(20 chars)`.
 * Control characters in the path or snippet are escaped so the line stays one line.
 *
 * @param f The finding.
 * @returns The description; it never contains the secret (only the redacted snippet).
 */
export function describeFinding(f: PushFinding): string {
  const allowed = f.suppressed ? " (gitleaks:allow)" : "";
  return `${f.ref} ${f.commit.slice(0, 12)} ${printable(f.file)}:${f.line} ${f.rule} ` +
    `${printable(f.snippet)}${allowed}`;
}

function printable(text: string): string {
  return text.replace(
    // deno-lint-ignore no-control-regex -- matching control characters is the point
    /[\x00-\x1f\x7f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}
