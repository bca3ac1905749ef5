/**
 * Running commands in a bottle's agent container: `docker exec` as the agent user (root only
 * for provisioning), with a terminal when asked (raw TTY, `TERM` forwarded; docker forwards the
 * window size), inheriting stdio or capturing it.
 *
 * An exec can be given up on: under gVisor a `docker exec` whose sandbox went away never
 * returns, so the caller's abort signal ends the client itself instead of waiting for it.
 */
import { execIn } from "../../core/engine_cli/mod.ts";
import type { ExecOptions, ExecResult } from "../types.ts";
import type { DockerCli } from "./_docker.ts";
import { bottleNames } from "./_names.ts";

/**
 * Run a command in the agent container.
 *
 * @param slug The bottle's slug.
 * @param argv The command.
 * @param options TTY, user, extra env, capture, timeout, standard input, abort signal.
 * @returns The exit code (124 on timeout, 137 when aborted) and captured output.
 */
export function execInAgent(
  cli: DockerCli,
  slug: string,
  argv: readonly string[],
  options: ExecOptions,
): Promise<ExecResult> {
  return execIn(cli, argv, { ...options, container: bottleNames(slug).agent });
}
