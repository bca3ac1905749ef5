/**
 * The init process's supervision of its daemon children (SPEC §6). Policy, all fail-closed:
 *
 * - every line a child writes (stdout or stderr) reaches our stderr as `[name] line`;
 * - SIGTERM or SIGINT: SIGTERM to every child, SIGKILL to those still alive after the grace
 *   period; exit 0 only if every child then exited cleanly (status 0, or killed by our SIGTERM);
 * - SIGHUP: forwarded to the reload target (egress) only, and held until that child has written
 *   its first line: a Deno process dies of a SIGHUP that arrives before it installs its listener,
 *   and every daemon logs only after installing its listeners;
 * - a child that exits on its own (even with status 0) stops the others and the result is 1: a
 *   bottle must lose egress rather than run with a daemon missing.
 *
 * Signal handlers and exit watchers only enqueue events; one loop acts on them in order. As PID 1
 * we reap only what we spawn: Deno awaits each direct child's status, so our children never
 * linger as zombies. Orphaned grandchildren would be reparented to us and not reaped, so a daemon
 * that runs programs (the future git gate) must await them, or the container runs with `--init`.
 */
import { EventQueue } from "./_event_queue.ts";
import { LinePrefixer } from "./_prefix.ts";
import type { HandledSignal, SignalSource } from "./_signals.ts";
import { messageOf } from "../../core/errors/mod.ts";

/** One child to start. */
export interface ChildSpec {
  /** Daemon name: the log prefix and the SIGHUP target key. */
  name: string;
  /** Executable. */
  command: string;
  /** Arguments. */
  args: readonly string[];
  /** The complete environment (nothing is inherited). */
  env: Readonly<Record<string, string>>;
}

/** Options of {@link DaemonGroup}. */
export interface DaemonGroupOptions {
  /** Writes to our stderr: whole newline-terminated lines only. */
  write: (text: string) => void;
  /** How long children get between SIGTERM and SIGKILL. */
  graceMs: number;
  /** The child that receives SIGHUP. */
  reloadTarget: string;
  /** The signals to obey. */
  signals: SignalSource;
}

interface Running {
  name: string;
  process: Deno.ChildProcess;
  /** Set once the child has written anything (its signal listeners are installed). */
  ready: boolean;
  status?: Deno.CommandStatus;
  output: Promise<void>;
}

type DaemonGroupEvent =
  | { kind: "signal"; signal: HandledSignal }
  | { kind: "ready"; child: Running }
  | { kind: "exit"; child: Running; status: Deno.CommandStatus }
  | { kind: "grace" };

/** Starts the daemon children and watches them until they have all exited. */
export class DaemonGroup {
  #options: DaemonGroupOptions;
  #events = new EventQueue<DaemonGroupEvent>();
  #children: Running[] = [];
  #stopping = false;
  #failed = false;
  #reloadPending = false;
  #graceTimer: ReturnType<typeof setTimeout> | undefined;

  /** @param options Output, grace period, SIGHUP target and signal source. */
  constructor(options: DaemonGroupOptions) {
    this.#options = options;
  }

