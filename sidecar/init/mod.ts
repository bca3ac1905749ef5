/**
 * The sidecar bundle's init process (SPEC §6): `sidecar/main.ts` runs {@link runSidecar} as PID 1
 * and {@link runDaemon} in each daemon child it starts.
 *
 * The init process reads `BOT_BOTTLE_SIDECAR_DAEMONS` (comma-separated: `egress`, `supervise`,
 * `git-gate`), then
 * runs `sidecar/main.ts --daemon NAME` once per daemon with a filtered environment
 * (`EGRESS_TOKEN_*` and `BOT_BOTTLE_CANARY` reach egress only) and narrower permission flags. It
 * prefixes each daemon's output lines with `[name]`, forwards SIGHUP to egress, turns SIGTERM or
 * SIGINT into SIGTERM to every daemon then SIGKILL after `BOT_BOTTLE_SIDECAR_GRACE_SECONDS`
 * (default 10), and stops everything with a non-zero result as soon as one daemon exits on its
 * own. Every configuration problem is reported before any daemon starts.
 *
 * The egress daemon reads `BOT_BOTTLE_EGRESS_ROUTES` (default `/state/egress/routes.yaml`),
 * `BOT_BOTTLE_EGRESS_CA_DIR` (default `/state/egress/ca`), `BOT_BOTTLE_EGRESS_LISTEN` (default
 * `0.0.0.0:9099`), the optional `BOT_BOTTLE_EGRESS_UPSTREAM_CA` file, and for `supervise` matches
 * `BOT_BOTTLE_QUEUE_DIR` with `BOT_BOTTLE_SLUG` (`EGRESS_TOKEN_ALLOW_TIMEOUT_SECONDS`, default 300).
 *
 * The supervise daemon (the MCP server of SPEC §6.3) needs `BOT_BOTTLE_QUEUE_DIR` and
 * `BOT_BOTTLE_SLUG`, reads the same routes file, listens on `BOT_BOTTLE_SUPERVISE_LISTEN` (default
 * `0.0.0.0:9100`) or its address in `BOT_BOTTLE_SUPERVISE_LISTEN_SUBNET`, and waits
 * `SUPERVISE_RESPONSE_TIMEOUT_SECONDS` (default 30) for the operator.
 *
 * The git-gate daemon reads `BOT_BOTTLE_GIT_GATE_CONFIG_DIR` (default `/state/git-gate`:
 * `repos.json` and `keys/<name>`), `BOT_BOTTLE_GIT_GATE_MIRROR_DIR` (default `/git`),
 * `BOT_BOTTLE_GIT_GATE_LISTEN` (default `0.0.0.0:9420`) or its `…_LISTEN_SUBNET`, the queue settings
 * for `gitleaks-allow` proposals (`SUPERVISE_GITLEAKS_ALLOW_TIMEOUT_SECONDS`, default 300) and
 * `BOT_BOTTLE_GIT_GATE_TIMEOUT_SECONDS` (default 600) for each git child. Its mirrors' pre-receive
 * hook runs `sidecar/main.ts --git-hook` ({@link runGitHook}).
 *
 * @module
 * @example
 * ```ts ignore
 * import { runSidecar } from "./mod.ts";
 * const encoder = new TextEncoder();
 * const code = await runSidecar({
 *   env: { ...Deno.env.toObject(), BOT_BOTTLE_SIDECAR_DAEMONS: "egress" },
 *   write: (text) => void Deno.stderr.writeSync(encoder.encode(text)),
 * });
 * Deno.exit(code);
 * ```
 */
import { type DaemonName, settingOrDefault, SIDECAR_ENV } from "../../core/sidecar_contract/mod.ts";
import { availableDaemon, parseDaemonList } from "./_daemons.ts";
import { daemonEnv, type Environment } from "./_env.ts";
import { assertWithinParent, permissionFlags } from "./_permissions.ts";
import { selfCommand } from "./_self_command.ts";
import { processSignals, type SignalSource } from "./_signals.ts";
import { type ChildSpec, DaemonGroup } from "./_daemon_group.ts";

export type { Environment } from "./_env.ts";
export { runGitHook } from "./_git_gate_daemon.ts";
export type { HandledSignal, SignalSource } from "./_signals.ts";

/** What the init process and the daemons read and write. */
export interface SidecarOptions {
  /** The process environment. */
  env: Environment;
  /** Writes to stderr: whole newline-terminated lines. */
  write: (text: string) => void;
  /** The signals to obey; defaults to the process's SIGTERM, SIGINT and SIGHUP. */
  signals?: SignalSource;
}

/**
 * Run the init process: start the configured daemons and supervise them until a signal stops
 * them or one of them exits.
 *
 * @param options Environment, stderr and signals.
 * @returns The exit code: 0 after a signal-driven stop in which every daemon exited cleanly.
 * @throws {ConfigError} Before starting anything, for a bad daemon list, grace period or daemon
 *   setting, or a daemon that would need a permission the init process lacks.
 */
export async function runSidecar(options: SidecarOptions): Promise<number> {
  const names = parseDaemonList(options.env[SIDECAR_ENV.daemons.name]);
  const graceMs = settingOrDefault(options.env, SIDECAR_ENV.graceSeconds) * 1000;
  const specs: ChildSpec[] = names.map((name) => {
    const daemon = availableDaemon(name);
    const permissions = daemon.permissions(options.env);
    assertWithinParent(name, permissions);
    return {
      name,
      ...selfCommand(name, { flags: permissionFlags(permissions) }),
      env: daemonEnv(options.env, daemon.env),
    };
  });
  const group = new DaemonGroup({
    write: options.write,
    graceMs,
    reloadTarget: "egress" satisfies DaemonName,
    signals: options.signals ?? processSignals(),
  });
  return await group.run(specs);
}

/**
 * Run one daemon in this process (the child side of `sidecar/main.ts --daemon NAME`).
 *
 * @param name The daemon name.
 * @param options Environment, stderr (the init process prefixes it) and signals.
 * @returns The exit code.
 * @throws {ConfigError} For an unknown daemon or bad settings.
 * @throws {ManifestError} When the egress routes file does not load.
 */
export function runDaemon(name: string, options: SidecarOptions): Promise<number> {
  return availableDaemon(name).run(options.env, {
    log: (line) => options.write(`${line}\n`),
    signals: options.signals ?? processSignals(),
  });
}
