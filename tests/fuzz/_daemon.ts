/**
 * A sidecar daemon under fuzz, run as the sidecar runs it: `sidecar/main.ts --daemon NAME` under
 * the sidecar's permission set, with a clean environment, its heap capped so that a leak ends in
 * a crash the runner sees instead of a slow climb.
 */
import { fileURLToPath } from "node:url";
import { type ServerProcess, spawnServer } from "./_process.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The V8 flags of every process under fuzz: a heap this small cannot hide a leak of a few KiB a
 * case over thousands of cases (a process that needs more crashes, and the runner reports it).
 */
export const FUZZ_V8_FLAGS = "--max-old-space-size=96";

/**
 * Start a daemon and wait for its listening line.
 *
 * @param name The daemon (`supervise`, `git-gate`).
 * @param env Its settings (`BOT_BOTTLE_*`).
 * @returns The process and the port it listens on.
 */
export async function startDaemon(
  name: string,
  env: Record<string, string>,
): Promise<{ process: ServerProcess; port: number }> {
  const denoDir = Deno.env.get("DENO_DIR");
  const process = spawnServer(Deno.execPath(), {
    args: ["run", "-q", "-P=sidecar", `${ROOT}sidecar/main.ts`, "--daemon", name],
    cwd: ROOT,
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: Deno.env.get("HOME") ?? "/root",
      ...(denoDir === undefined ? {} : { DENO_DIR: denoDir }),
      DENO_V8_FLAGS: FUZZ_V8_FLAGS,
      ...env,
    },
  });
  try {
    const [, port] = await process.waitFor(/"event":"listening","address":"[^"]*:(\d+)"/);
    return { process, port: Number(port) };
  } catch (err) {
    await process[Symbol.asyncDispose]();
    throw err;
  }
}
