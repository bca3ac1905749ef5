/**
 * Per-daemon Deno permissions. Each daemon child runs with an explicit, narrower permission set
 * than the init process (egress, which holds the tokens, may not run programs at all), and never a
 * wider one: every grant is checked against what the init process itself holds, because a Deno
 * process may start a `deno` child with any flags it likes.
 */
import { ConfigError } from "../../core/errors/mod.ts";

/** The permissions one daemon child runs with. */
export interface DaemonPermissions {
  /** Paths it may read. */
  read: readonly string[];
  /** Paths it may write. */
  write: readonly string[];
  /** Whether it may use the network (listen and connect). */
  net: boolean;
  /** Whether it may read its environment (already filtered, see `_env.ts`). */
  env: boolean;
  /** `Deno.permissions` sys kinds, e.g. `networkInterfaces`. */
  sys: readonly NonNullable<Deno.SysPermissionDescriptor["kind"]>[];
  /** Programs it may run. */
  run: readonly string[];
}

/** Answers whether the init process holds a permission (`Deno.permissions.querySync` by default). */
export type PermissionQuery = (descriptor: Deno.PermissionDescriptor) => Deno.PermissionState;

/**
 * The `deno run` flags for a permission set; never `--allow-all`, always `--no-prompt`.
 *
 * @param perms The daemon's permissions.
 * @returns Flags in a fixed order.
 * @throws {ConfigError} When a value contains a comma (it would split the flag's list).
 */
export function permissionFlags(perms: DaemonPermissions): string[] {
  const flags = ["--no-prompt"];
  const list = (flag: string, values: readonly string[]) => {
    const bad = values.find((value) => value.includes(","));
    if (bad !== undefined) {
      throw new ConfigError(`Cannot pass "${bad}" to ${flag}: a comma would split the list`);
    }
    if (values.length > 0) flags.push(`${flag}=${values.join(",")}`);
  };
  list("--allow-read", perms.read);
  list("--allow-write", perms.write);
  if (perms.net) flags.push("--allow-net");
  if (perms.env) flags.push("--allow-env");
  list("--allow-sys", perms.sys);
  list("--allow-run", perms.run);
  return flags;
}

/**
 * Refuse to give a daemon a permission the init process does not hold.
 *
 * @param daemon The daemon name, for the message.
 * @param perms What the daemon would get.
 * @param options `query` asks about the init process's own permissions (tests replace it).
 * @throws {ConfigError} Naming the first permission that would widen the init process's set.
 */
export function assertWithinParent(
  daemon: string,
  perms: DaemonPermissions,
  options: { query?: PermissionQuery } = {},
): void {
  const query = options.query ?? ((d) => Deno.permissions.querySync(d).state);
  const wanted: { descriptor: Deno.PermissionDescriptor; what: string }[] = [];
  for (const path of perms.read) {
    wanted.push({ descriptor: { name: "read", path }, what: `read access to "${path}"` });
  }
  for (const path of perms.write) {
    wanted.push({ descriptor: { name: "write", path }, what: `write access to "${path}"` });
  }
  if (perms.net) wanted.push({ descriptor: { name: "net" }, what: "network access" });
  if (perms.env) wanted.push({ descriptor: { name: "env" }, what: "environment access" });
  for (const kind of perms.sys) {
    wanted.push({ descriptor: { name: "sys", kind }, what: `sys access to "${kind}"` });
  }
  for (const command of perms.run) {
    wanted.push({ descriptor: { name: "run", command }, what: `permission to run "${command}"` });
  }
  for (const { descriptor, what } of wanted) {
    if (query(descriptor) !== "granted") {
      throw new ConfigError(
        `Cannot start daemon "${daemon}": it needs ${what}, which the sidecar process itself lacks (grant it in the sidecar's permission set)`,
      );
    }
  }
}
