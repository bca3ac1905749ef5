/**
 * The `token_patterns` rules: credential formats with a fixed literal prefix.
 *
 * Every rule starts with one of its `literals`, so the scanner only runs a rule's regex where a
 * literal occurs (found with a bigram table, see `_token_scanner.ts`). Every quantifier is bounded
 * and no two adjacent quantified classes overlap, so one attempt costs at most `maxLength` steps;
 * the left-boundary check means two attempts of the same rule never scan the same run.
 */

/** Which character may not precede a match (so `xghp_…` inside a longer word does not start one). */
export type LeftBoundary = "alnum" | "base64url" | "none";

/** One credential format. */
export interface TokenRule {
  /** Rule name reported in findings. */
  readonly name: string;
  /** A match starts with one of these. */
  readonly literals: readonly string[];
  /** Compare literals ASCII case-insensitively. */
  readonly ignoreCase: boolean;
  /** Index in each literal of the first of the two bigrams used to find it (needs length ≥ 3). */
  readonly anchor: number;
  /** Sticky regex run at the literal. */
  readonly pattern: RegExp;
  /** Upper bound of a match's length: the stream overlap this rule needs. */
  readonly maxLength: number;
  /** Characters after a match the regex may still look at (1 for a greedy stop or lookahead). */
  readonly slack: number;
  /** Characters that may not precede the match. */
  readonly leftBoundary: LeftBoundary;
  /** Leading characters safe to show in a snippet (the public prefix). */
  readonly shown: number;
  /** When true the finding covers only capture group 1, which ends the match. */
  readonly valueGroup: boolean;
}

type RuleSpec = Omit<TokenRule, "pattern" | "ignoreCase" | "anchor" | "slack" | "valueGroup"> & {
  source: string;
  ignoreCase?: boolean;
  anchor?: number;
  slack?: number;
  valueGroup?: boolean;
};

const B64URL = "[A-Za-z0-9_-]";
const PEM_BODY = "[A-Za-z0-9+/=\\s\\\\:,.-]";
const PEM_LABEL = "[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----";

/** A rule for `literal` followed by `min..max` characters of `body`. */
function prefixed(
  name: string,
  literal: string,
  body: string,
  [min, max]: [number, number],
  shown = 4,
): RuleSpec {
  return {
    name,
    literals: [literal],
    source: `${literal.replaceAll(".", "\\.")}${body}{${min},${max}}`,
    maxLength: literal.length + max,
    leftBoundary: "alnum",
    shown,
  };
}

const ALNUM = "[A-Za-z0-9]";
const GITLAB = "[A-Za-z0-9_.-]";
const SLACK = "[A-Za-z0-9-]";

