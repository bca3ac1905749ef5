/**
 * A server under fuzz as its own process: its stderr kept (a crash prints there), whether it still
 * runs, and its memory read from `/proc/<pid>/status` (through `cat`: Deno reads another process's
 * status file only with every permission).
 */

/** What a runtime prints when a process dies of an error nobody caught. */
const CRASH_TRACE =
  /Uncaught|panicked at|RUST_BACKTRACE|Segmentation fault|FATAL ERROR|out of memory/i;

/** What a process's status file says about its memory, in KiB. */
export interface Memory {
  /** Resident now (`VmRSS`). */
  rssKiB: number;
  /** The most it was ever resident (`VmHWM`). */
  peakKiB: number;
}

/** A spawned server. */
export interface ServerProcess extends AsyncDisposable {
  /** Its process id. */
  pid: number;
  /** Its stderr so far. */
  stderr(): string;
  /** The first crash trace it printed (an uncaught error, a panic), if any. */
  crashTrace(): string | undefined;
  /** Whether it has exited. */
  exited(): boolean;
  /** How it exited, with the tail of its stderr; undefined while it runs. */
  exitReport(): string | undefined;
  /** Wait until stderr matches (the listening line); throws when it exits or 60 s pass first. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  /** Its memory now. */
  memory(): Promise<Memory>;
}

/**
 * Spawn a server process with a piped stderr.
 *
 * @param command The program.
 * @param options Its arguments, working directory and environment (added to the inherited one,
 *   or alone with `clearEnv`).
 * @returns The process; dispose it to stop it (SIGTERM) and wait for it.
 */
export function spawnServer(
  command: string,
  options: { args: string[]; cwd: string; env?: Record<string, string>; clearEnv?: boolean },
): ServerProcess {
  return watchServer(
    new Deno.Command(command, {
      args: options.args,
      cwd: options.cwd,
      env: options.env ?? {},
      clearEnv: options.clearEnv ?? false,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn(),
  );
}

/**
 * Watch a spawned server whose stderr is piped (and whose stdout is not).
 *
 * @param child The process.
 * @returns The process; dispose it to stop it (SIGTERM) and wait for it.
 */
export function watchServer(child: Deno.ChildProcess): ServerProcess {
  let text = "";
  let trace: string | undefined;
  let done = false;
  const collected = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      // Keep the tail only: a proxy logging every refusal for 10k cases must not grow this.
      text = (text + chunk).slice(-200_000);
      const at = trace === undefined ? text.search(CRASH_TRACE) : -1;
      if (at >= 0) trace = text.slice(Math.max(0, at - 500), at + 4_000);
    }
  })();
  let report: string | undefined;
  const status = Promise.all([child.status, collected]).then(([s]) => {
    done = true;
    report = `the server exited (code ${s.code}, signal ${s.signal ?? "none"}): ${
      text.slice(-4_000)
    }`;
    return s;
  });
  return {
    pid: child.pid,
    stderr: () => text,
    crashTrace: () => trace,
    exited: () => done,
    exitReport: () => report,
    async waitFor(pattern) {
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && !done) {
        const match = pattern.exec(text);
        if (match !== null) return match;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`the server did not print ${pattern} (exited: ${done}): ${text}`);
    },
    memory: () => readMemory(child.pid),
    async [Symbol.asyncDispose]() {
      if (!done) child.kill("SIGTERM");
      await status;
    },
  };
}

/**
 * Read a process's resident memory and its peak.
 *
 * @param pid The process.
 * @returns Both, in KiB.
 */
export async function readMemory(pid: number): Promise<Memory> {
  const out = await new Deno.Command("cat", { args: [`/proc/${pid}/status`] }).output();
  const status = new TextDecoder().decode(out.stdout);
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
  return { rssKiB: field("VmRSS"), peakKiB: field("VmHWM") };
}
