import type { DlpEngine } from "../../src/dlp/mod.ts";

/** A secret found in a line a push adds. */
export interface PushFinding {
  /** The pushed ref whose new commits include `commit`. */
  ref: string;
  /** Full id of the commit that adds the line. */
  commit: string;
  /** Path of the file in that commit. */
  file: string;
  /** 1-based line in the new file where the finding starts. */
  line: number;
  /** The DLP rule, e.g. `github_pat`, `private_key`, `canary`. */
  rule: string;
  /** The DLP detector: `token_patterns`, `known_secrets` or `canary`. */
  detector: string;
  /** The DLP engine's redacted snippet, never the secret. */
  snippet: string;
  /** The added line where the finding starts contains `gitleaks:allow`. */
  suppressed: boolean;
}

/** Where to scan and with what. */
export interface ScanPushOptions {
  /** The bare repo. */
  gitDir: string;
  /** Extra env for every git child (the hook's GIT_OBJECT_DIRECTORY, GIT_QUARANTINE_PATH, …). */
  env?: Record<string, string>;
  /** The bottle's DLP engine (known secrets and canary). */
  dlp: DlpEngine;
  /** Per git subprocess; on expiry it is killed and the scan throws. */
  timeoutMs: number;
  /** The git binary; default `git`. */
  git?: string;
}

/** The outcome of a push scan. */
export interface PushScan {
  /** Every block finding, suppressed or not, in scan order. */
  findings: PushFinding[];
  /** How many commits new to the gate were scanned. */
  commits: number;
  /** Added-line bytes given to the DLP engine (with the "\n" joining the lines). */
  bytes: number;
}
