/**
 * Running a command in a container through its engine's `exec`: as a user, with a terminal when
 * asked (`TERM` forwarded by name), inheriting stdio, capturing it, or streaming it.
 */
import type { EngineCli } from "./engine_cli.ts";

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
  cli: EngineCli,
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
  const signal = options.timeoutMs === undefined
    ? undefined
    : AbortSignal.timeout(options.timeoutMs);
  const io = options.capture === true ? "piped" : "inherit";
  const raw = options.rawTerminal === true && options.tty && options.capture !== true &&
    Deno.stdin.isTerminal();
  if (raw) Deno.stdin.setRaw(true);
  try {
    const child = cli.command(args, {
      env: cli.env(env),
      stdin: options.stdin !== undefined ? "piped" : options.capture === true ? "null" : "inherit",
      stdout: options.stdout !== undefined ? "piped" : io,
      stderr: io,
      ...(signal === undefined ? {} : { signal }),
    }).spawn();
    // A command that stops reading early ends the feed: its exit code says what happened.
    const feeding = options.stdin?.pipeTo(child.stdin).catch(() => {});
    const draining = options.stdout === undefined ? undefined : child.stdout.pipeTo(options.stdout);
    const [status, stdout, stderr] = await Promise.all([
      child.status,
      options.stdout === undefined && options.capture === true
        ? new Response(child.stdout).text()
        : "",
      options.capture === true ? new Response(child.stderr).text() : "",
      feeding,
      draining,
    ]);
    return { code: signal?.aborted ? 124 : status.code, stdout, stderr };
  } finally {
    if (raw) Deno.stdin.setRaw(false);
  }
}
