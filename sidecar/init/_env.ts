/**
 * The environment each daemon child gets. Daemons start from an empty environment plus an
 * allowlist, so a variable the container happens to carry (a registry token, a cloud credential)
 * reaches no daemon, and the secrets one daemon needs reach only that daemon: `EGRESS_TOKEN_*`
 * and `BOT_BOTTLE_CANARY` go to egress alone (SPEC §1.2, §6).
 */

import { type Environment, SIDECAR_ENV } from "../../core/sidecar_contract/mod.ts";

export type { Environment };

/** Variables a daemon receives on top of the common allowlist. */
export interface EnvGrant {
  /** Exact names. */
  names: readonly string[];
  /** Name prefixes. */
  prefixes: readonly string[];
}

/**
 * What every daemon may see: process basics, the Deno cache location and TLS store choice (the
 * child is a Deno process too), and the `BOT_BOTTLE_*` configuration. `DENO_AUTH_TOKENS` is
 * deliberately absent: it is a credential.
 */
const COMMON_NAMES: ReadonlySet<string> = new Set([
  "PATH",
  "HOME",
  "TZ",
  "LANG",
  "LC_ALL",
  "NO_COLOR",
  "DENO_DIR",
  "DENO_CERT",
  "DENO_TLS_CA_STORE",
  "DENO_NO_UPDATE_CHECK",
]);

/** `BOT_BOTTLE_*` names that are secrets, not configuration: granted only by an {@link EnvGrant}. */
const SECRET_CONFIG_NAMES: ReadonlySet<string> = new Set([SIDECAR_ENV.canary.name]);

/**
 * Build a daemon's environment from the init process's.
 *
 * @param parent The init process's environment.
 * @param grant The daemon's own variables.
 * @returns The filtered copy.
 */
export function daemonEnv(parent: Environment, grant: EnvGrant): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined) continue;
    if (
      isCommon(name) || grant.names.includes(name) || grant.prefixes.some((p) => name.startsWith(p))
    ) {
      env[name] = value;
    }
  }
  return env;
}

function isCommon(name: string): boolean {
  if (COMMON_NAMES.has(name)) return true;
  return name.startsWith("BOT_BOTTLE_") && !SECRET_CONFIG_NAMES.has(name);
}
