/**
 * The git gate's push scanner (SPEC §6.2): finds secrets in what a push adds, before the
 * gate forwards it upstream. The pre-receive hook parses its stdin with {@link parseRefUpdates},
 * calls {@link scanPush} with the hook's quarantine environment, and refuses the push on any
 * unsuppressed finding or on any thrown error (fail closed).
 *
 * Only commits new to the gate are scanned (`git rev-list <new> --not --all`); for each, the lines
 * it adds (`git diff-tree -p -U0 --text -M`, streamed), with the DLP engine's default outbound
 * detectors (`token_patterns`, `known_secrets`, `checksummed`) and the canary. A merge's line counts only when it is added
 * relative to every parent (an "evil merge"). Each file's added lines are joined by "\n", so a
 * private key block spanning lines is found; a finding whose every line contains `gitleaks:allow`
 * is reported with `suppressed: true` for the operator to decide. Each path a commit gives a file
 * that did not have it (added, renamed or copied to; `--raw`, so empty files count too) is scanned
 * as file `(path)`, line 1, and never suppressed. Each new commit's message and
 * header (all but tree and parent ids) and each new annotated tag's message and header are
 * scanned the same way; a ref pointing at a new tree or blob is refused.
 *
 * @module
 * @example
 * ```ts
 * import { DlpEngine } from "../../core/dlp/mod.ts";
 * import { describeFinding, parseRefUpdates, scanPush } from "./mod.ts";
 *
 * async function preReceive(stdin: string, gitDir: string): Promise<boolean> {
 *   const dlp = new DlpEngine({ knownSecrets: [], canary: "canary-0123456789abcdef" });
 *   const scan = await scanPush(parseRefUpdates(stdin), { gitDir, dlp, timeoutMs: 60_000 });
 *   for (const finding of scan.findings) console.error(describeFinding(finding));
 *   return scan.findings.length === 0;
 * }
 * console.assert(typeof preReceive === "function");
 * ```
 */
export { describeFinding } from "./_describe_finding.ts";
export { parseRefUpdates, type RefUpdate, RefUpdateError } from "./_ref_updates.ts";
export { scanPush } from "./_scan_push.ts";
export type { PushFinding, PushScan, ScanPushOptions } from "./_types.ts";
