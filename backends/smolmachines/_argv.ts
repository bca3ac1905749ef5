/**
 * The smolvm argv for each step of a bottle, from the launch's specs. Shared by `prepare` (which
 * shows them) and the primitives (which run them), so a dry run shows exactly what runs. Flag
 * shapes are smolvm's documented ones: smol-machines/docs `local/machine-lifecycle-cli-reference.md`
 * and the clap definitions in smol-machines/smolvm `src/cli/machine.rs` (`CreateCmd`, `ExecCmd`,
 * `StatusCmd`, `DeleteCmd`) and `src/cli/pack.rs` (`pack create --from-vm NAME -o PATH`).
 * Settings travel as `-e NAME=value`; secrets only as `--secret-file NAME=/abs/path` (the value
 * is read on the host from a 0600 file at every start and exec, never persisted in the machine's
 * record or a pack) or, for one exec, `--secret-env NAME=NAME` (read from smolvm's own
 * environment).
 */
import type { AgentSpec, BottleRef, ExecOptions, ResourceLimits } from "../types.ts";
import { machineLabels, machineName } from "./_names.ts";

/** What smolvm calls a packed machine (`smolvm pack create` writes `<output>.smolmachine`). */
export const PACK_SUFFIX = ".smolmachine";

/** The user every agent command runs as unless provisioning asks for root. */
export const AGENT_USER = "agent";

const MIB = 1024 ** 2;

/**
 * The caps as smolvm flags: whole vCPUs (`--cpus`, a u8) and guest memory in MiB (`--mem`).
 * A micro-VM has no process cap: its processes live and die inside its own kernel and memory.
 *
 * @param limits The bottle's caps.
 * @returns The flags.
 */
export function limitFlags(limits: Readonly<ResourceLimits>): string[] {
  const cpus = Math.min(255, Math.max(1, Math.ceil(limits.cpus)));
  return ["--cpus", String(cpus), "--mem", String(Math.max(1, Math.ceil(limits.memory / MIB)))];
}

/**
 * `smolvm machine create` for the agent: egress only to the bottle's loopback alias (the TSI
 * allowlist, `--allow-cidr <alias>/32`; `--net` too, because smolvm 0.8.0 dropped a bare
 * `--allow-cidr` on `--from` and the post-start check must find the allowlist, not no network),
 * the guest's resolver pointed at the alias where nothing answers DNS, the mounts read-only.
 *
 * @param bottle The bottle.
 * @param spec Image, environment, mounts and caps.
 * @param options The alias, and the host file of each secret variable.
 * @returns The argv after `smolvm`.
 */
export function createArgs(
  bottle: BottleRef,
  spec: AgentSpec,
  options: { alias: string; secretFiles: Readonly<Record<string, string>> },
): string[] {
  const source = spec.image.endsWith(PACK_SUFFIX) ? "--from" : "--image";
  return [
    "machine",
    "create",
    "--name",
    machineName(bottle.slug),
    ...machineLabels(bottle),
    source,
    spec.image,
    ...limitFlags(spec.limits),
    "--net",
    "--allow-cidr",
    `${options.alias}/32`,
    "--dns",
    options.alias,
    ...spec.mounts.flatMap((
      m,
    ) => ["--volume", `${m.source}:${m.target}${m.readonly ? ":ro" : ""}`]),
    ...Object.entries(spec.env).flatMap(([name, value]) => ["--env", `${name}=${value}`]),
    ...spec.secretEnv.flatMap((name) => [
      "--secret-file",
      `${name}=${options.secretFiles[name] ?? `<secret-file-${name}>`}`,
    ]),
  ];
}

/**
 * `smolvm machine exec` of a command, as the agent user (root only for provisioning), with
 * a terminal when asked. `sh -c`, never `sh -lc`: a login shell would read profile files the
 * agent can write.
 *
 * @param slug The bottle's slug.
 * @param argv The command.
 * @param options TTY, user, extra secret variables by name, whether stdin is fed, timeout.
 * @returns The argv after `smolvm`.
 */
export function execArgs(
  slug: string,
  argv: readonly string[],
  options: Pick<ExecOptions, "tty" | "user" | "timeoutMs"> & {
    interactive: boolean;
    secretNames?: readonly string[];
    term?: string;
  },
): string[] {
  return [
    "machine",
    "exec",
    "--name",
    machineName(slug),
    ...(options.interactive ? ["--interactive"] : []),
    ...(options.tty ? ["--tty"] : []),
    "--user",
    options.user === "root" ? "root" : AGENT_USER,
    ...(options.term === undefined ? [] : ["--env", `TERM=${options.term}`]),
    ...(options.secretNames ?? []).flatMap((name) => ["--secret-env", `${name}=${name}`]),
    ...(options.timeoutMs === undefined
      ? []
      : ["--timeout", `${Math.ceil(options.timeoutMs / 1000)}s`]),
    "--",
    ...argv,
  ];
}

/**
 * `smolvm machine <verb> --name <machine>` for start, stop and status.
 *
 * @param verb The subcommand.
 * @param slug The bottle's slug.
 * @returns The argv after `smolvm`.
 */
export function machineArgs(verb: "start" | "stop" | "status", slug: string): string[] {
  return ["machine", verb, "--name", machineName(slug), ...(verb === "status" ? ["--json"] : [])];
}

/**
 * `smolvm machine delete --name <machine> --force` (no prompt; a running machine is stopped first).
 *
 * @param name The machine.
 * @returns The argv after `smolvm`.
 */
export function deleteArgs(name: string): string[] {
  return ["machine", "delete", "--name", name, "--force"];
}
