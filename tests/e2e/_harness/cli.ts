/**
 * The bot-bottle CLI from source, as a user runs it: `deno run -P=cli main.ts <args>`, argv only,
 * with the world's controlled environment and a scratch working directory.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { bottleLeftovers, CLEAN } from "./leftovers.ts";
import { docker, dockerOk, e2eEngine, runProgram, type RunResult } from "./_docker.ts";
import { REPO, type World } from "./world.ts";

const CLI_PREFIX = [
  "run",
  "--quiet",
  "-P=cli",
  "--config",
  join(REPO, "deno.json"),
  join(REPO, "main.ts"),
];

/** How long a CLI call may take before the harness kills it (a launch builds images). */
const CLI_TIMEOUT_MS = 5 * 60_000;

/**
 * Run `bot-bottle <args>` to completion.
 *
 * @param world The world (environment, home).
 * @param args Arguments after `bot-bottle`.
 * @param options Time limit and extra environment.
 * @returns Exit code and output.
 */
export async function runCli(
  world: World,
  args: readonly string[],
  options: { timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<RunResult> {
  return await runProgram(Deno.execPath(), [...CLI_PREFIX, ...args], {
    env: { ...world.cliEnv, ...options.env },
    timeoutMs: options.timeoutMs ?? CLI_TIMEOUT_MS,
    cwd: await workDir(world),
  });
}

/** A CLI process left running (attached `start`), its output collected as it goes. */
export class RunningCli implements AsyncDisposable {
  /** Resolves once the process exits. */
  readonly result: Promise<RunResult>;
  readonly #child: Deno.ChildProcess;
  #exited = false;

  /** @param child The spawned CLI, stdout and stderr piped. */
  constructor(child: Deno.ChildProcess) {
    this.#child = child;
    this.result = child.output().then((out) => {
      this.#exited = true;
      return {
        code: out.code,
        stdout: new TextDecoder().decode(out.stdout),
        stderr: new TextDecoder().decode(out.stderr),
      };
    });
  }

  /** Whether the process has exited. */
  get exited(): boolean {
    return this.#exited;
  }

  /**
   * A signal as a terminal delivers it (SIGINT for Ctrl-C, SIGHUP when it closes): to the CLI and
   * every process it started (the foreground process group), not only to the CLI.
   *
   * @param signal The signal, SIGINT by default.
   */
  async interrupt(signal: Deno.Signal = "SIGINT"): Promise<void> {
    for (const pid of [this.#child.pid, ...await descendants(this.#child.pid)]) {
      try {
        Deno.kill(pid, signal);
      } catch (err) {
        // A child may exit between listing and signalling.
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      }
    }
  }

  /**
   * Wait for the exit.
   *
   * @param timeoutMs How long to wait.
   * @returns The result.
   * @throws {Error} After the time limit (the process and every process it started are then
   *   killed).
   */
  async finish(timeoutMs: number): Promise<RunResult> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    const result = await Promise.race([this.result, timeout]);
    clearTimeout(timer);
    if (result !== undefined) return result;
    // Its children too: an engine client left behind would hold the output pipes open for ever.
    await this.interrupt("SIGKILL");
    const late = await this.result;
    throw new Error(
      `the CLI did not exit within ${timeoutMs} ms; killed it:\n${late.stdout}\n${late.stderr}`,
    );
  }

  /**
   * Stop the process if it still runs (a failed test): Ctrl-C first so it can tear its bottle
   * down, SIGKILL after 30 s. Then reap it.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#exited) return void await this.result;
    await this.interrupt();
    await this.finish(30_000).catch(() => {});
  }
}

/**
 * Start `bot-bottle <args>` without waiting for it.
 *
 * @param world The world.
 * @param args Arguments after `bot-bottle`.
 * @param env Host settings on top of the world's (e.g. another agent base image).
 * @returns The running CLI; dispose it with `await using` so a failed test kills it.
 */
export async function spawnCli(
  world: World,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<RunningCli> {
  return new RunningCli(
    new Deno.Command(Deno.execPath(), {
      args: [...CLI_PREFIX, ...args],
      env: { ...world.cliEnv, ...env },
      clearEnv: true,
      cwd: await workDir(world),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn(),
  );
}

/**
 * `bot-bottle start <agent> --yes --detach`; the bottle is tracked for cleanup.
 *
 * @param world The world.
 * @param agent Agent name (`demo` or one in the world's home).
 * @param env Host variables added for this start (settings, `${HOST_VAR}` values).
 * @returns The slug (the last line of stdout).
 * @throws {Error} With the CLI's output when it fails or prints no slug.
 */
export async function startDetached(
  world: World,
  agent: string,
  env: Record<string, string> = {},
): Promise<string> {
  const before = await stateSlugs(world);
  const result = await runCli(world, ["start", agent, "--yes", "--detach"], { env });
  for (const slug of await stateSlugs(world)) if (!before.has(slug)) world.track(slug);
  const slug = result.stdout.trim().split("\n").at(-1)?.trim() ?? "";
  if (result.code !== 0 || !/^[a-z][a-z0-9-]*$/.test(slug)) {
    throw new Error(
      `bot-bottle start ${agent} --yes --detach: exit ${result.code}\n` +
        `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
  world.track(slug);
  // Every suite run under gVisor proves it ran there, not quietly under runc.
  const runtime = await docker([
    "inspect",
    "--format",
    // podman's HostConfig.Runtime is always "oci"; the runtime's name is here.
    e2eEngine() === "podman" ? "{{.OCIRuntime}}" : "{{.HostConfig.Runtime}}",
    `bot-bottle-${slug}`,
  ]);
  if (runtime.stdout.trim() !== world.runtime) {
    throw new Error(
      `bottle ${slug}'s agent runs under "${runtime.stdout.trim()}", not ${world.runtime}: ` +
        runtime.stderr,
    );
  }
  return slug;
}

/**
 * `bot-bottle exec <slug> -- <argv…>`.
 *
 * @param world The world.
 * @param slug The bottle.
 * @param argv The command inside the bottle.
 * @returns The command's exit code and output (as the CLI relays them).
 */
export function execIn(world: World, slug: string, argv: readonly string[]): Promise<RunResult> {
  return runCli(world, ["exec", slug, "--", ...argv], { timeoutMs: 2 * 60_000 });
}

/**
 * Run a bash script inside the bottle as the agent: `exec <slug> -- bash -c <script> bash <args…>`.
 * Values go in as positional parameters (`$1`…), never spliced into the script.
 *
 * @param world The world.
 * @param slug The bottle.
 * @param script The script, with options for its positional arguments.
 * @returns Its exit code and output.
 */
export function agentBash(
  world: World,
  slug: string,
  script: string,
  options: { args?: readonly string[] } = {},
): Promise<RunResult> {
  return execIn(world, slug, ["bash", "-c", script, "bash", ...(options.args ?? [])]);
}

/**
 * Names of the state dirs under the world's home (one per bottle that has not cleaned up).
 *
 * @param world The world.
 * @returns The slugs.
 */
export async function stateSlugs(world: World): Promise<Set<string>> {
  const slugs = new Set<string>();
  for await (const entry of Deno.readDir(join(world.home, "state"))) slugs.add(entry.name);
  return slugs;
}

/**
 * Wait until a bottle appears that was not there before (an attached `start` prints no slug
 * before its command runs), and track it.
 *
 * @param world The world.
 * @param before Slugs that existed already.
 * @param running The CLI process; waiting stops with an error if it exits first.
 * @returns The new slug.
 * @throws {Error} After 4 minutes, or when the CLI exits before a bottle appears.
 */
export async function waitForNewBottle(
  world: World,
  before: ReadonlySet<string>,
  running: RunningCli,
): Promise<string> {
  const deadline = Date.now() + 4 * 60_000;
  while (Date.now() < deadline && !running.exited) {
    const fresh = [...await stateSlugs(world)].find((slug) => !before.has(slug));
    if (fresh !== undefined) {
      world.track(fresh);
      return fresh;
    }
    await sleep(250);
  }
  const result = running.exited ? await running.result : undefined;
  throw new Error(
    result === undefined
      ? "no bottle appeared within 4 minutes"
      : `the CLI exited (${result.code}) before a bottle appeared:\n${result.stdout}\n${result.stderr}`,
  );
}

/**
 * Wait until a process whose command line contains `needle` runs in the bottle's agent
 * container (its own `ps`: `docker top` lists the host's processes for a gVisor sandbox).
 *
 * @param running The CLI that started the bottle; waiting stops with an error if it exits.
 * @param slug The bottle.
 * @param needle Part of the command line, e.g. `sleep 600`.
 * @throws {Error} After 4 minutes, or when the CLI exits first.
 */
export async function waitForAgentProcess(
  running: RunningCli,
  slug: string,
  needle: string,
): Promise<void> {
  const deadline = Date.now() + 4 * 60_000;
  let top = "";
  while (Date.now() < deadline && !running.exited) {
    top = await dockerOk(["exec", `bot-bottle-${slug}`, "ps", "-eo", "pid,args"])
      .catch((err) => `${err}`);
    if (top.includes(needle)) return;
    await sleep(250);
  }
  const result = running.exited ? await running.result : undefined;
  throw new Error(
    result === undefined
      ? `"${needle}" never ran in bot-bottle-${slug}; its ps said:\n${top}`
      : `the CLI exited (${result.code}) before "${needle}" ran:\n${result.stdout}\n${result.stderr}`,
  );
}

async function workDir(world: World): Promise<string> {
  const dir = join(world.dir, "work");
  await Deno.mkdir(dir, { recursive: true });
  return dir;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Every descendant of a process, from /proc (children of each task, recursively). */
async function descendants(pid: number): Promise<number[]> {
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    const tasks = await Array.fromAsync(Deno.readDir(`/proc/${parent}/task`)).catch(() => []);
    for (const task of tasks) {
      const text = await Deno.readTextFile(`/proc/${parent}/task/${task.name}/children`)
        .catch(() => "");
      for (const child of text.split(/\s+/).filter((t) => t !== "").map(Number)) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

/** An attached `start` whose command is running: the CLI and its bottle. */
export interface AttachedBottle extends AsyncDisposable {
  /** The running CLI. */
  cli: RunningCli;
  /** The bottle's slug. */
  slug: string;
}

/**
 * Start `start <agent> --yes -- <command…>` attached and wait until the command runs in the
 * agent container.
 *
 * @param world The world.
 * @param agent The agent to start.
 * @param command The command; its command line must show in `ps` as given (e.g. `sleep 600`).
 * @returns The CLI and slug; dispose with `await using` so a failed test kills the CLI.
 * @throws {Error} When no bottle or command shows up in time (the CLI is killed then).
 */
export async function startAttached(
  world: World,
  agent: string,
  command: readonly string[],
): Promise<AttachedBottle> {
  const before = await stateSlugs(world);
  const cli = await spawnCli(world, ["start", agent, "--yes", "--", ...command]);
  try {
    const slug = await waitForNewBottle(world, before, cli);
    await waitForAgentProcess(cli, slug, command.join(" "));
    return { cli, slug, [Symbol.asyncDispose]: () => cli[Symbol.asyncDispose]() };
  } catch (err) {
    await cli[Symbol.asyncDispose]();
    throw err;
  }
}

/**
 * `bot-bottle stop <slug>`, which must exit 0 and leave nothing of the bottle behind.
 *
 * @param world The world.
 * @param slug The bottle.
 */
export async function stopLeavingNothing(world: World, slug: string): Promise<void> {
  const stop = await runCli(world, ["stop", slug]);
  assert.equal(stop.code, 0, stop.stderr);
  assert.deepEqual(await bottleLeftovers(world.home, slug), CLEAN);
}