  /**
   * Start the children in order and supervise them until every one has exited.
   *
   * @param specs The children.
   * @returns 0 when stopped by a signal and every child exited cleanly, else 1.
   */
  async run(specs: readonly ChildSpec[]): Promise<number> {
    const unsubscribe = this.#options.signals((signal) => {
      this.#events.push({ kind: "signal", signal });
    });
    try {
      for (const spec of specs) {
        if (!this.#spawn(spec)) break;
      }
      while (this.#children.some((child) => child.status === undefined)) {
        this.#handle(await this.#events.next());
      }
      await Promise.all(this.#children.map((child) => child.output));
    } finally {
      unsubscribe();
      clearTimeout(this.#graceTimer);
    }
    const clean = this.#children.every(({ status }) =>
      status?.code === 0 || status?.signal === "SIGTERM"
    );
    return this.#failed || !clean ? 1 : 0;
  }

  #spawn(spec: ChildSpec): boolean {
    let process: Deno.ChildProcess;
    try {
      process = new Deno.Command(spec.command, {
        args: [...spec.args],
        env: { ...spec.env },
        clearEnv: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (err) {
      const reason = messageOf(err);
      this.#say(`error: Cannot start daemon "${spec.name}": ${reason}`);
      this.#failed = true;
      this.#stop(`${spec.name} could not start`);
      return false;
    }
    const child: Running = { name: spec.name, process, ready: false, output: Promise.resolve() };
    child.output = Promise.all([
      this.#pump(child, process.stdout),
      this.#pump(child, process.stderr),
    ]).then(() => {});
    this.#children.push(child);
    void process.status.then((status) => this.#events.push({ kind: "exit", child, status }));
    this.#say(`started ${spec.name} (pid ${process.pid})`);
    return true;
  }

  async #pump(child: Running, stream: ReadableStream<Uint8Array>): Promise<void> {
    const prefixer = new LinePrefixer(child.name);
    try {
      for await (const chunk of stream) {
        if (!child.ready) {
          child.ready = true;
          this.#events.push({ kind: "ready", child });
        }
        const lines = prefixer.push(chunk);
        if (lines !== "") this.#options.write(lines);
      }
    } catch (err) {
      this.#say(
        `lost output of ${child.name}: ${messageOf(err)}`,
      );
    }
    const rest = prefixer.end();
    if (rest !== "") this.#options.write(rest);
  }

  #handle(event: DaemonGroupEvent): void {
    if (event.kind === "signal") {
      if (event.signal === "SIGHUP") this.#reload();
      else this.#stop(`received ${event.signal}`);
    } else if (event.kind === "ready") {
      if (this.#reloadPending && event.child.name === this.#options.reloadTarget) this.#reload();
    } else if (event.kind === "exit") {
      event.child.status = event.status;
      const how = event.status.signal === null
        ? `status ${event.status.code}`
        : `signal ${event.status.signal}`;
      this.#say(`${event.child.name} exited with ${how}`);
      if (!this.#stopping) {
        this.#failed = true;
        this.#stop(`${event.child.name} exited on its own`);
      }
    } else {
      for (const child of this.#alive()) {
        this.#say(`${child.name} still running after the grace period; sending SIGKILL`);
        this.#kill(child, "SIGKILL");
      }
    }
  }

  #reload(): void {
    const target = this.#alive().find((child) => child.name === this.#options.reloadTarget);
    if (this.#stopping || target === undefined) {
      this.#say(`SIGHUP ignored: ${this.#options.reloadTarget} is not running`);
      return;
    }
    this.#reloadPending = !target.ready;
    if (!target.ready) {
      this.#say(`SIGHUP: ${target.name} is starting; forwarding once it is up`);
      return;
    }
    this.#say(`SIGHUP: forwarding to ${target.name}`);
    this.#kill(target, "SIGHUP");
  }

  #stop(reason: string): void {
    if (this.#stopping) return;
    this.#stopping = true;
    const alive = this.#alive();
    if (alive.length === 0) {
      this.#say(`stopping (${reason})`);
      return;
    }
    const names = alive.map((child) => child.name).join(", ");
    this.#say(
      `stopping (${reason}): SIGTERM to ${names}, SIGKILL after ${this.#options.graceMs / 1000} s`,
    );
    for (const child of alive) this.#kill(child, "SIGTERM");
    this.#graceTimer = setTimeout(
      () => this.#events.push({ kind: "grace" }),
      this.#options.graceMs,
    );
  }

  #alive(): Running[] {
    return this.#children.filter((child) => child.status === undefined);
  }

  #kill(child: Running, signal: Deno.Signal): void {
    try {
      child.process.kill(signal);
    } catch (err) {
      // Deno throws TypeError when the child has already exited; its exit event is queued.
      if (!(err instanceof TypeError)) throw err;
    }
  }

  #say(message: string): void {
    this.#options.write(`[sidecar] ${message}\n`);
  }
}
