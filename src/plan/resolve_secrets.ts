/**
 * The secret values of a launch, read at the last moment: the agent's env (host variables and
 * operator prompts), the egress token slots and a fresh canary. They go from here straight into
 * the environment of the backend's child processes, never to disk or argv.
 */
import { SIDECAR_ENV } from "../../core/sidecar_contract/mod.ts";
import { ConfigError } from "../../core/errors/mod.ts";
import { type EnvValue, resolveEnv } from "../manifest/mod.ts";
import { CODEX_HOST_CREDENTIAL_TOKEN_REF, readCodexHostAuth } from "../providers/mod.ts";
import { CODEX_HOME } from "./_first_run.ts";
import type { BottlePlan, LaunchSecrets } from "./_types.ts";

/** Options of {@link resolveSecrets}. */
export interface ResolveSecretsOptions {
  /** The host environment. */
  hostEnv: Readonly<Record<string, string | undefined>>;
  /** Asks the operator for a `?prompt` value (hidden input). */
  prompt: (name: string) => Promise<string>;
}

/**
 * Read every secret a plan needs.
 *
 * @param plan The plan (for its token slots).
 * @param env The bottle's env as declared.
 * @param options Host environment and prompt.
 * @returns The values.
 * @throws {ConfigError} Naming every missing host variable (env references and token refs), or
 *   when the host's Codex login cannot be forwarded (missing, API-key auth, expired, malformed).
 */
export async function resolveSecrets(
  plan: BottlePlan,
  env: Readonly<Record<string, EnvValue>>,
  options: ResolveSecretsOptions,
): Promise<LaunchSecrets> {
  // Codex device auth: the access token is read from the host's login, not from a variable.
  const codex = plan.credential === "device" ? await readCodexHostAuth(options.hostEnv) : undefined;
  const valueOf = (from: string) =>
    from === CODEX_HOST_CREDENTIAL_TOKEN_REF && codex !== undefined
      ? codex.accessToken
      : options.hostEnv[from];
  const missing = plan.tokenSlots.filter((s) => !valueOf(s.from)).map((s) => s.from);
  if (missing.length > 0) {
    throw new ConfigError(
      `Cannot start bottle "${plan.bottle}": host variable${missing.length > 1 ? "s" : ""} ` +
        `${missing.join(", ")} (named by auth.token_ref) ${missing.length > 1 ? "are" : "is"} ` +
        "not set",
    );
  }
  const agentEnv = await resolveEnv(env, options);
  const canary = newCanary();
  agentEnv[SIDECAR_ENV.canary.name] = canary;
  const tokens = Object.fromEntries(
    plan.tokenSlots.map((s) => [s.slot, valueOf(s.from) as string]),
  );
  const agentFiles = codex === undefined
    ? []
    : [{ path: `${CODEX_HOME}/auth.json`, content: codex.dummyAuthJson }];
  return { agentEnv, tokens, canary, agentFiles };
}

/** A canary no scanner would mistake for anything else, unique per bottle. */
function newCanary(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `bbcanary-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
