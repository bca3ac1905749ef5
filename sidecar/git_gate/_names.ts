/**
 * What a push carries besides objects: ref names and push options. Both reach the upstream
 * verbatim (a branch named after a token, a GitLab `ci.variable=` option), so both are scanned
 * like content, and only branches and tags are forwarded at all (the mirror refreshes nothing
 * else, so anything else could never be checked against the upstream).
 */
import { defaultDetectors, type DlpEngine } from "../../core/dlp/mod.ts";
import type { RefUpdate } from "../git_scan/mod.ts";

/** The namespaces the gate forwards. */
const FORWARDED = ["refs/heads/", "refs/tags/"] as const;

/**
 * Why the push's names may not be forwarded, one line each (secrets redacted); empty when they
 * may.
 *
 * @param updates The ref updates.
 * @param options The push options, and the bottle's DLP engine.
 * @returns Lines for the git client.
 */
export function nameProblems(
  updates: readonly RefUpdate[],
  options: { pushOptions: readonly string[]; dlp: DlpEngine },
): string[] {
  const problems: string[] = [];
  for (const { ref } of updates) {
    if (!FORWARDED.some((prefix) => ref.startsWith(prefix))) {
      // Only the namespace: the rest of the name is scanned below and may be a secret.
      const namespace = ref.split("/").slice(0, 2).join("/");
      problems.push(`${printable(namespace)}/…: only branches and tags are forwarded`);
    }
  }
  const named = [
    ...updates.map((u) => ["ref name", u.ref] as const),
    ...options.pushOptions.map((o, i) => [`push option ${i + 1}`, o] as const),
  ];
  for (const [where, text] of named) {
    const findings = options.dlp.scanOutbound(text, {
      detectors: defaultDetectors("outbound"),
      location: where,
    }).filter((f) => f.severity === "block");
    for (const f of findings) problems.push(`(${where}) ${f.rule} ${printable(f.snippet)}`);
  }
  return problems;
}

// deno-lint-ignore no-control-regex -- control characters are what is escaped
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** One line, whatever the text holds. */
function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
