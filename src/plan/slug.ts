/**
 * Bottle slugs: the identifier every container, network, label and state path derives from, so
 * it matches one strict pattern (SPEC §1.7) whether generated or given with `--label`.
 */
import { UsageError } from "../../core/errors/mod.ts";
import { SLUG_PATTERN } from "../paths/mod.ts";

/**
 * A fresh slug for an agent: its name (trimmed to fit) and a random suffix.
 *
 * @param agent The agent's name (already `^[a-z][a-z0-9-]*$`).
 * @returns E.g. `dev-3f9a1c`.
 */
export function newSlug(agent: string): string {
  const suffix = Array.from(
    crypto.getRandomValues(new Uint8Array(3)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  return `${agent.slice(0, 32).replace(/-+$/, "")}-${suffix}`;
}

/**
 * Check a `--label` for use as a slug.
 *
 * @param label The label as given.
 * @returns The label.
 * @throws {UsageError} When it does not match {@link SLUG_PATTERN}.
 */
export function checkLabel(label: string): string {
  if (!SLUG_PATTERN.test(label)) {
    throw new UsageError(
      `--label "${label}" must be 2-40 lower-case letters, digits and dashes, starting with a ` +
        "letter and not ending with a dash",
    );
  }
  return label;
}
