/**
 * Running a command in a container through its engine's `exec`: as a user, with a terminal when
 * asked (`TERM` forwarded by name), inheriting stdio, capturing it, or streaming it.
 */
import { type HostCli, runAttached } from "../host_cli/mod.ts";

/** How to run a command inside a bottle (the backend contract's `ExecOptions`). */
export interface ExecRequest {
  /** Attach a terminal (raw TTY, `TERM` and window size forwarded). */
  tty: boolean;
  /** Run as this user instead of the agent user (root for provisioning). */
  user?: "agent" | "root";
  /** Extra environment for the command, passed by name from the child process environment. */
  env?: Readonly<Record<string, string>>;
  /** Capture stdout/stderr instead of inheriting them. */
  capture?: boolean;
  /** Kill the command after this many milliseconds. */
  timeoutMs?: number;
  /** Feed this to the command's standard input (closed at its end). */
  stdin?: ReadableStream<Uint8Array>;
  /** Stream the command's standard output here (binary; `capture` then keeps stderr only). */
  stdout?: WritableStream<Uint8Array>;
  /**
   * Give up on the command when this aborts: the engine client is ended at once and the exec
   * resolves with code 137, as for a killed command (the bottle's teardown is the caller's job).
   */
  signal?: AbortSignal;
}

/** What the engine needs beyond the request. */
export interface ExecTarget {
  /** The container. */
  container: string;
  /**
   * Put the host terminal in raw mode for a terminal session: an engine whose relay leaves it
   * cooked (Apple's `container`) would hold keys such as Shift+Enter back until a newline.
   */
  rawTerminal?: boolean;
}

/**
 * Run a command in a container.
 *
 * @param cli The engine CLI.
 * @param argv The command.
 * @param options The request and the container.
 * @returns The exit code (124 on timeout) and captured output.
 */
export async function execIn(
  cli: HostCli,
  argv: readonly string[],
  options: ExecRequest & ExecTarget,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...options.env };
  const term = Deno.env.get("TERM");
  if (options.tty && term !== undefined) env.TERM = term;
  const args = [
    "exec",
    ...(options.capture === true && options.stdin === undefined ? [] : ["--interactive"]),
    ...(options.tty ? ["--tty"] : []),
    "--user",
    options.user === "root" ? "0" : "agent",
    ...Object.keys(env).flatMap((name) => ["--env", name]),
    options.container,
    ...argv,
  ];
  const raw = options.rawTerminal === true && options.tty && options.capture !== true &&
    Deno.stdin.isTerminal();
  if (raw) Deno.stdin.setRaw(true);
  try {
    return await runAttached(cli, args, { ...options, secrets: env });
  } finally {
    if (raw) Deno.stdin.setRaw(false);
  }
}
