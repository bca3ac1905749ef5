/**
 * Running commands in a bottle's agent: `container exec` as the agent user (root only for
 * provisioning), inheriting stdio or capturing it. With a terminal, the host terminal is put in
 * raw mode for the session: Apple's `exec --interactive --tty` relays bytes but leaves the host
 * terminal cooked, so keys such as Shift+Enter would wait for a newline (the original
 * implementation's `pty_forward`); `TERM` is forwarded by name.
 */
import type { ExecOptions, ExecResult } from "../types.ts";
import type { ContainerCli } from "./_cli.ts";
import { bottleNames } from "./_names.ts";

/**
 * Run a command in the agent container.
 *
 * @param slug The bottle's slug.
 * @param argv The command.
 * @param options TTY, user, extra env, capture, timeout, standard input and output.
 * @returns The exit code (124 on timeout) and captured output.
 */
export async function execInAgent(
  cli: ContainerCli,
  slug: string,
  argv: readonly string[],
  options: ExecOptions,
): Promise<ExecResult> {
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
    bottleNames(slug).agent,
    ...argv,
  ];
  const signal = options.timeoutMs === undefined
    ? undefined
    : AbortSignal.timeout(options.timeoutMs);
  const io = options.capture === true ? "piped" : "inherit";
  const raw = options.tty && options.capture !== true && Deno.stdin.isTerminal();
  if (raw) Deno.stdin.setRaw(true, { cbreak: false });
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
