/**
 * The `bot-bottle` CLI entry point. The only place that maps errors to exit codes
 * (SPEC §4): usage errors exit 2, every other error exits 1, Ctrl-C exits 130.
 *
 * @module
 */
import { messageOf, UsageError } from "./core/errors/mod.ts";
import { type CliContext, runCli } from "./src/cli/mod.ts";
import { InterruptedError } from "./src/lifecycle/interrupt/mod.ts";

/**
 * Map an error to the line printed on stderr and the exit code.
 *
 * @param err Whatever the CLI threw.
 * @returns The message line (without newline) and the exit code.
 */
export function describeFailure(err: unknown): { line: string; code: number } {
  if (err instanceof InterruptedError) return { line: "bot-bottle: interrupted", code: 130 };
  const message = messageOf(err);
  const code = err instanceof UsageError ? 2 : 1;
  return { line: `bot-bottle: error: ${message}`, code };
}

async function main(): Promise<number> {
  const encoder = new TextEncoder();
  const ctx: CliContext = {
    env: Deno.env.toObject(),
    cwd: Deno.cwd(),
    stdout: { write: (text) => void Deno.stdout.writeSync(encoder.encode(text)) },
    stderr: { write: (text) => void Deno.stderr.writeSync(encoder.encode(text)) },
    stdinIsTty: Deno.stdin.isTerminal(),
    stdoutIsTty: Deno.stdout.isTerminal(),
  };
  // No process-wide SIGINT listener: the default disposition already exits 130, and a command
  // that owns a bottle listens itself while it does, tears it down, then throws
  // InterruptedError (mapped to 130 above).
  try {
    return await runCli(Deno.args, ctx);
  } catch (err) {
    const failure = describeFailure(err);
    ctx.stderr.write(`${failure.line}\n`);
    if (failure.code === 2) ctx.stderr.write("Run 'bot-bottle --help' for usage.\n");
    return failure.code;
  }
}

if (import.meta.main) Deno.exit(await main());
