/**
 * Bottle `env` values (SPEC §3): a literal string, one whole `${HOST_VAR}` reference
 * (interpolated from the host at launch), or `?prompt` (asked of the operator at launch).
 *
 * A `${` anywhere else in a value is refused rather than guessed at: embedded references
 * (`https://${HOST}/x`) are not supported, and a literal that merely looks like one would
 * surprise whoever reads the manifest next.
 */
import { z } from "zod";
import { ConfigError } from "../../core/errors/mod.ts";

/** Environment variable names, for both the bottle's env and the host references. */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One env value. */
export type EnvValue =
  | { kind: "literal"; value: string }
  | { kind: "host"; name: string }
  | { kind: "prompt" };

const HOST_REF = /^\$\{([^}]*)\}$/;

/** Schema of one env value, as written (a string) and as read (an {@link EnvValue}). */
export const EnvValueSchema = z.string().superRefine((text, ctx) => {
  const ref = HOST_REF.exec(text);
  if (ref && !ENV_NAME_PATTERN.test(ref[1] ?? "")) {
    ctx.addIssue({
      code: "custom",
      input: text,
      message: `names an invalid host variable ${JSON.stringify(ref[1])}; use letters, ` +
        "digits and _",
    });
  } else if (!ref && text.includes("${")) {
    ctx.addIssue({
      code: "custom",
      input: text,
      message: "embeds a ${…} reference; a value is either one whole ${HOST_VAR} or a literal " +
        "without ${",
    });
  }
}).transform((text): EnvValue => {
  const ref = HOST_REF.exec(text);
  if (ref) return { kind: "host", name: ref[1] as string };
  if (text === "?prompt") return { kind: "prompt" };
  return { kind: "literal", value: text };
}).describe("A literal, one whole ${HOST_VAR}, or ?prompt");

/** Schema of a whole `env` mapping. */
export const EnvSchema = z.record(
  z.string().regex(ENV_NAME_PATTERN, {
    error: "env names must be letters, digits and _, not starting with a digit",
  }),
  EnvValueSchema,
).describe("Environment of the agent: NAME → value");

/** Options of {@link resolveEnv}. */
export interface ResolveEnvOptions {
  /** The host environment `${HOST_VAR}` references read from. */
  hostEnv: Readonly<Record<string, string | undefined>>;
  /** Asks the operator for a `?prompt` value (hidden input); called once per such name. */
  prompt: (name: string) => Promise<string>;
}

/**
 * Turn a bottle's env into concrete values. Every host reference is checked before anyone is
 * prompted, so a missing variable never wastes the operator's typing.
 *
 * @param env The bottle's env.
 * @param options The host environment and the prompt function.
 * @returns NAME → value, in the bottle's order.
 * @throws {ConfigError} Naming every referenced host variable that is not set.
 */
export async function resolveEnv(
  env: Readonly<Record<string, EnvValue>>,
  options: ResolveEnvOptions,
): Promise<Record<string, string>> {
  const missing = Object.entries(env).flatMap(([name, value]) =>
    value.kind === "host" && options.hostEnv[value.name] === undefined
      ? [`${value.name} (for ${name})`]
      : []
  );
  if (missing.length > 0) {
    const noun = missing.length === 1 ? "variable is" : "variables are";
    throw new ConfigError(
      `Cannot resolve the bottle's env: host ${noun} not set: ${missing.join(", ")}`,
    );
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value.kind === "literal") out[name] = value.value;
    else if (value.kind === "host") out[name] = options.hostEnv[value.name] as string;
    else out[name] = await options.prompt(name);
  }
  return out;
}
