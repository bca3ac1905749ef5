/**
 * The contract every backend implements (SPEC §5). A backend turns a {@link BottlePlan} (what to
 * run, decided once from the manifests, the same for every backend) into running containers or
 * micro-VMs, and reports on them. Backends take argv arrays, never shell strings, and report state
 * only: deciding what a bottle may do happens above them, in `src/plan/`.
 */
import type { BottlePlan, LaunchSecrets } from "../src/plan/mod.ts";

export type { BottlePlan, LaunchSecrets } from "../src/plan/mod.ts";

/** Names a user can pass to `--backend` or `BOT_BOTTLE_BACKEND`. */
export type BackendName = "docker" | "macos-container" | "smolmachines";

/** Whether a backend can run here, and why not. */
export type Availability = { ok: true; detail: string } | { ok: false; reason: string };

/** A running (or stopped but not removed) bottle, as the backend sees it. */
export interface ActiveBottle {
  /** The backend that runs it. */
  backend: BackendName;
  /** The bottle's slug. */
  slug: string;
  /** The label it was started with. */
  label: string;
  /** The agent it runs. */
  agent: string;
  /** Services seen for it, e.g. `agent:running`, `sidecar:running`. */
  services: string[];
}

/** One thing `cleanup` would remove. */
export interface CleanupStep {
  /** What kind of object. */
  kind: "container" | "network" | "image" | "state";
  /** Its name (container, network or image name, or a state dir path). */
  name: string;
  /** The bottle it belongs to, when known. */
  slug?: string;
}

/** Receives progress lines during long steps (image builds, first launch). */
export type Progress = (line: string) => void;

/** What a launch produced, enough to attach to and stop it. */
export interface LaunchedBottle {
  /** The slug. */
  slug: string;
  /** The names of what the backend created, in creation order. */
  created: string[];
}

/** How to run a command inside a bottle. */
export interface ExecOptions {
  /** Attach a terminal (raw TTY, `TERM` and window size forwarded). */
  tty: boolean;
  /** Run as this user instead of the agent user (root for provisioning). */
  user?: "agent" | "root";
  /** Extra environment for the command, passed by name from the child process environment. */
  env?: Readonly<Record<string, string>>;
  /** Capture stdout/stderr instead of inheriting them. */
  capture?: boolean;
  /** Kill the command after this many milliseconds. */
  timeoutMs?: number;
}

/** The result of {@link Backend.exec}. */
export interface ExecResult {
  /** The command's exit code (124 when it timed out). */
  code: number;
  /** Captured stdout (empty unless `capture`). */
  stdout: string;
  /** Captured stderr (empty unless `capture`). */
  stderr: string;
}

/** One backend (SPEC §5). */
export interface Backend {
  /** Its name. */
  readonly name: BackendName;
  /** Whether its CLI and engine answer here. */
  isAvailable(): Promise<Availability>;
  /**
   * The backend-specific steps for a plan, as data (pure and fast: no side effects). `--dry-run`
   * prints them; the parity test compares them across backends.
   */
  prepare(plan: BottlePlan): PreparedBottle;
  /**
   * Build images, create networks, start the sidecar then the agent, provision the CA, run the
   * isolation self-test. Every step is registered for teardown: on any failure everything
   * created so far is removed before the error is rethrown.
   */
  launch(plan: BottlePlan, secrets: LaunchSecrets, progress: Progress): Promise<LaunchedBottle>;
  /** Run a command inside the agent container; resolves to its exit code and captured output. */
  exec(slug: string, argv: readonly string[], options: ExecOptions): Promise<ExecResult>;
  /** Remove a bottle's containers and networks (state dirs are the caller's business). */
  stop(slug: string): Promise<void>;
  /** Bottles this backend runs, found by label (no state needed). */
  enumerateActive(): Promise<ActiveBottle[]>;
  /** What `cleanup` would remove for this backend; `keep` are slugs whose objects stay. */
  cleanupPlan(keep: ReadonlySet<string>): Promise<CleanupStep[]>;
  /** Remove what {@link cleanupPlan} listed, best effort; returns one warning per failed step. */
  cleanup(steps: readonly CleanupStep[]): Promise<string[]>;
  /** Snapshot the agent's filesystem to an image; returns the image reference. */
  commit(slug: string): Promise<string>;
  /** Tell the sidecar to re-read the bottle's routes file (SIGHUP to egress). */
  reloadEgress(slug: string): Promise<void>;
  /** The supervise MCP server's URL as the agent reaches it. */
  superviseUrl(slug: string): string;
}

/** A backend's plan for one bottle: what it will create and run, without values of secrets. */
export interface PreparedBottle {
  /** Backend name. */
  backend: BackendName;
  /** Human-readable steps, in order (for `--dry-run`). */
  steps: PreparedStep[];
}

/** One prepared step: a program and its arguments (never a shell string). */
export interface PreparedStep {
  /** What the step does. */
  title: string;
  /** argv, program first. */
  argv: string[];
}
