import type { Finding } from "./_types.ts";

/**
 * Append a finding for every URL-encoded CRLF (`%0d%0a`, any case): a request-splitting attempt
 * when it reaches a request line or a header. Bodies are not checked: they are delimited by length, and form-encoded bodies
 * carry `%0D%0A` legitimately.
 */
export function crlfFindings(text: string, location: string, out: Finding[]): void {
  for (let i = text.indexOf("%0"); i !== -1; i = text.indexOf("%0", i + 1)) {
    if (text.slice(i, i + 6).toLowerCase() !== "%0d%0a") continue;
    out.push({
      detector: "crlf",
      rule: "url_encoded_crlf",
      severity: "block",
      location,
      snippet: text.slice(i, i + 6),
      start: i,
      end: i + 6,
    });
  }
}

/** Whether CRLF is checked at a location: the URL and header values, never bodies. */
export function checksCrlf(location: string): boolean {
  return location === "url" || location.startsWith("header:");
}
