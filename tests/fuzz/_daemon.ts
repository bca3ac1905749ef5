/**
 * A sidecar daemon under fuzz, run as the sidecar runs it: `sidecar/main.ts --daemon NAME` under
 * the sidecar's permission set, with a clean environment, its heap capped so that a leak ends in
 * a crash the runner sees instead of a slow climb.
 */
import { fileURLToPath } from "node:url";
import { type ServerProcess, spawnServer } from "./_process.ts";
import type { Random } from "./_random.ts";
import type { Bed, CaseResult } from "./_runner.ts";

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

/**
 * A fuzz bed around a daemon: a temp folder under /tmp (the sidecar's permission set reads and
 * writes there), the daemon's files and settings written into it, the daemon started, and both
 * removed on dispose.
 *
 * @param name The daemon.
 * @param setup Writes its files into the folder; returns its settings.
 * @param runCase Runs one case against the daemon's port.
 * @returns The bed.
 */
export async function daemonBed(
  name: string,
  setup: (dir: string) => Promise<Record<string, string>>,
  runCase: (port: number, r: Random) => Promise<CaseResult>,
): Promise<Bed> {
  const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: `bb-fuzz-${name}-` });
  try {
    const daemon = await startDaemon(name, await setup(dir));
    return {
      process: daemon.process,
      runCase: (_index, r) => runCase(daemon.port, r),
      async [Symbol.asyncDispose]() {
        await daemon.process[Symbol.asyncDispose]();
        await Deno.remove(dir, { recursive: true });
      },
    };
  } catch (err) {
    await Deno.remove(dir, { recursive: true });
    throw err;
  }
}
