/**
 * The sidecar bundle's entry point (SPEC §6). Without arguments it is the init process (PID 1 in
 * the sidecar container): it starts the daemons named in `BOT_BOTTLE_SIDECAR_DAEMONS` as children
 * running this same file with `--daemon NAME`. The only place in the sidecar that maps errors to
 * exit codes: a usage error exits 2, anything else that fails exits 1.
 *
 * @module
 */
import { runDaemon, runGitHook, runSidecar } from "./init/mod.ts";
import { messageOf } from "../core/errors/mod.ts";

const USAGE =
  "usage: sidecar/main.ts [--daemon NAME | --git-hook | --warm-cache | --runtime-roots FILE]";

async function main(args: readonly string[]): Promise<number> {
  const encoder = new TextEncoder();
  const write = (text: string) => writeAll(encoder.encode(text));
  // Before the environment is read: the image's build runs this with --allow-sys alone.
  if (args.length === 2 && args[0] === "--runtime-roots") {
    return await runtimeRoots(args[1]!, write);
  }
  const options = { env: Deno.env.toObject(), write };
  if (args.length === 1 && args[0] === "--git-hook") return await gitHook(options.env, write);
  const daemon = args[0] === "--daemon" && args.length === 2 ? args[1] : undefined;
  // A daemon's stderr is prefixed with `[name]` by the init process; the init's own lines are not.
  const label = daemon === undefined ? "[sidecar] " : "";
  if (args.length > 0 && daemon === undefined) {
    write(`${label}error: ${USAGE}\n`);
    return 2;
  }
  try {
    return daemon === undefined ? await runSidecar(options) : await runDaemon(daemon, options);
  } catch (err) {
    write(`${label}error: ${messageOf(err)}\n`);
    return 1;
  }
}

/** The mirrors' pre-receive hook: its stderr lines reach the git client as `remote: …`. */
async function gitHook(
  env: Record<string, string>,
  write: (text: string) => void,
): Promise<number> {
  try {
    return await runGitHook(env, (line) => write(`${line}\n`));
  } catch (err) {
    write(`git gate: push refused: ${messageOf(err)}\n`);
    return 1;
  }
}

/**
 * `--runtime-roots FILE` (the image's build, with `--allow-sys`): write the runtime's trusted
 * roots where the daemons, which may not ask the runtime for them, read them
 * (`SIDECAR_RUNTIME_ROOTS`).
 */
async function runtimeRoots(file: string, write: (text: string) => void): Promise<number> {
  try {
    const { writeRuntimeRoots } = await import("./egress/mod.ts");
    write(`[sidecar] wrote ${writeRuntimeRoots(file)} runtime roots to ${file}\n`);
    return 0;
  } catch (err) {
    write(`[sidecar] error: cannot write the runtime roots to ${file}: ${messageOf(err)}\n`);
    return 1;
  }
}

/** Pipes may accept part of a write; lines must still reach stderr whole and in order. */
function writeAll(bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) offset += Deno.stderr.writeSync(bytes.subarray(offset));
}

/**
 * `--warm-cache` (the image build, with no permissions) only loads this module, to fill Deno's
 * code cache: Deno writes a module's cache once its evaluation ends, which an awaited main that
 * ends in `Deno.exit` would never let happen.
 */
function warmingCache(args: readonly string[]): boolean {
  return args.length === 1 && args[0] === "--warm-cache";
}

if (import.meta.main && !warmingCache(Deno.args)) Deno.exit(await main(Deno.args));