const SPECS: readonly RuleSpec[] = Object.freeze([
  {
    name: "aws_access_key_id",
    literals: ["AKIA", "ASIA", "ABIA", "ACCA", "A3T"],
    source: "(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Za-z0-9])",
    maxLength: 20,
    leftBoundary: "alnum",
    shown: 4,
  },
  {
    name: "aws_secret_access_key",
    literals: ["secret"],
    ignoreCase: true,
    anchor: 1,
    source: "(?:(?<=aws[_-]?)secret[_-]?(?:access[_-]?)?key|secret[_-]?access[_-]?key)" +
      `["']?[ \\t]{0,4}[:=>][ \\t]{0,4}["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`,
    maxLength: 68,
    leftBoundary: "none",
    shown: 0,
    valueGroup: true,
  },
  prefixed("github_pat", "ghp_", ALNUM, [36, 255]),
  prefixed("github_oauth_token", "gho_", ALNUM, [36, 255]),
  prefixed("github_user_token", "ghu_", ALNUM, [36, 255]),
  prefixed("github_app_token", "ghs_", ALNUM, [36, 255]),
  prefixed("github_refresh_token", "ghr_", ALNUM, [36, 255]),
  { ...prefixed("github_fine_grained_pat", "github_pat_", "[A-Za-z0-9_]", [22, 255]), anchor: 4 },
  prefixed("gitlab_pat", "glpat-", GITLAB, [20, 255]),
  prefixed("gitlab_deploy_token", "gldt-", GITLAB, [20, 255]),
  prefixed("gitlab_runner_token", "glrt-", GITLAB, [20, 255]),
  prefixed("gitlab_trigger_token", "glptt-", GITLAB, [20, 255]),
  prefixed("slack_bot_token", "xoxb-", SLACK, [10, 255]),
  prefixed("slack_user_token", "xoxp-", SLACK, [10, 255]),
  {
    name: "slack_token",
    literals: ["xoxa-", "xoxe-", "xoxe.", "xoxo-", "xoxr-", "xoxs-"],
    source: "xox[aeors][.-][A-Za-z0-9.-]{10,255}",
    maxLength: 260,
    leftBoundary: "alnum",
    shown: 4,
  },
  { ...prefixed("slack_app_token", "xapp-", SLACK, [10, 255]), anchor: 2 },
  {
    name: "slack_webhook",
    literals: ["hooks.slack.com/services/"],
    anchor: 4,
    source:
      "hooks\\.slack\\.com/services/[A-Za-z0-9_]{6,16}/[A-Za-z0-9_]{6,16}/[A-Za-z0-9_]{16,64}",
    maxLength: 123,
    leftBoundary: "none",
    shown: 4,
  },
  { ...prefixed("stripe_secret_key", "sk_live_", ALNUM, [16, 247]), anchor: 1 },
  { ...prefixed("stripe_restricted_key", "rk_live_", ALNUM, [16, 247]), anchor: 1 },
  prefixed("anthropic_api_key", "sk-ant-", B64URL, [20, 300]),
  prefixed("openai_project_key", "sk-proj-", B64URL, [20, 300]),
  prefixed("openai_service_account_key", "sk-svcacct-", B64URL, [20, 300]),
  prefixed("openai_admin_key", "sk-admin-", B64URL, [20, 300]),
  prefixed("openai_api_key", "sk-", ALNUM, [32, 255], 3),
  {
    name: "google_api_key",
    literals: ["AIza"],
    anchor: 1,
    source: `AIza${B64URL}{35}`,
    maxLength: 39,
    leftBoundary: "alnum",
    shown: 4,
  },
  {
    name: "google_oauth_client_secret",
    literals: ["GOCSPX-"],
    anchor: 4,
    source: `GOCSPX-${B64URL}{28}`,
    maxLength: 35,
    leftBoundary: "alnum",
    shown: 4,
  },
  { ...prefixed("google_oauth_access_token", "ya29.", B64URL, [20, 2048]), anchor: 2 },
  {
    name: "private_key",
    literals: ["-----BEGIN"],
    anchor: 4,
    // The block up to its END line; without one (truncated, or longer than 16 KiB) the finding
    // runs to the end of the base64 body so redaction still removes the key material.
    source:
      `-----BEGIN${PEM_LABEL}(?:${PEM_BODY}{0,16384}?-----END${PEM_LABEL}|${PEM_BODY}{0,16384})`,
    maxLength: 16526,
    slack: 72,
    leftBoundary: "none",
    shown: 4,
  },
  {
    name: "jwt",
    literals: ["eyJ"],
    source: `eyJ${B64URL}{7,1021}\\.${B64URL}{2,16384}\\.${B64URL}{0,1024}`,
    maxLength: 18434,
    leftBoundary: "base64url",
    shown: 3,
  },
  {
    name: "npm_token",
    literals: ["npm_"],
    anchor: 1,
    source: "npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])",
    maxLength: 40,
    leftBoundary: "alnum",
    shown: 4,
  },
  { ...prefixed("pypi_token", "pypi-AgEIcHlwaS5vcmc", B64URL, [50, 1000], 5), anchor: 4 },
  {
    name: "huggingface_token",
    literals: ["hf_"],
    source: "hf_[A-Za-z]{34}(?![A-Za-z0-9])",
    maxLength: 37,
    leftBoundary: "alnum",
    shown: 3,
  },
  {
    name: "sendgrid_api_key",
    literals: ["SG."],
    source: `SG\\.${B64URL}{22}\\.${B64URL}{43}`,
    maxLength: 69,
    leftBoundary: "alnum",
    shown: 3,
  },
]);

/** Fresh rule objects (sticky regexes carry `lastIndex`, so each engine owns its own). */
export function tokenRules(): TokenRule[] {
  return SPECS.map(({ source, ...spec }) => ({
    ignoreCase: false,
    anchor: 0,
    slack: 1,
    valueGroup: false,
    ...spec,
    pattern: new RegExp(source, spec.ignoreCase ? "iy" : "y"),
  }));
}
