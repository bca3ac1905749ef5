/**
 * The daemons the sidecar knows (SPEC §6): what each one is given (environment, permissions) and
 * how it runs.
 */
import { ConfigError } from "../../core/errors/mod.ts";
import {
  DAEMON_NAMES,
  type DaemonName,
  KNOWN_SECRET_PREFIX,
  readSetting,
  SIDECAR_ENV,
  TOKEN_SLOT_PREFIX,
} from "../../core/sidecar_contract/mod.ts";
import { egressConfig, egressPermissions, runEgressDaemon } from "./_egress_daemon.ts";
import {
  GIT_GATE_ENV_NAMES,
  gitGateConfig,
  gitGatePermissions,
  runGitGateDaemon,
} from "./_git_gate_daemon.ts";
import {
  runSuperviseDaemon,
  SUPERVISE_ENV_NAMES,
  superviseConfig,
  supervisePermissions,
} from "./_supervise_daemon.ts";
import type { EnvGrant, Environment } from "./_env.ts";
import type { DaemonPermissions } from "./_permissions.ts";
import type { DaemonIo } from "./_daemon_io.ts";

/** A daemon this sidecar can run. */
export interface AvailableDaemon {
  /** Variables only this daemon receives. */
  env: EnvGrant;
  /** Its permissions, from the init process's environment. */
  permissions(env: Environment): DaemonPermissions;
  /** Its entry point in the child process; resolves to the exit code. */
  run(env: Environment, io: DaemonIo): Promise<number>;
}

/** Every daemon the sidecar runs, by its contract name (`DAEMON_NAMES`). */
export const DAEMONS: Readonly<Record<DaemonName, AvailableDaemon>> = Object.freeze({
  egress: Object.freeze(
    {
      env: {
        names: [SIDECAR_ENV.canary.name],
        prefixes: [TOKEN_SLOT_PREFIX, KNOWN_SECRET_PREFIX],
      },
      permissions: (env: Environment) => egressPermissions(egressConfig(env)),
      run: (env: Environment, io: DaemonIo) => runEgressDaemon(env, io),
    } satisfies AvailableDaemon,
  ),
  // No secrets: only its own settings (BOT_BOTTLE_* reach every daemon).
  supervise: Object.freeze(
    {
      env: { names: SUPERVISE_ENV_NAMES, prefixes: [] },
      permissions: (env: Environment) => supervisePermissions(superviseConfig(env)),
      run: (env: Environment, io: DaemonIo) => runSuperviseDaemon(env, io),
    } satisfies AvailableDaemon,
  ),
  // The canary (a push carrying it is refused), never the tokens.
  "git-gate": Object.freeze(
    {
      env: { names: GIT_GATE_ENV_NAMES, prefixes: [] },
      permissions: (env: Environment) => gitGatePermissions(gitGateConfig(env)),
      run: (env: Environment, io: DaemonIo) => runGitGateDaemon(env, io),
    } satisfies AvailableDaemon,
  ),
});

/**
 * Parse `BOT_BOTTLE_SIDECAR_DAEMONS` (comma-separated names, spaces allowed).
 *
 * @param value The variable's value.
 * @returns The names, in order.
 * @throws {ConfigError} When it is empty, names a daemon twice, names an unknown daemon (the
 *   message lists the valid ones).
 */
export function parseDaemonList(value: string | undefined): string[] {
  const names = readSetting({ [SIDECAR_ENV.daemons.name]: value }, SIDECAR_ENV.daemons) ?? [];
  const known = DAEMON_NAMES.join(", ");
  if (names.length === 0) {
    throw new ConfigError(
      `${SIDECAR_ENV.daemons.name} is empty: name the daemons to run (${known})`,
    );
  }
  for (const [index, name] of names.entries()) {
    const daemon = lookup(name);
    if (daemon === undefined) {
      throw new ConfigError(
        `${SIDECAR_ENV.daemons.name} names unknown daemon "${name}" (valid: ${known})`,
      );
    }
    if (names.indexOf(name) !== index) {
      throw new ConfigError(`${SIDECAR_ENV.daemons.name} names "${name}" twice`);
    }
  }
  return names;
}

/**
 * The runnable daemon of that name.
 *
 * @param name A daemon name.
 * @returns Its table entry.
 * @throws {ConfigError} When the name is unknown.
 */
export function availableDaemon(name: string): AvailableDaemon {
  const daemon = lookup(name);
  if (daemon === undefined) {
    throw new ConfigError(`No daemon "${name}" in this sidecar (available: ${available()})`);
  }
  return daemon;
}

function lookup(name: string): AvailableDaemon | undefined {
  return Object.hasOwn(DAEMONS, name) ? DAEMONS[name as DaemonName] : undefined;
}

function available(): string {
  return DAEMON_NAMES.join(", ");
}
