/** Commands in a memory bottle's agent: answered by the agent behaviour the backend was given. */
import type { ExecOptions, ExecResult } from "../types.ts";
import { memoryNames, type MemoryWorld } from "./_world.ts";

/** Answers every command run in a memory bottle's agent, as its agent would. */
export type MemoryAgent = (
  slug: string,
  argv: readonly string[],
  options: ExecOptions,
) => ExecResult | Promise<ExecResult>;

/**
 * Run a command in a bottle's agent.
 *
 * @param world The engine.
 * @param agent The agent behaviour.
 * @param call The bottle, the command and how to run it.
 * @returns What the agent answered; code 137 at once when `options.signal` aborts first.
 * @throws {Error} When the bottle's agent does not run.
 */
export async function execInAgent(
  world: MemoryWorld,
  agent: MemoryAgent,
  call: { slug: string; argv: readonly string[]; options: ExecOptions },
): Promise<ExecResult> {
  const name = memoryNames(call.slug).agent;
  if (world.objects.get(name)?.state !== "running") {
    throw new Error(`memory engine: container "${name}" is not running`);
  }
  world.commands.push(["memory", "exec", name, ...call.argv]);
  const result = await untilAborted(agent(call.slug, call.argv, call.options), call.options.signal);
  // Standard input the agent did not read is closed, as a real process exiting would.
  if (call.options.stdin !== undefined && !call.options.stdin.locked) {
    await call.options.stdin.cancel();
  }
  // And output it did not write ends, as a real process exiting would end it.
  if (call.options.stdout !== undefined && !call.options.stdout.locked) {
    await call.options.stdout.close().catch(() => {});
  }
  return result;
}

/** The agent's answer, or a killed command's when `signal` aborts before it answers. */
async function untilAborted(
  answer: ExecResult | Promise<ExecResult>,
  signal: AbortSignal | undefined,
): Promise<ExecResult> {
  if (signal === undefined) return await answer;
  const killed: ExecResult = { code: 137, stdout: "", stderr: "" };
  if (signal.aborted) return killed;
  let onAbort = () => {};
  const aborted = new Promise<ExecResult>((resolve) => {
    onAbort = () => resolve(killed);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([answer, aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}
