/**
 * The refusals of `provider.yaml` that are more than a type: argv templates, environment names
 * bot-bottle owns, values that look like real secrets, and paths kept with the state.
 */
import { isOwnedEnvName } from "../../core/sidecar_contract/mod.ts";

/** Anything that reads as a `{placeholder}` inside an argv element. */
const PLACEHOLDER_LIKE = /\{[a-z_]+\}/;

/** Environment variable names a provider may set. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Credential formats whose prefix alone gives them away (GitHub, GitLab, Slack, Stripe, OpenAI,
 * Anthropic, AWS, Google, npm, private keys, JWTs).
 */
const SECRET_SHAPES = [
  /\b(ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_]{16,}/,
  /\bglpat-[A-Za-z0-9_-]{16,}/,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/,
  /\b[rs]k_(live|test)_[A-Za-z0-9]{16,}/,
  /\bsk-[A-Za-z0-9_-]{20,}/,
  /\b(AKIA|ASIA)[A-Z0-9]{16}\b/,
  /\bAIza[A-Za-z0-9_-]{30,}/,
  /\bnpm_[A-Za-z0-9]{30,}/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\./,
];

/** A problem inside an argv template: the element to point at, and why. */
export interface ArgvProblem {
  /** Index of the element. */
  path: number[];
  /** Message. */
  message: string;
}

/**
 * Check an argv template.
 *
 * @param words The template.
 * @param allowed The placeholders it may hold, each only as a whole element.
 * @returns The first problem, or `undefined`.
 */
export function argvProblem(
  words: readonly string[],
  allowed: readonly string[],
): ArgvProblem | undefined {
  const url = allowed.includes("{url}");
  for (const [i, word] of words.entries()) {
    if (word.includes("\0")) return { path: [i], message: "must not contain a NUL character" };
    if (allowed.includes(word)) continue;
    const found = word.match(PLACEHOLDER_LIKE)?.[0];
    if (found !== undefined) {
      return {
        path: [i],
        message: allowed.includes(found)
          ? `${found} must be a whole element, not part of "${word}"`
          : `unknown placeholder ${found} (allowed here: ${allowed.join(", ") || "none"})`,
      };
    }
  }
  if (words[0] === "") return { path: [0], message: "must name a program" };
  if (url && words.filter((w) => w === "{url}").length !== 1) {
    return { path: [], message: "must contain {url} exactly once, as a whole element" };
  }
  return undefined;
}

/**
 * Check an environment name a provider sets (its env, placeholder or prompt variable).
 *
 * @param name The name.
 * @returns Why it is refused, or `undefined`.
 */
export function envNameProblem(name: string): string | undefined {
  if (!ENV_NAME.test(name)) return `"${name}" is not a variable name (letters, digits, _)`;
  if (isOwnedEnvName(name)) {
    return `"${name}" is set by bot-bottle itself (proxy, CA, home, git and engine variables)`;
  }
  return undefined;
}

/**
 * Check an environment value: a provider's env holds settings and placeholders, never a secret.
 *
 * @param value The value.
 * @returns Why it is refused, or `undefined`.
 */
export function envValueProblem(value: string): string | undefined {
  if (/\p{Cc}/u.test(value)) return "must not contain control characters";
  if (/\$\{|\?prompt/.test(value)) {
    return "must be a literal: a provider cannot read host variables or prompt the operator";
  }
  if (SECRET_SHAPES.some((shape) => shape.test(value)) || looksRandom(value)) {
    return "looks like a real secret; a provider's env holds no secrets: declare a " +
      "credential (the agent gets a placeholder, egress injects the real value)";
  }
  return undefined;
}

/** A long run of letters and digits of mixed case with no word structure: a token, not a setting. */
function looksRandom(value: string): boolean {
  return value.split(/[\s/.,:=@]+/).some((part) =>
    part.length >= 32 && /[a-z]/.test(part) && /[A-Z]/.test(part) && /[0-9]/.test(part)
  );
}

/**
 * Check a path kept with the state: relative to the agent's home, inside it.
 *
 * @param path The path.
 * @returns Why it is refused, or `undefined`.
 */
export function keepProblem(path: string): string | undefined {
  if (path === "" || path.startsWith("/") || path.split("/").some((p) => p === ".." || p === "")) {
    return `"${path}" must be a relative path inside the agent's home, without ".."`;
  }
  if (/\p{Cc}/u.test(path)) return "must not contain control characters";
  return undefined;
}
