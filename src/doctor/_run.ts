import type { ProgramResult } from "../../backends/mod.ts";

/**
 * Run a program with an argv array and a timeout, capturing its output. Never throws for a
 * missing program: doctor reports it instead.
 *
 * @param argv Program and arguments.
 * @param options Environment (PATH decides which program runs) and timeout.
 * @returns What happened.
 */
export async function runProgram(
  argv: readonly [string, ...string[]],
  options: { env: Record<string, string | undefined>; timeoutMs: number },
): Promise<ProgramResult> {
  const [program, ...args] = argv;
  const env = Object.fromEntries(
    Object.entries(options.env).filter((entry): entry is [string, string] =>
      entry[1] !== undefined
    ),
  );
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(program, {
      args,
      env,
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.PermissionDenied) {
      return { started: false, code: -1, stdout: "", stderr: String(err) };
    }
    throw err;
  }
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
  try {
    const output = await child.output();
    const decoder = new TextDecoder();
    return {
      started: true,
      code: output.signal === null ? output.code : -1,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
    };
  } finally {
    clearTimeout(timer);
  }
}
