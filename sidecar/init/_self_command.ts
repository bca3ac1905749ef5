/**
 * How the init process starts a daemon: it runs its own entry point again with `--daemon NAME`,
 * so each daemon is a separate process (a crash, a leak or a secret in one does not reach the
 * others) with its own environment and permission flags. From source or from the bundle
 * (`deno run … /app/sidecar.js`) that is `deno run FLAGS SCRIPT --daemon NAME`; a compiled binary
 * runs itself, and its permissions were fixed at compile time, so the flags cannot narrow them.
 * Every daemon relays bodies (egress, the git gate's pushes, supervise's requests), so each runs
 * with {@link BODY_RUNTIME_FLAGS} (a compiled binary has them from its compile).
 */
import { fileURLToPath } from "node:url";
import { ConfigError } from "../../core/errors/mod.ts";
import { BODY_RUNTIME_FLAGS } from "../../core/sidecar_contract/mod.ts";
import type { PermissionQuery } from "./_permissions.ts";

/** A program and its arguments. */
export interface SelfCommand {
  /** The executable. */
  command: string;
  /** Its arguments. */
  args: string[];
}

/** Options of {@link selfCommand}. */
export interface SelfCommandOptions {
  /** The daemon's permission flags (ignored by a compiled binary). */
  flags: readonly string[];
  /** The entry point to run again; defaults to `Deno.mainModule`. */
  mainModule?: string;
  /** Whether this is a compiled binary; defaults to `Deno.build.standalone`. */
  standalone?: boolean;
  /** Asks about the init process's run permission (tests replace it). */
  query?: PermissionQuery;
}

/**
 * The command that runs one daemon.
 *
 * @param daemon The daemon name.
 * @param options Flags and overrides.
 * @returns The command.
 * @throws {ConfigError} When the init process may not run Deno.
 */
export function selfCommand(daemon: string, options: SelfCommandOptions): SelfCommand {
  const query = options.query ?? ((d) => Deno.permissions.querySync(d).state);
  const daemonArgs = ["--daemon", daemon];
  const standalone = options.standalone ?? Deno.build.standalone;
  // A permission set can only name `deno` as found on PATH, while `Deno.execPath()` is the
  // resolved binary (often behind a symlink): prefer the exact binary we run as, else PATH's.
  const candidates = standalone ? [Deno.execPath()] : [Deno.execPath(), "deno"];
  const command = candidates.find((c) => query({ name: "run", command: c }) === "granted");
  if (command === undefined) {
    throw new ConfigError(
      `Cannot start daemon "${daemon}": the sidecar may not run "${
        candidates.at(-1)
      }" (add it to the run list of the sidecar's permission set)`,
    );
  }
  if (standalone) return { command, args: daemonArgs };
  const main = options.mainModule ?? Deno.mainModule;
  const script = main.startsWith("file:") ? fileURLToPath(main) : main;
  return {
    command,
    args: ["run", ...BODY_RUNTIME_FLAGS, ...options.flags, script, ...daemonArgs],
  };
}
